/**
 * Keeps the search index (table `search_documents`, see db/migrations/*\/0004_search_index.sql)
 * following what is stored:
 *
 * - a section's title and text: after the collab server stored changes (its afterStore hook), once
 *   per burst of typing (debounced per section, at most `maxWaitMs` behind), off the write path; and
 *   when a section is created or changed (title);
 * - comments: when their thread changed (the `thread.changed` event the comment commands emit);
 * - version names: in the transaction that captures the version (versionCapture.ts calls indexVersion).
 *
 * The index is fed from the server's own stored log, never from what a browser claims. At start,
 * `backfillSearchIndex` indexes whatever is missing or older than its stored text (existing data, or
 * edits whose indexing a stopped server never ran).
 */
import { sql } from "drizzle-orm";
import type { Database, Db } from "../../db/index";
import { toProseMirror } from "../document";
import type { DomainEventBus } from "../events";
import type { Logger } from "../log";
import { readSectionDoc, type LoadedReader } from "../services/section-text";
import { moment, rows, run } from "./sql";
import { stemsOf } from "./text";

export type SearchKind = "section" | "comment" | "version";

interface SearchDocument {
  kind: SearchKind;
  refId: string;
  sectionId: string;
  threadId: string | null;
  body: string;
}

/** At most this much of a text is indexed (a section is far shorter; this bounds a pathological one). */
const MAX_BODY = 200_000;

/** Control characters have no place in a snippet. */
const clean = (text: string) => text.replace(/\p{Cc}/gu, (c) => (c === "\n" || c === "\t" || c === "\r" ? c : " ")).slice(0, MAX_BODY);

async function upsert(database: Database, tx: Db, doc: SearchDocument, at: Date): Promise<void> {
  const body = clean(doc.body);
  const when = moment(database, at);
  if (database.dialect === "pg") {
    await run(
      database,
      sql`insert into search_documents (kind, ref_id, section_id, thread_id, body, indexed_at)
          values (${doc.kind}, ${doc.refId}, ${doc.sectionId}, ${doc.threadId}, ${body}, ${when}::timestamptz)
          on conflict (kind, ref_id) do update set section_id = excluded.section_id, thread_id = excluded.thread_id,
            body = excluded.body, indexed_at = excluded.indexed_at`,
      tx,
    );
  } else {
    await run(
      database,
      sql`insert into search_documents (kind, ref_id, section_id, thread_id, body, stems, indexed_at)
          values (${doc.kind}, ${doc.refId}, ${doc.sectionId}, ${doc.threadId}, ${body}, ${stemsOf(body)}, ${when})
          on conflict (kind, ref_id) do update set section_id = excluded.section_id, thread_id = excluded.thread_id,
            body = excluded.body, stems = excluded.stems, indexed_at = excluded.indexed_at`,
      tx,
    );
  }
}

async function remove(database: Database, tx: Db, kind: SearchKind, refId: string): Promise<void> {
  await run(database, sql`delete from search_documents where kind = ${kind} and ref_id = ${refId}`, tx);
}

/** A section's text as plain text: blocks apart by blank lines. */
function plainText(doc: import("yjs").Doc): string {
  const node = toProseMirror(doc);
  return node.textBetween(0, node.content.size, "\n\n", " ");
}

/** Indexes a section's title and stored text now; returns what was indexed (null: the section is gone). */
export async function indexSection(database: Database, sectionId: string, loaded?: LoadedReader): Promise<string | null> {
  const { db, t } = database;
  const at = new Date(); // before reading: a change stored meanwhile is newer than this entry
  const [section] = await db.select({ title: t.sections.title }).from(t.sections).where(sql`${t.sections.id} = ${sectionId}`).limit(1);
  if (!section) return null;
  // The loaded room's document when this node has the section open: no load and decode per change.
  const body = `${section.title}\n\n${await readSectionDoc(database, sectionId, plainText, loaded)}`;
  await upsert(database, db, { kind: "section", refId: sectionId, sectionId, threadId: null, body }, at);
  return body;
}

/** Indexes the comments of a thread as they are now: deleted ones and thread entries (resolved, …) leave the index. */
export async function indexThread(database: Database, threadId: string): Promise<void> {
  const { db, t } = database;
  const at = new Date();
  const list = await db
    .select({ id: t.comments.id, body: t.comments.body, kind: t.comments.kind, deletedAt: t.comments.deletedAt, sectionId: t.commentThreads.sectionId })
    .from(t.comments)
    .innerJoin(t.commentThreads, sql`${t.commentThreads.id} = ${t.comments.threadId}`)
    .where(sql`${t.comments.threadId} = ${threadId}`);
  await database.transaction(async (tx) => {
    for (const c of list) {
      if (c.kind !== "comment" || c.deletedAt) await remove(database, tx, "comment", c.id);
      else await upsert(database, tx, { kind: "comment", refId: c.id, sectionId: c.sectionId, threadId, body: c.body }, at);
    }
  });
}

/** Indexes a version's name, inside the transaction that stores the version. */
export async function indexVersion(tx: Db, database: Database, version: { id: string; sectionId: string; name: string }): Promise<void> {
  await upsert(database, tx, { kind: "version", refId: version.id, sectionId: version.sectionId, threadId: null, body: version.name }, new Date());
}

/**
 * Indexes what is missing or stale: sections never indexed or with text stored after their entry,
 * comments and versions never indexed, and removes deleted comments. Returns how many were indexed.
 */
