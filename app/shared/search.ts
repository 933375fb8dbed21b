/**
 * The search contract both sides use: what a search asks (the page's form, GET /api/v1/search) and
 * what it answers. A snippet is plain-text parts, never HTML: the page renders `hit` parts in <mark>,
 * and nothing a person wrote is ever interpreted as markup.
 */
import { z } from "zod";
import { SECTION_STATUSES, type SectionStatus } from "./domain";
import { idSchema } from "./ids";

/** The longest query (characters) and the most results one page shows. */
export const MAX_QUERY_LENGTH = 200;
export const MAX_PAGE = 50;
/** Counting stops here: "200 or more". */
export const MAX_COUNTED = 200;

export const searchQuerySchema = z.strictObject({
  q: z.string().trim().min(1, "type something to search for").max(MAX_QUERY_LENGTH, `at most ${MAX_QUERY_LENGTH} characters`),
  agenda: idSchema.optional(),
  workspace: idSchema.optional(),
  status: z.enum(SECTION_STATUSES as [SectionStatus, ...SectionStatus[]]).optional(),
  /** The lead organisation of the workspace. */
  organisation: idSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(20),
  offset: z.coerce.number().int().min(0).max(MAX_COUNTED).default(0),
});
export type SearchQuery = z.output<typeof searchQuerySchema>;

export const snippetPartSchema = z.object({ text: z.string(), hit: z.boolean() });
export type SnippetPart = z.output<typeof snippetPartSchema>;

export const searchResultSchema = z.object({
  /** What matched: a section's title or text, a comment, or a version's name. */
  kind: z.enum(["section", "comment", "version"]),
  /** The section, comment or version id. */
  id: z.string(),
  section: z.object({ id: z.string(), title: z.string(), status: z.enum(SECTION_STATUSES as [SectionStatus, ...SectionStatus[]]) }),
  workspace: z.object({ id: z.string(), title: z.string() }),
  agenda: z.object({ id: z.string(), title: z.string() }).nullable(),
  /** The comment's thread, for a comment. */
  threadId: z.string().nullable(),
  snippet: z.array(snippetPartSchema),
  /** Where the app shows it (a path on Overleg). */
  href: z.string(),
});
export type SearchResult = z.output<typeof searchResultSchema>;

export const searchAnswerSchema = z.object({
  query: z.string(),
  /** How many hits the person may see, counted up to MAX_COUNTED. */
  total: z.number().int(),
  /** True when there are more than MAX_COUNTED hits (total is then MAX_COUNTED). */
  more: z.boolean(),
  results: z.array(searchResultSchema),
});
export type SearchAnswer = z.output<typeof searchAnswerSchema>;
