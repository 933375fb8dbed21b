ALTER TABLE "comment_threads" ADD COLUMN "assignee_user_id" text;--> statement-breakpoint
ALTER TABLE "comment_threads" ADD COLUMN "assignee_organisation_id" text;--> statement-breakpoint
ALTER TABLE "comment_threads" ADD COLUMN "assignment_due_date" text;--> statement-breakpoint
ALTER TABLE "comment_threads" ADD COLUMN "assigned_by" text;--> statement-breakpoint
ALTER TABLE "comment_threads" ADD COLUMN "assigned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "comment_threads" ADD CONSTRAINT "comment_threads_assignee_user_id_user_id_fk" FOREIGN KEY ("assignee_user_id") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comment_threads" ADD CONSTRAINT "comment_threads_assignee_organisation_id_organisations_id_fk" FOREIGN KEY ("assignee_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comment_threads" ADD CONSTRAINT "comment_threads_assigned_by_user_id_fk" FOREIGN KEY ("assigned_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "comment_threads_assignee_user_idx" ON "comment_threads" USING btree ("assignee_user_id");--> statement-breakpoint
CREATE INDEX "comment_threads_assignee_organisation_idx" ON "comment_threads" USING btree ("assignee_organisation_id");