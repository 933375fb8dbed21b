/**
 * The audit trail: an append-only, hash-chained record of every permission change, review decision,
 * sign-off and the like. Each event stores the hash of the event before it (`prevHash`) and its own
 * `hash` = SHA-256 over that previous hash and this event's canonical fields, including its position
 * (`seq`) in the chain. Changing, deleting or reordering any stored row therefore breaks the chain at
 * exactly that row, which `verifyAuditChain` reports.
 *
 * Appends are serialised so that two transactions never chain onto the same predecessor: on
 * PostgreSQL `appendAudit` takes a transaction-scoped advisory lock; on SQLite every write
 * transaction already holds the database's one write lock (BEGIN IMMEDIATE, see db/index.ts).
 * `seq` is assigned here (previous + 1) under that lock, so the chain has no gaps even when a
 * transaction rolls back; a missing number means a deleted row.
 *
 * Nothing in Overleg updates or deletes audit events.
 */
import { createHash } from "node:crypto";
import { and, asc, desc, eq, gt, lt, sql, type SQL } from "drizzle-orm";
import { is } from "drizzle-orm";
import { PgDatabase } from "drizzle-orm/pg-core";
import type { Database, Db } from "../../db/index";
import * as pgSchema from "../../db/schema.pg";
import * as sqliteSchema from "../../db/schema.sqlite";

/** The `prevHash` of the first event. */
export const GENESIS_HASH = "0".repeat(64);

/** The advisory lock key that serialises appends on PostgreSQL ("audit" in ASCII). */
export const AUDIT_LOCK_KEY = 0x6175646974;

export interface AuditEvent {
  seq: number;
  id: string;
  at: Date;
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  workspaceId: string | null;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AppendAuditProps {
  /** Who did it (a user id from the session), or null for the system itself. */
  actorId: string | null;
  /** What happened, as `noun.verb`: "membership.role_changed", "invitation.created", "section.signed_off". */
  action: string;
  /** The kind of thing it happened to: "membership", "invitation", "organisation", "person", "section". */
  subjectType: string;
  /** The id of that thing. */
  subjectId: string;
  /** The workspace it belongs to, when it belongs to one (for the workspace's own audit view). */
  workspaceId?: string | null;
  /** Whatever else a reader needs to understand the event later (old and new role, email, note). */
  data?: Record<string, unknown>;
}

/** JSON with object keys sorted at every depth, so that the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** The hash of one event given its predecessor's hash. */
export function auditHash(prevHash: string, event: Omit<AuditEvent, "prevHash" | "hash">): string {
  const fields = [
    event.seq,
    event.id,
    event.at.getTime(),
    event.actorId,
    event.action,
    event.subjectType,
    event.subjectId,
    event.workspaceId,
    event.data,
  ];
  return createHash("sha256").update(`${prevHash}\n${canonicalJson(fields)}`).digest("hex");
}

function tableFor(tx: Db) {
  return is(tx, PgDatabase)
    ? { pg: true as const, table: pgSchema.auditEvents as unknown as typeof sqliteSchema.auditEvents }
    : { pg: false as const, table: sqliteSchema.auditEvents };
}

/**
 * Takes the lock that serialises audited changes until the transaction ends. `appendAudit` takes it
 * itself; a command that checks an invariant across rows before changing them (the last owner of a
 * workspace) takes it first, so that two such transactions cannot both pass the check. A no-op on
 * SQLite, whose write transactions are already serialised.
 */
export async function lockAuditChain(tx: Db): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  if (tableFor(tx).pg) await (tx as unknown as PgDatabase<any>).execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
}

/**
 * Appends one event to the chain. Call it inside `database.transaction(...)` with the `tx` passed in,
 * in the same transaction as the change it records: the event is committed with the change or not
 * at all.
 */
