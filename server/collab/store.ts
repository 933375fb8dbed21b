/**
 * Where a section's Yjs state lives: the latest snapshot (`yjs_snapshots`, holding every update with
 * seq <= upToSeq) plus the append-only update log (`yjs_updates`). Three operations:
 * - load: the snapshot and the log after it;
 * - append: a batch of accepted updates in one transaction (group commit);
 * - compact: fold the snapshot and the log up to the last seq read (N) into a new snapshot and delete
 *   exactly the rows with seq <= N, in one transaction.
 * On PostgreSQL, sequence values can commit out of order; appends therefore hold a shared advisory
 * lock on the section and compaction an exclusive one, so compaction never reads past a row that is
 * still being written (and then deletes it unseen). SQLite serialises writers by itself.
 */
import { and, asc, eq, gt, inArray, lte, sql } from "drizzle-orm";
import * as Y from "yjs";
import { preparedQuery, type Database, type Db } from "../../db/index";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { contentHash } from "../document";
import { documentProblem, repairFragment } from "../document-schema";
import { isLocked } from "../lifecycle";
import type { Logger } from "../log";
import type { SectionStatus } from "../../app/shared/domain";
import { appendAudit, lockAuditChain } from "../services/audit";

export interface StoredState {
  snapshot: Uint8Array | null;
  upToSeq: number;
  updates: { seq: number; data: Uint8Array }[];
}

/** A repair of a text stored outside the editor's schema (UpdateStore.repairOutsideSchema). */
export interface SchemaRepair {
  /** The repair, as stored in the log. */
  update: Uint8Array;
  seq: number;
  /** The version holding the text as it was before. */
  versionId: string;
  /** What was outside the schema (at most 20 parts). */
  repaired: string[];
}

/** The name of the version kept before a repair (stored data, so in both languages). */
export const REPAIR_VERSION_NAME = "Vóór herstel door de server / Before the server's repair";

export interface CompactionResult {
  upToSeq: number;
  snapshotBytes: number;
  foldedRows: number;
  foldedBytes: number;
}

/** A Yjs client id claimed for a person by the first stored update that used it (ADR 028). */
export interface ClientClaim {
  clientId: number;
  userId: string;
  organisationId: string | null;
  /**
   * The client id is in the text already (it came from another node): it must be recorded as the
   * sender's already; it is never claimed anew (an unowned id in the text is the server's, or from
   * before owners were recorded).
   */
  existing?: boolean;
}

/**
 * An append refused because a client id it claims is owned by another person in the section (a
 * claim made on another node that this room did not know yet). Nothing of the batch was stored.
 */
export class ClientOwnedError extends Error {
  constructor(
    readonly sectionId: string,
    /** The claims that clash with an owner in the database. */
    readonly clashes: ClientClaim[],
  ) {
    super(`Client ids ${clashes.map((c) => c.clientId).join(", ")} of section ${sectionId} belong to someone else.`);
    this.name = "ClientOwnedError";
  }
}

/** Namespace of the advisory locks on sections' logs (the other key is hashtext(section id)). */
const LOCK_SPACE = 7305202;

// A section's stored state, read whenever a section is opened (see preparedQuery).
const snapshotOf = preparedQuery("store_snapshot_of", ({ db, t }) =>
  db.select().from(t.yjsSnapshots).where(eq(t.yjsSnapshots.sectionId, sql.placeholder("sectionId"))).limit(1),
);
const updatesAfter = preparedQuery("store_updates_after", ({ db, t }) =>
  db
    .select({ seq: t.yjsUpdates.seq, data: t.yjsUpdates.data })
    .from(t.yjsUpdates)
    .where(and(eq(t.yjsUpdates.sectionId, sql.placeholder("sectionId")), gt(t.yjsUpdates.seq, sql.placeholder("from"))))
    .orderBy(asc(t.yjsUpdates.seq)),
);
const snapshotSeqOf = preparedQuery("store_snapshot_seq_of", ({ db, t }) =>
  db.select({ upToSeq: t.yjsSnapshots.upToSeq }).from(t.yjsSnapshots).where(eq(t.yjsSnapshots.sectionId, sql.placeholder("sectionId"))).limit(1),
);

