/**
 * Full-text search for one person (the search page, GET /api/v1/search). The index
 * (server/search/index.ts) holds everything; this read keeps only what the policy lets the actor
 * read — `searchHit` in server/policy.ts — before anything is counted, ranked into a page or cut
 * into a snippet. The SQL narrows to the actor's workspaces and readable threads first; every row
 * is then asked of the policy again, so a mistake in the SQL hides a hit rather than shows one.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/index";
import { MAX_COUNTED, type SearchAnswer, type SearchQuery, type SearchResult } from "../../app/shared/search";
import type { SectionStatus, Visibility } from "../../app/shared/domain";
import { canWorkspace, searchHit, type Actor } from "../policy";
import { rows } from "../search/sql";
import { workspaceFactsFor } from "../services/access";
import { ftsQuery, queryTerms, snippet, tsQuery } from "../search/text";
import type { SearchKind } from "../search/index";

interface HitRow {
  kind: SearchKind;
  ref_id: string;
  section_id: string;
  thread_id: string | null;
  body: string;
  section_title: string;
  status: SectionStatus;
  section_archived: unknown;
  workspace_id: string;
  workspace_title: string;
  workspace_archived: unknown;
  agenda_id: string | null;
  agenda_title: string | null;
  agenda_archived: unknown;
  visibility: Visibility | null;
  thread_organisation_id: string | null;
  thread_author_id: string | null;
}

/** The workspaces the actor may see (workspace.view), with their facts (built as every other view builds them). */
async function readableWorkspaces(database: Database, actor: Actor) {
  const facts = await workspaceFactsFor(database, actor);
  return new Map([...facts].filter(([, f]) => canWorkspace(actor, "workspace.view", f)));
}

function hrefOf(row: HitRow): string {
  if (row.kind === "comment" && row.thread_id) return `/s/${row.section_id}?thread=${encodeURIComponent(row.thread_id)}`;
  if (row.kind === "version") return `/s/${row.section_id}/versions/${row.ref_id}`;
  return `/s/${row.section_id}`;
}

/** What `actor` finds for `query`: hits they may read only, counted up to MAX_COUNTED, one page of them. */
export async function searchFor(database: Database, actor: Actor, query: SearchQuery): Promise<SearchAnswer> {
  const empty: SearchAnswer = { query: query.q, total: 0, more: false, results: [] };
  const terms = queryTerms(query.q);
  if (!terms.length) return empty;
  const workspaces = await readableWorkspaces(database, actor);
  if (query.workspace) for (const id of [...workspaces.keys()]) if (id !== query.workspace) workspaces.delete(id);
  if (!workspaces.size) return empty;

  const filters: SQL[] = [
    sql`w.id in (${sql.join([...workspaces.keys()].map((id) => sql`${id}`), sql`, `)})`,
    sql`s.archived_at is null and w.archived_at is null and a.archived_at is null`,
    // Comments of threads the actor may read (the policy asks again below).
    sql`(d.thread_id is null or th.visibility = 'all' or (th.organisation_id is not null and th.organisation_id = ${actor.organisationId}))`,
  ];
  if (query.agenda) filters.push(sql`w.agenda_id = ${query.agenda}`);
  if (query.status) filters.push(sql`s.status = ${query.status}`);
  if (query.organisation) filters.push(sql`w.lead_organisation_id = ${query.organisation}`);

  const columns = sql`d.kind as kind, d.ref_id as ref_id, d.section_id as section_id, d.thread_id as thread_id, d.body as body,
    s.title as section_title, s.status as status, s.archived_at as section_archived,
    w.id as workspace_id, w.title as workspace_title, w.archived_at as workspace_archived,
    a.id as agenda_id, a.title as agenda_title, a.archived_at as agenda_archived,
    th.visibility as visibility, th.organisation_id as thread_organisation_id, th.author_id as thread_author_id`;
  const joins = sql`join sections s on s.id = d.section_id
    join workspaces w on w.id = s.workspace_id
    left join agendas a on a.id = w.agenda_id
    left join comment_threads th on th.id = d.thread_id`;
  const where = sql.join(filters, sql` and `);
  // One more than counted, to know there are more.
  const limit = MAX_COUNTED + 1;
  const found =
    database.dialect === "pg"
      ? await rows<HitRow>(
          database,
          sql`select ${columns} from search_documents d ${joins}
              where d.tsv @@ to_tsquery('simple', ${tsQuery(terms)}) and ${where}
              order by ts_rank(d.tsv, to_tsquery('simple', ${tsQuery(terms)})) desc, d.kind, d.ref_id limit ${limit}`,
        )
      : await rows<HitRow>(
          database,
          sql`select ${columns} from search_fts join search_documents d on d.id = search_fts.rowid ${joins}
              where search_fts match ${ftsQuery(terms)} and ${where}
              order by search_fts.rank, d.kind, d.ref_id limit ${limit}`,
        );

  const readable = found.filter((row) => {
    const facts = workspaces.get(row.workspace_id);
    if (!facts) return false;
    return searchHit(actor, {
      ...facts,
      status: row.status,
      archived: row.section_archived != null || row.workspace_archived != null || row.agenda_archived != null,
      thread: row.thread_id
        ? { visibility: row.visibility ?? "organisation", organisationId: row.thread_organisation_id, authorId: row.thread_author_id }
        : null,
    });
  });
  const more = readable.length > MAX_COUNTED;
  const page = readable.slice(query.offset, query.offset + query.limit);
  const results: SearchResult[] = page.map((row) => ({
    kind: row.kind,
    id: row.ref_id,
    section: { id: row.section_id, title: row.section_title, status: row.status },
    workspace: { id: row.workspace_id, title: row.workspace_title },
    agenda: row.agenda_id ? { id: row.agenda_id, title: row.agenda_title ?? "" } : null,
    threadId: row.thread_id,
    snippet: snippet(row.body, terms),
    href: hrefOf(row),
  }));
  return { query: query.q, total: Math.min(readable.length, MAX_COUNTED), more, results };
}
