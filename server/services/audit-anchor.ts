/**
 * Anchoring the audit chain. The chain alone (server/services/audit.ts) shows a changed, moved or
 * deleted row, but not rows deleted from its end, nor rows rewritten by someone who recomputes every
 * later hash with the documented algorithm: both leave a chain that links up. A checkpoint fixes the
 * head of the chain at a moment: `eventSeq` and `eventHash` of the newest event, signed with the audit
 * key (Ed25519), which lives in a file the database does not hold (AUDIT_KEY_FILE; see
 * docs/decisions/013-audit-checkpoints.md). Whoever can write the database but not read that file
 * cannot make a checkpoint, so:
 *
 * - rows deleted after a checkpoint was made leave it pointing past the end of the chain (truncated);
 * - a row rewritten at or before a checkpoint's event changes that event's hash, whatever was
 *   recomputed (rewritten);
 * - a checkpoint written by anyone else does not verify with the key (forged).
 *
 * Checkpoints are recorded at start, at shutdown, at every publication, and by a periodic check once
 * `every` events (AUDIT_CHECKPOINT_EVERY) have been appended since the last one, or any event has
 * waited longer than `maxAgeMs`. Each one is written to the server log too (`audit checkpoint`), so
 * that a copy of the head lives outside the database: `npm run audit:verify -- --head <seq>:<hash>`
 * checks the chain against such a copy, which also catches checkpoints deleted with the rows.
 *
 * The signed message is the UTF-8 text
 *   overleg-audit-checkpoint/1\n<eventSeq>\n<eventHash>\n<at as ISO 8601>\n<reason>
 * signed with Ed25519; `signature` is its base64, `keyId` the first 16 hex digits of the SHA-256 of
 * the public key (DER, SubjectPublicKeyInfo).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from "node:crypto";
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { asc, desc, inArray, sql } from "drizzle-orm";
import type { Database } from "../../db/index";
import type { Logger } from "../log";
import { GENESIS_HASH, lockAuditChain, verifyAuditChain, type ChainVerdict } from "./audit";

export type CheckpointReason = "start" | "shutdown" | "interval" | "publication";

export interface AuditCheckpoint {
  id: string;
  at: Date;
  reason: string;
  /** The newest event's seq when the checkpoint was made (0: the chain was empty). */
  eventSeq: number;
  /** That event's hash (GENESIS_HASH for an empty chain). */
  eventHash: string;
  keyId: string;
  /** Base64 Ed25519 signature over `checkpointMessage(...)`. */
  signature: string;
}

export interface AuditKey {
  /** Absent when only the public key is known (not used by Overleg itself yet). */
  privateKey?: KeyObject;
  publicKey: KeyObject;
  keyId: string;
  path: string;
}

export class AuditKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuditKeyError";
  }
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
}

function keyFromPem(pem: string, path: string): AuditKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new AuditKeyError(`AUDIT_KEY_FILE (${path}): not a private key in PEM form`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new AuditKeyError(`AUDIT_KEY_FILE (${path}): must be an Ed25519 private key, not ${privateKey.asymmetricKeyType}`);
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), path };
}

/** A new Ed25519 private key in PEM (PKCS #8). */
export function generateAuditKeyPem(): string {
  return generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

/**
 * Reads the audit key. With `create` (outside production) a missing file is generated first, readable
 * by its owner only; several processes starting at once end up with the same key (the file appears
 * whole or not at all).
 */
export function loadAuditKey(path: string, options: { create: boolean }): AuditKey {
  const file = resolve(path);
  let pem: string;
  try {
    pem = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new AuditKeyError(`AUDIT_KEY_FILE (${path}): cannot be read: ${(error as Error).message}`);
    }
    if (!options.create) throw new AuditKeyError(`AUDIT_KEY_FILE (${path}): no such file`);
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(temporary, generateAuditKeyPem(), { mode: 0o600 });
    try {
      linkSync(temporary, file);
    } catch (linkError) {
      if ((linkError as NodeJS.ErrnoException).code !== "EEXIST") throw linkError;
    } finally {
      unlinkSync(temporary);
    }
    pem = readFileSync(file, "utf8");
  }
  return keyFromPem(pem, path);
}

