CREATE TABLE `dispositions` (
	`workspace_id` text NOT NULL,
	`target_kind` text NOT NULL,
	`target_id` text NOT NULL,
	`disposition` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`decided_by` text,
	`decided_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `target_kind`, `target_id`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`decided_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `section_clients` (
	`section_id` text NOT NULL,
	`client_id` integer NOT NULL,
	`user_id` text,
	`organisation_id` text,
	`first_seen` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	PRIMARY KEY(`section_id`, `client_id`),
	FOREIGN KEY (`section_id`) REFERENCES `sections`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
ALTER TABLE `agendas` ADD `consultation` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `agendas` ADD `require_dispositions` integer DEFAULT false NOT NULL;