const bytes = (b: Uint8Array | Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** An append refused because the section was signed off (final) or published in the meantime. */
export class SectionLockedError extends Error {
  constructor(readonly sectionId: string) {
    super(`Section ${sectionId} is final; its text can no longer change.`);
    this.name = "SectionLockedError";
  }
}

/**
 * Takes the section's log lock inside `tx` (PostgreSQL advisory lock; SQLite transactions are already
 * serialised). Appends hold it shared; compaction, and a sign-off that must see every stored update
 * before it fixes the hash, hold it exclusively.
 */
export async function lockSectionLog(database: Database, tx: Db, sectionId: string, mode: "shared" | "exclusive"): Promise<void> {
  if (database.dialect !== "pg") return;
  // On PostgreSQL `tx` is a node-postgres drizzle transaction (see db/index.ts), which has execute().
  const pgTx = tx as unknown as { execute(query: ReturnType<typeof sql>): Promise<unknown> };
  await pgTx.execute(
    mode === "shared"
      ? sql`select pg_advisory_xact_lock_shared(${LOCK_SPACE}, hashtext(${sectionId}))`
      : sql`select pg_advisory_xact_lock(${LOCK_SPACE}, hashtext(${sectionId}))`,
  );
}

export class UpdateStore {
  /**
   * SQLite's append as two statements prepared once. Every keystroke of every editor passes here, and
   * building the same two queries through the query builder cost more than storing them (see
   * bench/RESULTS.md); PostgreSQL keeps the builder, its round trips cost more than building.
   */
  private readonly appendSqlite: ((sectionId: string, updates: Uint8Array[], claims: readonly ClientClaim[]) => number[]) | null = null;

  constructor(
    private readonly database: Database,
    private readonly log: Logger,
  ) {
    const client = database.dialect === "sqlite" ? database.sqlite : undefined;
    if (client) {
      const statusOf = client.prepare<[string], { status: string; archived_at: number | null }>("select status, archived_at from sections where id = ?");
      const insert = client.prepare<[string, Buffer]>("insert into yjs_updates (section_id, data) values (?, ?)");
      const claim = client.prepare<[string, number, string, string | null, number]>(
        "insert into section_clients (section_id, client_id, user_id, organisation_id, first_seen) values (?, ?, ?, ?, ?) on conflict do nothing",
      );
      const ownerOf = client.prepare<[string, number], { user_id: string | null }>("select user_id from section_clients where section_id = ? and client_id = ?");
      this.appendSqlite = (sectionId, updates, claims) => {
        const row = statusOf.get(sectionId);
        if (row && (isLocked(row.status as SectionStatus) || row.archived_at !== null)) throw new SectionLockedError(sectionId);
        if (claims.length > 0) {
          const now = Date.now();
          const clashes = claims.filter((c) =>
            c.existing
              ? ownerOf.get(sectionId, c.clientId)?.user_id !== c.userId
              : claim.run(sectionId, c.clientId, c.userId, c.organisationId, now).changes === 0 && ownerOf.get(sectionId, c.clientId)?.user_id !== c.userId,
          );
          if (clashes.length > 0) throw new ClientOwnedError(sectionId, clashes);
        }
        return updates.map((u) => Number(insert.run(sectionId, Buffer.from(u.buffer, u.byteOffset, u.byteLength)).lastInsertRowid));
      };
    }
  }

  /**
   * The snapshot and the log after it. The two reads are not one snapshot of the database, so a
   * compaction (on this node or another) could commit between them and fold away rows the second read
   * then misses; a compaction always raises upToSeq, so reading it again tells, and the load retries.
   */
  async load(sectionId: string): Promise<StoredState> {
    for (;;) {
      const snapshot = (await snapshotOf(this.database, { sectionId }))[0];
      const from = snapshot?.upToSeq ?? 0;
      const rows = await updatesAfter(this.database, { sectionId, from });
      if ((await this.snapshotSeq(sectionId)) !== from) continue;
      return {
        snapshot: snapshot ? bytes(snapshot.data) : null,
        upToSeq: from,
        updates: rows.map((r) => ({ seq: Number(r.seq), data: bytes(r.data) })),
      };
    }
  }

  private async snapshotSeq(sectionId: string): Promise<number> {
    const row = (await snapshotSeqOf(this.database, { sectionId }))[0];
    return Number(row?.upToSeq ?? 0);
  }

  /**
   * Appends updates in one transaction; returns the seq of each, in order. `claims` are the client ids
   * the updates use for the first time, recorded as their senders' in the same transaction; when one
   * is owned by someone else already, nothing is stored (ClientOwnedError).
   */
  async append(sectionId: string, updates: Uint8Array[], claims: readonly ClientClaim[] = []): Promise<number[]> {
    const { t } = this.database;
    return this.database.transaction(async (tx) => {
      if (this.appendSqlite) return this.appendSqlite(sectionId, updates, claims);
      await this.lock(tx, sectionId, "shared");
      // Checked under the lock: a sign-off that committed first has fixed the text, so nothing more
      // may be stored (the room then treats the batch as not stored; its clients reconnect read-only).
      // An archived section is fixed the same way until an owner restores it.
      const section = (await tx.select({ status: t.sections.status, archivedAt: t.sections.archivedAt }).from(t.sections).where(eq(t.sections.id, sectionId)).limit(1))[0];
      if (section && (isLocked(section.status) || section.archivedAt)) throw new SectionLockedError(sectionId);
      if (claims.length > 0) {
        const firstSeen = new Date();
        const fresh = claims.filter((c) => !c.existing);
        const inserted = fresh.length
          ? await tx
              .insert(t.sectionClients)
              .values(fresh.map((c) => ({ sectionId, clientId: c.clientId, userId: c.userId, organisationId: c.organisationId, firstSeen })))
              .onConflictDoNothing()
              .returning({ clientId: t.sectionClients.clientId })
          : [];
        if (inserted.length < claims.length) {
          const owners = await tx
            .select({ clientId: t.sectionClients.clientId, userId: t.sectionClients.userId })
            .from(t.sectionClients)
            .where(and(eq(t.sectionClients.sectionId, sectionId), inArray(t.sectionClients.clientId, claims.map((c) => c.clientId))));
          const owner = new Map(owners.map((o) => [Number(o.clientId), o.userId]));
          const clashes = claims.filter((c) => owner.get(c.clientId) !== c.userId);
          if (clashes.length > 0) throw new ClientOwnedError(sectionId, clashes);
        }
      }
      const rows = await tx
        .insert(t.yjsUpdates)
        .values(updates.map((u) => ({ sectionId, data: Buffer.from(u.buffer, u.byteOffset, u.byteLength) })))
        .returning({ seq: t.yjsUpdates.seq });
      return rows.map((r) => Number(r.seq));
    });
  }

  /** Who owns each client id recorded for the section (client id to person id, null when removed). */
  async clientOwners(sectionId: string): Promise<Map<number, string | null>> {
    const { t } = this.database;
    const rows = await this.database.db
      .select({ clientId: t.sectionClients.clientId, userId: t.sectionClients.userId })
      .from(t.sectionClients)
      .where(eq(t.sectionClients.sectionId, sectionId));
    return new Map(rows.map((r) => [Number(r.clientId), r.userId]));
  }

  /** Folds the log into the snapshot; null when there was nothing to fold. */
  async compact(sectionId: string): Promise<CompactionResult | null> {
    const { t } = this.database;
    return this.database.transaction(async (tx) => {
      await this.lock(tx, sectionId, "exclusive");
      const snapshot = (await tx.select().from(t.yjsSnapshots).where(eq(t.yjsSnapshots.sectionId, sectionId)).limit(1))[0];
      const from = snapshot?.upToSeq ?? 0;
      const rows = await tx
        .select({ seq: t.yjsUpdates.seq, data: t.yjsUpdates.data })
        .from(t.yjsUpdates)
        .where(and(eq(t.yjsUpdates.sectionId, sectionId), gt(t.yjsUpdates.seq, from)))
        .orderBy(asc(t.yjsUpdates.seq));
      if (rows.length === 0) return null;
      const upToSeq = Number(rows[rows.length - 1].seq);
      const doc = new Y.Doc();
      applyStored(doc, snapshot ? bytes(snapshot.data) : null, rows.map((r) => ({ seq: Number(r.seq), data: bytes(r.data) })), this.log, sectionId);
      const state = Y.encodeStateAsUpdate(doc);
      doc.destroy();
      await this.writeSnapshot(tx, sectionId, state, upToSeq);
      return {
        upToSeq,
        snapshotBytes: state.byteLength,
        foldedRows: rows.length,
        foldedBytes: rows.reduce((n, r) => n + r.data.byteLength, 0),
      };
    });
  }

  /**
   * Brings a text stored outside the editor's schema (from before updates were checked, ADR 011) back
   * inside it, once, for every node: under the section's exclusive log lock (one node at a time, no
   * append in between) the stored state is read again; when it is still outside the schema, the text as
   * it is becomes a version, the repair (server/document-schema.ts repairFragment) is appended to the
   * log as one update, and both are audited. A node that comes second reads the first one's repair and
   * does nothing. Returns the state read under the lock (with the repair, if any, as its last row):
   * applying it gives the caller's document whatever the other node repaired. A section that is final
   * or published is not changed (its text is signed off): `repair` is null and `locked` true.
   */
  async repairOutsideSchema(sectionId: string): Promise<{ stored: StoredState; repair: SchemaRepair | null; locked: boolean }> {
    const { t } = this.database;
    return this.database.transaction(async (tx) => {
      // The audit chain's lock first, then the section's, in the order a sign-off takes them (no deadlock).
      await lockAuditChain(tx);
      await this.lock(tx, sectionId, "exclusive");
      const snapshot = (await tx.select().from(t.yjsSnapshots).where(eq(t.yjsSnapshots.sectionId, sectionId)).limit(1))[0];
      const from = Number(snapshot?.upToSeq ?? 0);
      const rows = await tx
        .select({ seq: t.yjsUpdates.seq, data: t.yjsUpdates.data })
        .from(t.yjsUpdates)
        .where(and(eq(t.yjsUpdates.sectionId, sectionId), gt(t.yjsUpdates.seq, from)))
        .orderBy(asc(t.yjsUpdates.seq));
      const stored: StoredState = {
        snapshot: snapshot ? bytes(snapshot.data) : null,
        upToSeq: from,
        updates: rows.map((r) => ({ seq: Number(r.seq), data: bytes(r.data) })),
      };
      const section = (await tx.select({ status: t.sections.status, workspaceId: t.sections.workspaceId }).from(t.sections).where(eq(t.sections.id, sectionId)).limit(1))[0];
      if (!section) return { stored, repair: null, locked: false };
      const doc = new Y.Doc({ guid: sectionId });
      try {
        const fragment = doc.getXmlFragment(FRAGMENT);
        applyStored(doc, stored.snapshot, stored.updates, this.log, sectionId);
        if (documentProblem(doc) === null) return { stored, repair: null, locked: false };
        if (isLocked(section.status)) return { stored, repair: null, locked: true };
        const before = Y.encodeStateAsUpdate(doc);
        const hash = contentHash(doc);
        const vector = Y.encodeStateVector(doc);
        let repaired: string[] = [];
        doc.transact(() => (repaired = repairFragment(fragment)));
        const update = Y.encodeStateAsUpdate(doc, vector);
        const versionId = crypto.randomUUID();
        await tx.insert(t.versions).values({
          id: versionId,
          sectionId,
          name: REPAIR_VERSION_NAME,
          kind: "manual",
          state: Buffer.from(before.buffer, before.byteOffset, before.byteLength),
          contentHash: hash,
          createdBy: null,
          createdAt: new Date(),
        });
        const [row] = await tx
          .insert(t.yjsUpdates)
          .values({ sectionId, data: Buffer.from(update.buffer, update.byteOffset, update.byteLength) })
          .returning({ seq: t.yjsUpdates.seq });
        const seq = Number(row.seq);
        stored.updates.push({ seq, data: update });
        await appendAudit(tx, {
          actorId: null,
          action: "section.repaired",
          subjectType: "section",
          subjectId: sectionId,
          workspaceId: section.workspaceId,
          data: { versionId, contentHash: hash, repaired },
        });
        return { stored, repair: { update, seq, versionId, repaired }, locked: false };
      } finally {
        doc.destroy();
      }
    });
  }

  /**
   * Makes `state` the snapshot of every update with seq <= upToSeq and deletes those rows, in one
   * transaction (compaction by the one node whose loaded document is exactly that state). False, and
   * nothing changed, when the snapshot already covers upToSeq.
   */
  async replaceSnapshot(sectionId: string, state: Uint8Array, upToSeq: number): Promise<boolean> {
    const { t } = this.database;
    return this.database.transaction(async (tx) => {
      await this.lock(tx, sectionId, "exclusive");
      const current = (await tx.select({ upToSeq: t.yjsSnapshots.upToSeq }).from(t.yjsSnapshots).where(eq(t.yjsSnapshots.sectionId, sectionId)).limit(1))[0];
      if (current && Number(current.upToSeq) >= upToSeq) return false;
      await this.writeSnapshot(tx, sectionId, state, upToSeq);
      return true;
    });
  }

  /** Inside the caller's transaction (holding the log lock exclusively): `state` becomes the snapshot
   * up to `upToSeq`, and the rows it folds in are deleted. */
  private async writeSnapshot(tx: Db, sectionId: string, state: Uint8Array, upToSeq: number): Promise<void> {
    const { t } = this.database;
    const data = Buffer.from(state.buffer, state.byteOffset, state.byteLength);
    const now = new Date();
    await tx
      .insert(t.yjsSnapshots)
      .values({ sectionId, data, upToSeq, updatedAt: now })
      .onConflictDoUpdate({ target: t.yjsSnapshots.sectionId, set: { data, upToSeq, updatedAt: now } });
    await tx.delete(t.yjsUpdates).where(and(eq(t.yjsUpdates.sectionId, sectionId), lte(t.yjsUpdates.seq, upToSeq)));
  }

  private lock(tx: Db, sectionId: string, mode: "shared" | "exclusive"): Promise<void> {
    return lockSectionLog(this.database, tx, sectionId, mode);
  }
}

/**
 * Applies a snapshot and log rows to `doc` in one transaction, each decoded once. A row that does not
 * apply (it cannot happen for rows this server wrote: every update is decoded before it is stored) is
 * logged and skipped rather than making the whole section unreadable.
 */
export function applyStored(
  doc: Y.Doc,
  snapshot: Uint8Array | null,
  updates: { seq: number; data: Uint8Array }[],
  log: Logger,
  sectionId: string,
): void {
  doc.transact(() => {
    if (snapshot) {
      try {
        Y.applyUpdate(doc, snapshot);
      } catch (error) {
        log.error("a section snapshot does not apply", { sectionId, error: String(error) });
        throw error;
      }
    }
    for (const u of updates) {
      try {
        Y.applyUpdate(doc, u.data);
      } catch (error) {
        log.error("a logged update does not apply; skipped", { sectionId, seq: u.seq, error: String(error) });
      }
    }
  });
}
