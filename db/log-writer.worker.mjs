/**
 * The thread that writes sections' update logs on SQLite (ADR 042). It owns a second connection to
 * the database file; the server's thread sends it appends and snapshot replacements and goes on with
 * other work while the commit and its fsync run here. Everything that arrives while a commit runs is
 * written in the next transaction, each request in its own savepoint (a refused one is rolled back
 * alone), so sections opened together share one fsync. A request is answered only after its
 * transaction committed (synchronous = FULL: on disk).
 *
 * Plain JavaScript: it runs as a worker file, from the sources and from the bundle alike.
 */
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";

/** Statuses after which a section's text is fixed (the same as server/lifecycle.ts isLocked). */
const LOCKED = new Set(workerData.lockedStatuses);

const db = new BetterSqlite3(workerData.path);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.pragma("foreign_keys = ON");
db.pragma(`busy_timeout = ${Number(workerData.busyTimeoutMs) || 5000}`);

const statusOf = db.prepare("select status, archived_at from sections where id = ?");
const insert = db.prepare("insert into yjs_updates (section_id, data) values (?, ?)");
const claim = db.prepare(
  "insert into section_clients (section_id, client_id, user_id, organisation_id, first_seen) values (?, ?, ?, ?, ?) on conflict do nothing",
);
const ownerOf = db.prepare("select user_id from section_clients where section_id = ? and client_id = ?");
const snapshotSeqOf = db.prepare("select up_to_seq from yjs_snapshots where section_id = ?");
const upsertSnapshot = db.prepare(
  "insert into yjs_snapshots (section_id, data, up_to_seq, updated_at) values (?, ?, ?, ?) on conflict (section_id) do update set data = excluded.data, up_to_seq = excluded.up_to_seq, updated_at = excluded.updated_at",
);
const deleteFolded = db.prepare("delete from yjs_updates where section_id = ? and seq <= ?");

const buffer = (u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

class Refused extends Error {
  constructor(kind, detail) {
    super(kind);
    this.kind = kind;
    this.detail = detail;
  }
}

function append({ sectionId, updates, claims }) {
  const row = statusOf.get(sectionId);
  if (row && (LOCKED.has(row.status) || row.archived_at !== null)) throw new Refused("locked");
  if (claims.length > 0) {
    const now = Date.now();
    const clashes = claims.filter((c) =>
      c.existing
        ? ownerOf.get(sectionId, c.clientId)?.user_id !== c.userId
        : claim.run(sectionId, c.clientId, c.userId, c.organisationId, now).changes === 0 && ownerOf.get(sectionId, c.clientId)?.user_id !== c.userId,
    );
    if (clashes.length > 0) throw new Refused("owned", clashes);
  }
  return updates.map((u) => Number(insert.run(sectionId, buffer(u)).lastInsertRowid));
}

function replaceSnapshot({ sectionId, state, upToSeq }) {
  const current = snapshotSeqOf.get(sectionId);
  if (current && Number(current.up_to_seq) >= upToSeq) return false;
  upsertSnapshot.run(sectionId, buffer(state), upToSeq, Date.now()); // timestamp_ms, as drizzle stores it
  deleteFolded.run(sectionId, upToSeq);
  return true;
}

const work = { append, replaceSnapshot };
let queue = [];
let scheduled = false;

function writeQueued() {
  scheduled = false;
  const requests = queue;
  queue = [];
  const answers = [];
  try {
    db.exec("BEGIN IMMEDIATE");
    for (const request of requests) {
      db.exec("SAVEPOINT request");
      try {
        answers.push({ id: request.id, result: work[request.op](request) });
        db.exec("RELEASE request");
      } catch (error) {
        db.exec("ROLLBACK TO request");
        db.exec("RELEASE request");
        answers.push({ id: request.id, error: describe(error) });
      }
    }
    db.exec("COMMIT");
  } catch (error) {
    if (db.inTransaction) db.exec("ROLLBACK");
    // Nothing of this transaction is stored: every request fails, also those that had succeeded.
    for (const request of requests) parentPort.postMessage({ id: request.id, error: describe(error) });
    return;
  }
  for (const answer of answers) parentPort.postMessage(answer);
}

function describe(error) {
  if (error instanceof Refused) return { kind: error.kind, detail: error.detail };
  return { kind: "failed", message: error instanceof Error ? error.message : String(error) };
}

parentPort.on("message", (request) => {
  if (request.op === "close") {
    db.close();
    parentPort.postMessage({ id: request.id, result: true });
    parentPort.close();
    return;
  }
  queue.push(request);
  if (!scheduled) {
    scheduled = true;
    setImmediate(writeQueued); // what else has arrived joins this transaction
  }
});
