CREATE TABLE "suggestion_log" (
	"section_id" text NOT NULL,
	"suggestion_id" text NOT NULL,
	"user_id" text,
	"organisation_id" text,
	"author_name" text DEFAULT '' NOT NULL,
	"kind" text NOT NULL,
	"inserted" text DEFAULT '' NOT NULL,
	"deleted" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"outcome" text,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"reason" text DEFAULT '' NOT NULL,
	CONSTRAINT "suggestion_log_section_id_suggestion_id_pk" PRIMARY KEY("section_id","suggestion_id")
);
--> statement-breakpoint
ALTER TABLE "suggestion_log" ADD CONSTRAINT "suggestion_log_section_id_sections_id_fk" FOREIGN KEY ("section_id") REFERENCES "public"."sections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suggestion_log" ADD CONSTRAINT "suggestion_log_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suggestion_log" ADD CONSTRAINT "suggestion_log_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suggestion_log" ADD CONSTRAINT "suggestion_log_decided_by_user_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "suggestion_log_organisation_idx" ON "suggestion_log" USING btree ("organisation_id");