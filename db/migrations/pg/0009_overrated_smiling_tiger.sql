CREATE TABLE "dispositions" (
	"workspace_id" text NOT NULL,
	"target_kind" text NOT NULL,
	"target_id" text NOT NULL,
	"disposition" text NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone NOT NULL,
	CONSTRAINT "dispositions_workspace_id_target_kind_target_id_pk" PRIMARY KEY("workspace_id","target_kind","target_id")
);
--> statement-breakpoint
CREATE TABLE "section_clients" (
	"section_id" text NOT NULL,
	"client_id" bigint NOT NULL,
	"user_id" text,
	"organisation_id" text,
	"first_seen" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "section_clients_section_id_client_id_pk" PRIMARY KEY("section_id","client_id")
);
--> statement-breakpoint
ALTER TABLE "agendas" ADD COLUMN "consultation" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "agendas" ADD COLUMN "require_dispositions" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "dispositions" ADD CONSTRAINT "dispositions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispositions" ADD CONSTRAINT "dispositions_decided_by_user_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "section_clients" ADD CONSTRAINT "section_clients_section_id_sections_id_fk" FOREIGN KEY ("section_id") REFERENCES "public"."sections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "section_clients" ADD CONSTRAINT "section_clients_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "section_clients" ADD CONSTRAINT "section_clients_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE set null ON UPDATE no action;