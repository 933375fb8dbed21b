-- Full-text search (server/search): one row per searchable thing a person may find (a section's title
-- and text, a comment, a version's name), and an FTS5 index over its stems (server/search/text.ts).
-- Not in schema.sqlite.ts: drizzle cannot declare an FTS5 table; the server reads and writes it with SQL.
CREATE TABLE `search_documents` (
	`id` integer PRIMARY KEY,
	`kind` text NOT NULL,
	`ref_id` text NOT NULL,
	`section_id` text NOT NULL REFERENCES `sections`(`id`) ON DELETE CASCADE,
	`thread_id` text REFERENCES `comment_threads`(`id`) ON DELETE CASCADE,
	`body` text NOT NULL,
	`stems` text NOT NULL,
	`indexed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `search_documents_ref_idx` ON `search_documents` (`kind`, `ref_id`);
--> statement-breakpoint
CREATE INDEX `search_documents_section_idx` ON `search_documents` (`section_id`);
--> statement-breakpoint
CREATE VIRTUAL TABLE `search_fts` USING fts5(stems, content='search_documents', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `search_documents_ai` AFTER INSERT ON `search_documents` BEGIN
	INSERT INTO `search_fts`(rowid, stems) VALUES (new.id, new.stems);
END;
--> statement-breakpoint
CREATE TRIGGER `search_documents_ad` AFTER DELETE ON `search_documents` BEGIN
	INSERT INTO `search_fts`(`search_fts`, rowid, stems) VALUES ('delete', old.id, old.stems);
END;
--> statement-breakpoint
CREATE TRIGGER `search_documents_au` AFTER UPDATE ON `search_documents` BEGIN
	INSERT INTO `search_fts`(`search_fts`, rowid, stems) VALUES ('delete', old.id, old.stems);
	INSERT INTO `search_fts`(rowid, stems) VALUES (new.id, new.stems);
END;