export async function backfillSearchIndex(database: Database, log?: Logger): Promise<number> {
  const stale = await rows<{ id: string }>(
    database,
    sql`select s.id as id from sections s
        left join search_documents d on d.kind = 'section' and d.ref_id = s.id
        where d.ref_id is null
           or d.indexed_at < (select max(u.created_at) from yjs_updates u where u.section_id = s.id)
           or d.indexed_at < (select y.updated_at from yjs_snapshots y where y.section_id = s.id)`,
  );
  for (const { id } of stale) await indexSection(database, id);
  const threads = await rows<{ thread_id: string }>(
    database,
    sql`select distinct c.thread_id as thread_id from comments c
        left join search_documents d on d.kind = 'comment' and d.ref_id = c.id
        where (d.ref_id is null and c.kind = 'comment' and c.deleted_at is null)
           or (d.ref_id is not null and (c.kind <> 'comment' or c.deleted_at is not null))`,
  );
  for (const { thread_id } of threads) await indexThread(database, thread_id);
  const versions = await rows<{ id: string; section_id: string; name: string }>(
    database,
    sql`select v.id as id, v.section_id as section_id, v.name as name from versions v
        left join search_documents d on d.kind = 'version' and d.ref_id = v.id
        where d.ref_id is null`,
  );
  if (versions.length) {
    await database.transaction(async (tx) => {
      for (const v of versions) await indexVersion(tx, database, { id: v.id, sectionId: v.section_id, name: v.name });
    });
  }
  const total = stale.length + threads.length + versions.length;
  if (total) log?.info("search index backfilled", { sections: stale.length, threads: threads.length, versions: versions.length });
  return total;
}

export interface SearchIndexerOptions {
  /** Quiet time after a stored change before the section is indexed (default 300 ms). */
  delayMs?: number;
  /** The longest a section waits while changes keep coming (default 2 s). */
  maxWaitMs?: number;
}

export interface SearchIndexer {
  /** Indexes the section soon (debounced): what the afterStore hook calls. */
  schedule(sectionId: string): void;
  /**
   * Resolves once the section was indexed with a text for which `until` holds (for tests and tools
   * that must see an edit in the index; await it with a timeout of your own).
   */
  indexed(sectionId: string, until?: (body: string) => boolean): Promise<void>;
  /** Resolves once every indexing already started (a thread's comments, a section due) has finished. */
  settled(): Promise<void>;
  /** Stops: pending sections are indexed now, then nothing more. */
  close(): Promise<void>;
}

/** The indexer of one server: listens to the collab server's stored changes and the domain events. */
export function createSearchIndexer(
  services: { database: Database; events: DomainEventBus; log: Logger },
  collab: { onStored(listener: (sectionId: string) => void): () => void; readLoaded?: LoadedReader },
  options: SearchIndexerOptions = {},
): SearchIndexer {
  const { database, events, log } = services;
  const delayMs = options.delayMs ?? 300;
  const maxWaitMs = options.maxWaitMs ?? 2000;
  const pending = new Map<string, { timer: NodeJS.Timeout; first: number }>();
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  const waiters = new Set<{ sectionId: string; until: (body: string) => boolean; resolve: () => void }>();
  const tasks = new Set<Promise<unknown>>();
  let closed = false;

  const track = <T>(p: Promise<T>) => {
    tasks.add(p);
    void p.finally(() => tasks.delete(p)).catch(() => undefined);
    return p;
  };

  function runNow(sectionId: string): void {
    pending.delete(sectionId);
    if (running.has(sectionId)) {
      again.add(sectionId); // one more run after this one: it may have read the text before the change
      return;
    }
    const p = indexSection(database, sectionId, collab.readLoaded)
      .then((body) => {
        if (body === null) return;
        for (const w of [...waiters]) {
          if (w.sectionId === sectionId && w.until(body)) {
            waiters.delete(w);
            w.resolve();
          }
        }
      })
      .catch((error: unknown) => log.error("indexing a section for search failed", { sectionId, error: String(error) }))
      .finally(() => {
        running.delete(sectionId);
        if (again.delete(sectionId) && !closed) schedule(sectionId);
      });
    running.set(sectionId, p);
    track(p);
  }

  function schedule(sectionId: string): void {
    if (closed) return;
    const now = Date.now();
    const entry = pending.get(sectionId);
    if (entry) clearTimeout(entry.timer);
    const first = entry?.first ?? now;
    const wait = Math.max(0, Math.min(delayMs, first + maxWaitMs - now));
    const timer = setTimeout(() => runNow(sectionId), wait);
    timer.unref();
    pending.set(sectionId, { timer, first });
  }

  const thread = (threadId: string) =>
    void track(indexThread(database, threadId).catch((error: unknown) => log.error("indexing a thread for search failed", { threadId, error: String(error) })));

  const off = [
    collab.onStored((sectionId) => schedule(sectionId)),
    events.on("section.created", ({ sectionId }) => schedule(sectionId)),
    events.on("section.changed", ({ sectionId }) => schedule(sectionId)),
    events.on("thread.changed", ({ threadId }) => thread(threadId)),
  ];

  return {
    schedule,
    indexed(sectionId, until = () => true) {
      return new Promise<void>((resolve) => waiters.add({ sectionId, until, resolve }));
    },
    async settled() {
      while (tasks.size) await Promise.allSettled([...tasks]);
    },
    async close() {
      for (const stop of off) stop();
      for (const [sectionId, entry] of pending) {
        clearTimeout(entry.timer);
        runNow(sectionId);
      }
      closed = true;
      while (tasks.size) await Promise.allSettled([...tasks]);
    },
  };
}