export async function appendAudit(tx: Db, props: AppendAuditProps): Promise<AuditEvent> {
  const { table } = tableFor(tx);
  await lockAuditChain(tx);
  const last = await tx.select({ seq: table.seq, hash: table.hash }).from(table).orderBy(desc(table.seq)).limit(1);
  const prevHash = last[0]?.hash ?? GENESIS_HASH;
  const base = {
    seq: (last[0] ? Number(last[0].seq) : 0) + 1,
    id: crypto.randomUUID(),
    at: new Date(),
    actorId: props.actorId,
    action: props.action,
    subjectType: props.subjectType,
    subjectId: props.subjectId,
    workspaceId: props.workspaceId ?? null,
    // Stored and hashed in its canonical form, so that jsonb's own key order cannot matter.
    data: JSON.parse(canonicalJson(props.data ?? {})) as Record<string, unknown>,
  };
  const event: AuditEvent = { ...base, prevHash, hash: auditHash(prevHash, base) };
  await tx.insert(table).values(event);
  return event;
}

export type ChainBreak =
  /** The stored hash does not match the event's fields: a field of this row was changed. */
  | "hash_mismatch"
  /** The row does not point at the hash of the row before it: rows were reordered or replaced. */
  | "prev_mismatch"
  /** A row with this seq should exist but does not: it was deleted. */
  | "missing";

export type ChainVerdict =
  | { ok: true; count: number; lastHash: string }
  | { ok: false; count: number; brokenSeq: number; reason: ChainBreak; eventId: string | null };

function rowToEvent(row: typeof sqliteSchema.auditEvents.$inferSelect): AuditEvent {
  return {
    seq: Number(row.seq),
    id: row.id,
    at: row.at instanceof Date ? row.at : new Date(row.at as unknown as string | number),
    actorId: row.actorId,
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    workspaceId: row.workspaceId,
    data: (typeof row.data === "string" ? JSON.parse(row.data) : row.data) as Record<string, unknown>,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/**
 * Walks the whole chain in order and returns the first broken link: the seq of the first row that was
 * changed, deleted (its number is missing) or moved, or `ok` with the number of events checked.
 */
export async function verifyAuditChain(database: Database, options: { batchSize?: number } = {}): Promise<ChainVerdict> {
  const { db, t } = database;
  const batchSize = options.batchSize ?? 1000;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(t.auditEvents)
      .where(gt(t.auditEvents.seq, expectedSeq - 1))
      .orderBy(asc(t.auditEvents.seq))
      .limit(batchSize);
    for (const row of rows) {
      const event = rowToEvent(row);
      if (event.seq !== expectedSeq) return { ok: false, count, brokenSeq: expectedSeq, reason: "missing", eventId: null };
      if (event.prevHash !== prevHash) {
        return { ok: false, count, brokenSeq: event.seq, reason: "prev_mismatch", eventId: event.id };
      }
      if (auditHash(event.prevHash, event) !== event.hash) {
        return { ok: false, count, brokenSeq: event.seq, reason: "hash_mismatch", eventId: event.id };
      }
      prevHash = event.hash;
      expectedSeq += 1;
      count += 1;
    }
    if (rows.length < batchSize) return { ok: true, count, lastHash: prevHash };
  }
}

export interface ListAuditProps {
  /** Only events of this workspace. */
  workspaceId?: string;
  /** Only events with a seq below this one (paging backwards from the newest). */
  beforeSeq?: number;
  /** At most this many events (default 50, at most 500). */
  limit?: number;
}

/** The newest events first, with the actor's name when the actor still exists. */
export async function listAudit(database: Database, props: ListAuditProps = {}) {
  const { db, t } = database;
  const where: SQL[] = [];
  if (props.workspaceId) where.push(eq(t.auditEvents.workspaceId, props.workspaceId));
  if (props.beforeSeq !== undefined) where.push(lt(t.auditEvents.seq, props.beforeSeq));
  const rows = await db
    .select({ event: t.auditEvents, actorName: t.user.name, actorEmail: t.user.email })
    .from(t.auditEvents)
    .leftJoin(t.user, eq(t.user.id, t.auditEvents.actorId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(t.auditEvents.seq))
    .limit(Math.min(Math.max(props.limit ?? 50, 1), 500));
  return rows.map((r) => ({ ...rowToEvent(r.event), actorName: r.actorName ?? null, actorEmail: r.actorEmail ?? null }));
}
