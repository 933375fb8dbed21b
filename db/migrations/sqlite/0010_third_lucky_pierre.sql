CREATE TABLE `suggestion_log` (
	`section_id` text NOT NULL,
	`suggestion_id` text NOT NULL,
	`user_id` text,
	`organisation_id` text,
	`author_name` text DEFAULT '' NOT NULL,
	`kind` text NOT NULL,
	`inserted` text DEFAULT '' NOT NULL,
	`deleted` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`outcome` text,
	`decided_by` text,
	`decided_at` integer,
	`reason` text DEFAULT '' NOT NULL,
	PRIMARY KEY(`section_id`, `suggestion_id`),
	FOREIGN KEY (`section_id`) REFERENCES `sections`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`decided_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `suggestion_log_organisation_idx` ON `suggestion_log` (`organisation_id`);