export function checkpointMessage(c: Pick<AuditCheckpoint, "eventSeq" | "eventHash" | "at" | "reason">): Buffer {
  return Buffer.from(`overleg-audit-checkpoint/1\n${c.eventSeq}\n${c.eventHash}\n${c.at.toISOString()}\n${c.reason}`, "utf8");
}

export function signCheckpoint(key: AuditKey, c: Pick<AuditCheckpoint, "eventSeq" | "eventHash" | "at" | "reason">): string {
  if (!key.privateKey) throw new AuditKeyError(`AUDIT_KEY_FILE (${key.path}): holds no private key, so it cannot sign`);
  return sign(null, checkpointMessage(c), key.privateKey).toString("base64");
}

export function checkpointVerifies(key: Pick<AuditKey, "publicKey">, c: AuditCheckpoint): boolean {
  try {
    return verify(null, checkpointMessage(c), key.publicKey, Buffer.from(c.signature, "base64"));
  } catch {
    return false;
  }
}

function rowToCheckpoint(row: Record<string, unknown>): AuditCheckpoint {
  const at = row.at instanceof Date ? row.at : new Date(row.at as string | number);
  return {
    id: String(row.id),
    at,
    reason: String(row.reason),
    eventSeq: Number(row.eventSeq),
    eventHash: String(row.eventHash),
    keyId: String(row.keyId),
    signature: String(row.signature),
  };
}

export interface RecordCheckpointOptions {
  /** Record only when at least this many events were appended since the newest checkpoint. */
  ifBehindBy?: number;
  /** …or when any event was appended since a checkpoint older than this (milliseconds). */
  orOlderThanMs?: number;
}

/**
 * Signs the current head of the chain and stores it. Runs under the lock that serialises appends, so
 * the head cannot move while it is read, and two nodes checking at once record one checkpoint.
 * Returns null when the options say nothing is due.
 */
export async function recordCheckpoint(
  database: Database,
  key: AuditKey,
  reason: CheckpointReason,
  options: RecordCheckpointOptions = {},
): Promise<AuditCheckpoint | null> {
  const { t } = database;
  return database.transaction(async (tx) => {
    await lockAuditChain(tx);
    const [head] = await tx
      .select({ seq: t.auditEvents.seq, hash: t.auditEvents.hash })
      .from(t.auditEvents)
      .orderBy(desc(t.auditEvents.seq))
      .limit(1);
    const eventSeq = head ? Number(head.seq) : 0;
    const eventHash = head?.hash ?? GENESIS_HASH;
    if (options.ifBehindBy !== undefined) {
      const [last] = await tx
        .select({ eventSeq: t.auditCheckpoints.eventSeq, at: t.auditCheckpoints.at })
        .from(t.auditCheckpoints)
        .orderBy(desc(t.auditCheckpoints.eventSeq), desc(t.auditCheckpoints.at))
        .limit(1);
      const behind = eventSeq - (last ? Number(last.eventSeq) : 0);
      const lastAt = last ? new Date(last.at as unknown as string | number | Date).getTime() : 0;
      const old = options.orOlderThanMs !== undefined && behind > 0 && Date.now() - lastAt >= options.orOlderThanMs;
      if (behind < options.ifBehindBy && !old) return null;
    }
    const at = new Date();
    const checkpoint: AuditCheckpoint = {
      id: crypto.randomUUID(),
      at,
      reason,
      eventSeq,
      eventHash,
      keyId: key.keyId,
      signature: signCheckpoint(key, { eventSeq, eventHash, at, reason }),
    };
    await tx.insert(t.auditCheckpoints).values(checkpoint);
    return checkpoint;
  });
}

