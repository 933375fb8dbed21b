ALTER TABLE `comment_threads` ADD `resolution_confirmed_at` integer;--> statement-breakpoint
ALTER TABLE `comments` ADD `kind` text DEFAULT 'comment' NOT NULL;--> statement-breakpoint
ALTER TABLE `comments` ADD `mentions` text DEFAULT '[]' NOT NULL;