CREATE TABLE `agenda_owners` (
	`agenda_id` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	PRIMARY KEY(`agenda_id`, `user_id`),
	FOREIGN KEY (`agenda_id`) REFERENCES `agendas`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `agenda_owners_user_idx` ON `agenda_owners` (`user_id`);--> statement-breakpoint
CREATE TABLE `agendas` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`publication_date` text,
	`language` text DEFAULT 'nl' NOT NULL,
	`owner_organisation_id` text,
	`position` integer DEFAULT 0 NOT NULL,
	`archived_at` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`owner_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`expires_at` integer,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_user_idx` ON `api_tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `section_template_items` (
	`template_id` text NOT NULL,
	`position` integer NOT NULL,
	`title` text NOT NULL,
	`content` text,
	PRIMARY KEY(`template_id`, `position`),
	FOREIGN KEY (`template_id`) REFERENCES `section_templates`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `section_templates` (
	`id` text PRIMARY KEY NOT NULL,
	`agenda_id` text NOT NULL,
	`name` text NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`agenda_id`) REFERENCES `agendas`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `section_templates_agenda_idx` ON `section_templates` (`agenda_id`);--> statement-breakpoint
ALTER TABLE `sections` ADD `archived_at` integer;--> statement-breakpoint
ALTER TABLE `workspaces` ADD `agenda_id` text REFERENCES agendas(id);--> statement-breakpoint
ALTER TABLE `workspaces` ADD `archived_at` integer;--> statement-breakpoint
INSERT INTO `agendas` (`id`, `title`, `language`, `publication_date`)
SELECT lower(hex(randomblob(16))), 'Actieagenda verwerking kritieke grondstoffen', 'nl', (SELECT max(`deadline`) FROM `workspaces`)
WHERE EXISTS (SELECT 1 FROM `workspaces`);--> statement-breakpoint
UPDATE `workspaces` SET `agenda_id` = (SELECT `id` FROM `agendas` LIMIT 1) WHERE `agenda_id` IS NULL;