/** Every stored checkpoint, oldest event first. */
export async function listCheckpoints(database: Database): Promise<AuditCheckpoint[]> {
  const { db, t } = database;
  const rows = await db.select().from(t.auditCheckpoints).orderBy(asc(t.auditCheckpoints.eventSeq), asc(t.auditCheckpoints.at));
  return rows.map((r) => rowToCheckpoint(r as unknown as Record<string, unknown>));
}

/** A head copied from outside the database (the server log, a publication): `<seq>:<hash>`. */
export interface ExternalHead {
  eventSeq: number;
  eventHash: string;
}

export function parseHead(text: string): ExternalHead | null {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
  return match ? { eventSeq: Number(match[1]), eventHash: match[2] } : null;
}

export type TrailProblem =
  /** The chain itself does not link up (a changed, deleted or moved row). */
  | { kind: "chain"; verdict: Extract<ChainVerdict, { ok: false }> }
  /** A checkpoint whose signature does not verify with the audit key: written by someone else, or altered. */
  | { kind: "forged"; checkpoint: AuditCheckpoint }
  /** A checkpoint (or external head) names an event past the end of the chain: rows were deleted. */
  | { kind: "truncated"; anchor: Anchor; lastSeq: number }
  /** The event a checkpoint names has another hash now: a row at or before it was rewritten. */
  | { kind: "rewritten"; anchor: Anchor; storedHash: string; afterSeq: number }
  /** Events exist but no valid checkpoint covers any of them. */
  | { kind: "unanchored"; count: number };

export interface Anchor {
  eventSeq: number;
  eventHash: string;
  /** A stored, signed checkpoint, or a head given on the command line. */
  source: "checkpoint" | "head";
  at: Date | null;
  reason: string | null;
}

export interface TrailVerdict {
  ok: boolean;
  chain: ChainVerdict;
  /** Stored checkpoints, and how many of them verify with the key. */
  checkpoints: { count: number; valid: number };
  /** The newest valid checkpoint. */
  newest: AuditCheckpoint | null;
  problems: TrailProblem[];
}

/**
 * Verifies the chain and holds it against every stored checkpoint (and the given external heads):
 * signature first, then whether the event it names is still there with the same hash.
 */
