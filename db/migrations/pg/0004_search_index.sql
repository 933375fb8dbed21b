-- Full-text search (server/search): one row per searchable thing a person may find (a section's title
-- and text, a comment, a version's name), with its words under the Dutch, English and simple
-- configurations in one tsvector. Not in schema.pg.ts (a generated tsvector column); the server reads
-- and writes it with SQL.
CREATE TABLE "search_documents" (
	"kind" text NOT NULL,
	"ref_id" text NOT NULL,
	"section_id" text NOT NULL REFERENCES "sections"("id") ON DELETE CASCADE,
	"thread_id" text REFERENCES "comment_threads"("id") ON DELETE CASCADE,
	"body" text NOT NULL,
	"tsv" tsvector GENERATED ALWAYS AS (to_tsvector('dutch'::regconfig, "body") || to_tsvector('english'::regconfig, "body") || to_tsvector('simple'::regconfig, "body")) STORED,
	"indexed_at" timestamp with time zone NOT NULL,
	PRIMARY KEY ("kind", "ref_id")
);
--> statement-breakpoint
CREATE INDEX "search_documents_tsv_idx" ON "search_documents" USING gin ("tsv");
--> statement-breakpoint
CREATE INDEX "search_documents_section_idx" ON "search_documents" ("section_id");
