ALTER TABLE `comment_threads` ADD `assignee_user_id` text REFERENCES user(id);--> statement-breakpoint
ALTER TABLE `comment_threads` ADD `assignee_organisation_id` text REFERENCES organisations(id);--> statement-breakpoint
ALTER TABLE `comment_threads` ADD `assignment_due_date` text;--> statement-breakpoint
ALTER TABLE `comment_threads` ADD `assigned_by` text REFERENCES user(id);--> statement-breakpoint
ALTER TABLE `comment_threads` ADD `assigned_at` integer;--> statement-breakpoint
CREATE INDEX `comment_threads_assignee_user_idx` ON `comment_threads` (`assignee_user_id`);--> statement-breakpoint
CREATE INDEX `comment_threads_assignee_organisation_idx` ON `comment_threads` (`assignee_organisation_id`);