export async function verifyAuditTrail(
  database: Database,
  key: Pick<AuditKey, "publicKey" | "keyId">,
  options: { heads?: ExternalHead[]; batchSize?: number } = {},
): Promise<TrailVerdict> {
  const { db, t } = database;
  const chain = await verifyAuditChain(database, { batchSize: options.batchSize });
  const problems: TrailProblem[] = [];
  if (!chain.ok) problems.push({ kind: "chain", verdict: chain });

  const stored = await listCheckpoints(database);
  const anchors: Anchor[] = [];
  let newest: AuditCheckpoint | null = null;
  for (const c of stored) {
    if (!checkpointVerifies(key, c)) {
      problems.push({ kind: "forged", checkpoint: c });
      continue;
    }
    anchors.push({ eventSeq: c.eventSeq, eventHash: c.eventHash, source: "checkpoint", at: c.at, reason: c.reason });
    if (!newest || c.eventSeq > newest.eventSeq || (c.eventSeq === newest.eventSeq && c.at > newest.at)) newest = c;
  }
  for (const h of options.heads ?? []) anchors.push({ ...h, source: "head", at: null, reason: null });
  anchors.sort((a, b) => a.eventSeq - b.eventSeq);

  const [max] = await db.select({ seq: sql<number | string | null>`max(${t.auditEvents.seq})` }).from(t.auditEvents);
  const lastSeq = max?.seq == null ? 0 : Number(max.seq);
  const [total] = await db.select({ n: sql<number | string>`count(*)` }).from(t.auditEvents);
  const count = Number(total?.n ?? 0);

  // The stored hash of every event an anchor names.
  const wanted = [...new Set(anchors.map((a) => a.eventSeq).filter((s) => s > 0 && s <= lastSeq))];
  const storedHash = new Map<number, string>([[0, GENESIS_HASH]]);
  for (let i = 0; i < wanted.length; i += 500) {
    const rows = await db
      .select({ seq: t.auditEvents.seq, hash: t.auditEvents.hash })
      .from(t.auditEvents)
      .where(inArray(t.auditEvents.seq, wanted.slice(i, i + 500)));
    for (const r of rows) storedHash.set(Number(r.seq), r.hash);
  }

  // The newest anchor past the end tells how much is gone; the first anchor whose event changed
  // (after the last one that still matches) bounds where the rewriting started.
  const past = anchors.filter((a) => a.eventSeq > lastSeq);
  if (past.length) problems.push({ kind: "truncated", anchor: past[past.length - 1], lastSeq });
  let lastGood = 0;
  for (const a of anchors) {
    if (a.eventSeq > lastSeq) break;
    const hash = storedHash.get(a.eventSeq);
    if (hash === undefined) continue; // a deleted row: the chain check reports it as missing
    if (hash === a.eventHash) {
      lastGood = Math.max(lastGood, a.eventSeq);
      continue;
    }
    problems.push({ kind: "rewritten", anchor: a, storedHash: hash, afterSeq: lastGood });
    break;
  }
  if (count > 0 && !anchors.some((a) => a.source === "checkpoint")) problems.push({ kind: "unanchored", count });

  return { ok: problems.length === 0, chain, checkpoints: { count: stored.length, valid: stored.length - problems.filter((p) => p.kind === "forged").length }, newest, problems };
}

const when = (a: Anchor) => (a.source === "head" ? "the head given with --head" : `the checkpoint of ${a.at?.toISOString()} (${a.reason})`);

/** One line per problem, for the CLI and the log. */
export function describeProblem(p: TrailProblem): string {
  switch (p.kind) {
    case "chain": {
      const v = p.verdict;
      return `BROKEN at seq ${v.brokenSeq} (${v.reason}${v.eventId ? `, event ${v.eventId}` : ""}); ${v.count} events before it are intact`;
    }
    case "forged":
      return `FORGED checkpoint ${p.checkpoint.id} (seq ${p.checkpoint.eventSeq}, ${p.checkpoint.at.toISOString()}, key ${p.checkpoint.keyId}): its signature does not verify with the audit key`;
    case "truncated":
      return `TRUNCATED: the chain ends at seq ${p.lastSeq}, but ${when(p.anchor)} covers seq ${p.anchor.eventSeq}: ${p.anchor.eventSeq - p.lastSeq} newest event(s) were deleted`;
    case "rewritten":
      return `REWRITTEN: the event at seq ${p.anchor.eventSeq} has hash ${p.storedHash}, but ${when(p.anchor)} signed ${p.anchor.eventHash}: an event from seq ${p.afterSeq + 1} to ${p.anchor.eventSeq} was changed and the later hashes recomputed`;
    case "unanchored":
      return `UNANCHORED: ${p.count} events but no valid signed checkpoint (every start records one; were they deleted?), so deleted or rewritten events cannot be detected`;
  }
}

export interface AuditAnchor {
  keyId: string;
  /** The installation's public key (SPKI, PEM): what verifies checkpoints and publication packages. */
  publicKeyPem: string;
  /** Signs `message` with the installation's key (Ed25519, base64): a publication package's manifest (ADR 030). */
  sign(message: Uint8Array): string;
  /** Signs the current head now and records it (and logs it). */
  checkpoint(reason: CheckpointReason): Promise<AuditCheckpoint>;
  /** The periodic check: records a checkpoint when one is due. */
  tick(): Promise<AuditCheckpoint | null>;
  /** Stops the periodic check and records the shutdown checkpoint. */
  close(): Promise<void>;
}

export interface AuditAnchorOptions {
  /** A checkpoint once this many events were appended since the last (AUDIT_CHECKPOINT_EVERY). */
  every: number;
  /** How often the periodic check runs (default 60 s; 0: never, tests call `tick`). */
  intervalMs?: number;
  /** A checkpoint anyway when an event has waited this long without one (default 10 minutes). */
  maxAgeMs?: number;
}

/**
 * Starts anchoring: checks the newest checkpoint against the chain (a cheap look, not the whole
 * verification; a mismatch is logged as an error), records the start checkpoint and runs the
 * periodic check.
 */
export async function startAuditAnchor(
  deps: { database: Database; log: Logger },
  key: AuditKey,
  options: AuditAnchorOptions,
): Promise<AuditAnchor> {
  const { database } = deps;
  const log = deps.log.child("audit");
  const logged = (c: AuditCheckpoint) => {
    log.info("audit checkpoint", { reason: c.reason, head: `${c.eventSeq}:${c.eventHash}`, at: c.at.toISOString(), keyId: c.keyId, signature: c.signature });
    return c;
  };

  await checkNewest(database, key, log);
  logged((await recordCheckpoint(database, key, "start"))!);

  let running: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = running.then(fn, fn);
    running = next.catch(() => undefined);
    return next;
  };
  const tick = () =>
    serial(async () => {
      const c = await recordCheckpoint(database, key, "interval", { ifBehindBy: options.every, orOlderThanMs: options.maxAgeMs ?? 600_000 });
      return c ? logged(c) : null;
    });
  const intervalMs = options.intervalMs ?? 60_000;
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          tick().catch((error: unknown) => log.error("audit checkpoint failed", { error: String(error) }));
        }, intervalMs)
      : undefined;
  timer?.unref();
  let closed = false;

  const privateKey = key.privateKey;
  return {
    keyId: key.keyId,
    publicKeyPem: key.publicKey.export({ type: "spki", format: "pem" }).toString(),
    sign(message) {
      if (!privateKey) throw new AuditKeyError(`AUDIT_KEY_FILE (${key.path}): holds no private key, so it cannot sign`);
      return sign(null, message, privateKey).toString("base64");
    },
    checkpoint: (reason) => serial(async () => logged((await recordCheckpoint(database, key, reason))!)),
    tick,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await serial(async () => logged((await recordCheckpoint(database, key, "shutdown"))!)).catch((error: unknown) =>
        log.error("audit checkpoint at shutdown failed", { error: String(error) }),
      );
    },
  };
}

/** Whether the newest checkpoint still matches the chain; logs an error when it does not. */
async function checkNewest(database: Database, key: AuditKey, log: Logger): Promise<void> {
  const { db, t } = database;
  const [row] = await db.select().from(t.auditCheckpoints).orderBy(desc(t.auditCheckpoints.eventSeq), desc(t.auditCheckpoints.at)).limit(1);
  if (!row) return;
  const newest = rowToCheckpoint(row as unknown as Record<string, unknown>);
  const hint = "run `npm run audit:verify` to see what changed";
  if (!checkpointVerifies(key, newest)) {
    log.error(`the newest audit checkpoint does not verify with the audit key (key ${newest.keyId}, ours ${key.keyId}); ${hint}`);
    return;
  }
  if (newest.eventSeq === 0) return;
  const [event] = await db.select({ hash: t.auditEvents.hash }).from(t.auditEvents).where(sql`${t.auditEvents.seq} = ${newest.eventSeq}`).limit(1);
  if (!event) log.error(`the audit chain no longer holds seq ${newest.eventSeq}, which its newest checkpoint covers: events were deleted; ${hint}`);
  else if (event.hash !== newest.eventHash) log.error(`the audit event at seq ${newest.eventSeq} no longer has the hash its newest checkpoint signed: events were rewritten; ${hint}`);
}
