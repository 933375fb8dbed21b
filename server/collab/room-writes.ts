/**
 * A room's write path: it stores before it applies. An accepted update is decoded (to refuse
 * garbage), checked against the editor's schema (ADR 011), appended to the update log together with
 * everything else that arrived in the same tick (group commit), and only after the commit is it
 * applied to the in-memory document and sent on, once encoded, to every other connection (never back
 * to its sender). So the document in memory, and everything any client was ever sent, is always in the
 * database; if storing fails, nothing was applied or sent, and the senders are closed with
 * StorageFailed (the stock provider keeps its changes and sends them again after reconnecting, in its
 * answer to the server's sync step 1).
 */
import { createHash } from "node:crypto";
import * as Y from "yjs";
import { CloseCode } from "../../app/shared/collab";
import { Connection } from "./connection";
import type { AwarenessRelay } from "./room-awareness";
import { corked, sendTick, type Batch } from "./room-send";
import type { RoomStorage } from "./room-storage";
import type { Room, RoomOptions } from "./room";
import { SchemaGuard } from "./schema-guard";
import { syncStep2Frame, updateFrame } from "./protocol";
import { ClientOwnedError, type ClientClaim } from "./store";

/** The origin of changes made by the server itself (a restored version, a repair). */
export const SERVER = Symbol("server");
/** The origin of one tick's client updates, applied together in one transaction. */
const BATCH = Symbol("batch");
/** A batch stored in the log: the seqs it got and its bytes. */
interface Stored {
  batch: Batch;
  seqs: number[];
  bytes: number;
}
const NO_CLAIMS: { clientId: number; existing: boolean }[] = [];

export class RoomWrites {
  private pendingBytes = 0;
  private batch: Batch = [];
  /** The batch being stored (taken from `batch`, not yet applied). */
  private storing: Batch | null = null;
  /** Refuses updates that would leave the text outside the editor's schema (ADR 011). */
  private readonly guard: SchemaGuard;
  /** The batch being applied (its senders must not get their own updates back). */
  private applying: Batch | null = null;
  /** Who owns each client id of the section (recorded, ADR 028): loaded with the room. */
  owners = new Map<number, string | null>();
  /** Client ids in the text that nobody owns (found out when a claim on one was refused in the database). */
  private readonly unclaimable = new Set<number>();
  /** Client ids claimed by updates accepted but not yet stored, and their senders. */
  private readonly claimed = new Map<number, string>();
  private flushQueued = false;
  /** The next batch's store, started before the previous batch was sent (flush). */
  private nextStore: Promise<Stored | null> | null = null;
  private flushing = false;
  /** The document's snapshot and sync answers, kept until it changes. */
  private snapshot: Y.Snapshot | null = null;
  private answers: Map<string, Uint8Array> | null = null;
  /** Digests of updates found to hold nothing new (containsNew), until the document changes. */
  private nothingNew: Set<string> | null = null;

  constructor(
    private readonly room: Room,
    private readonly storage: RoomStorage,
    private readonly relay: AwarenessRelay,
    private readonly options: RoomOptions,
  ) {
    this.guard = new SchemaGuard(room.doc, () => [...(this.storing ?? []), ...this.batch].map((b) => b.update));
  }

  /** A flush is queued or running (awareness that is due waits for it, then follows the updates). */
  get writing(): boolean {
    return this.flushQueued || this.flushing;
  }

  /** Accepted updates wait to be stored. */
  get pending(): boolean {
    return this.batch.length > 0;
  }

  receiveUpdate(connection: Connection, update: Uint8Array, syncStep2: boolean): void {
    if (!connection.canWrite) {
      // Harmless when it carries nothing the server lacks (e.g. the answer to a sync step 1).
      if (!this.containsNew(update)) return;
      connection.refuse();
      return;
    }
    // A reconnecting client's answer to the server's sync step 1 usually carries nothing new (only the
    // delete set): checking that first decodes it once, not twice.
    if (syncStep2 && !this.containsNew(update)) return;
    const { structs } = Y.decodeUpdate(update); // throws on anything that does not decode: it is never stored
    if (!this.room.accepting) return; // shutting down: the client keeps it and sends it again
    // Every client id the update writes with must be the sender's (ADR 028): one owned by someone else,
    // or one already in the text that nobody claimed (the server's own changes, text from before the
    // owners were recorded), would put the sender's words in another's name. Refused, never stored.
    // Closed like a change outside the schema (Malformed): the editor then drops the change from the
    // page and the device's copy and starts again from the saved text, which is what an honest page
    // needs in the rare case it holds such changes (another person's unsent work on a shared device,
    // changes kept from before owners were recorded); a crafted client is simply closed.
    const claims = this.claimsOf(connection, structs);
    if (claims === null) {
      this.options.log.warn("update refused: it writes with another person's client id; connection closed", { ...connection.who, bytes: update.byteLength });
      connection.close(CloseCode.Malformed, "The change is written in someone else's name.");
      return;
    }
    const size = this.storage.storedBytes + this.pendingBytes + update.byteLength;
    if (size > this.options.limits.maxDocumentBytes) {
      this.options.log.warn("update refused: the section would exceed its maximum size", { ...connection.who, size });
      connection.close(CloseCode.TooLarge, "The section would exceed its maximum size.");
      return;
    }
    // Checked on a copy of the document with every accepted update in it: an update that would leave
    // the text outside the editor's schema (which no page could render), or that is not a suggestion
    // in its writer's own name where it must be (ADR 027), is neither stored nor sent.
    const actor = connection.actor;
    const problem = this.guard.check(update, {
      userId: connection.userId,
      organisationId: actor.organisationId,
      name: actor.name,
      organisation: actor.organisationShortCode ?? null,
      onlySuggest: !connection.canEdit,
    });
    if (problem && typeof problem === "object") {
      this.options.log.warn("update refused: not a suggestion in its writer's own name; connection closed", {
        ...connection.who,
        onlySuggest: !connection.canEdit,
        bytes: update.byteLength,
        problem: problem.suggestion,
      });
      connection.close(CloseCode.NotASuggestion, "The change is not a suggestion of your own.");
      return;
    }
    if (problem) {
      this.options.log.warn("update refused: it would leave the section outside the editor's schema; connection closed", {
        ...connection.who,
        bytes: update.byteLength,
        problem: problem.slice(0, 200),
      });
      connection.close(CloseCode.Malformed, "The change does not fit the structure of the section.");
      return;
    }
    for (const c of claims) this.claimed.set(c.clientId, connection.actor.id);
    this.batch.push(claims.length ? { connection, update, claims } : { connection, update });
    this.pendingBytes += update.byteLength;
    // Marks the update changed only through changes its writer could not have seen yet (another
    // person's accept, reject or suggestion at the same moment) are set right by the server's own
    // change, stored, applied and sent together with the update (suggestion-check.ts): nothing ever
    // reads as done in someone else's name, and the writer's words are kept.
    const repair = this.guard.repair;
    if (repair) {
      this.options.log.info("a suggestion crossed a concurrent change; its marks are set right", { ...connection.who, bytes: repair.byteLength });
      this.batch.push({ connection, update: repair, repair: true });
      this.pendingBytes += repair.byteLength;
    }
    this.queueFlush();
  }

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    void this.storage.exclusive(async () => {
      await new Promise<void>((resolve) => setImmediate(resolve)); // let this tick's messages join
      this.flushQueued = false;
      await this.flush();
    });
  }

  /**
   * The client ids `structs` use that this room knows no owner of (claimed for the sender, checked
   * again in the database when stored), or null when one of them belongs to someone else or is in the
   * text without an owner. With other nodes, an id in the text that this room knows no owner of may
   * have been claimed there: the database decides (`existing`).
   */
  private claimsOf(connection: Connection, structs: readonly { id: { client: number } }[]): { clientId: number; existing: boolean }[] | null {
    let claims: { clientId: number; existing: boolean }[] | null = null;
    let last = -1;
    for (const struct of structs) {
      const clientId = struct.id.client;
      if (clientId === last) continue;
      last = clientId;
      const owner = this.owners.has(clientId) ? this.owners.get(clientId) : this.claimed.get(clientId);
      if (owner !== undefined) {
        if (owner !== connection.actor.id) return null;
        continue;
      }
      if (this.unclaimable.has(clientId)) return null;
      const existing = this.room.doc.store.clients.has(clientId);
      // The only node knows every owner: an id in the text it knows no owner of has none.
      if (existing && this.options.bus.solo) return null;
      claims ??= [];
      if (!claims.some((c) => c.clientId === clientId)) claims.push({ clientId, existing });
    }
    return claims ?? NO_CLAIMS;
  }

  /** Whether `update` has anything the document lacks (structs or deletions). */
  containsNew(update: Uint8Array): boolean {
    if (update.byteLength === 2 && update[0] === 0 && update[1] === 0) return false;
    // Clients that reconnect at once mostly hold the same state and answer the server's sync step 1
    // with the same bytes (their whole delete set): found to hold nothing new once, until the document changes.
    const key = update.byteLength >= 1024 ? createHash("sha256").update(update).digest("base64") : null;
    if (key && this.nothingNew?.has(key)) return false;
    if (Y.snapshotContainsUpdate((this.snapshot ??= Y.snapshot(this.room.doc)), update)) {
      if (key) {
        if (!this.nothingNew || this.nothingNew.size >= 64) this.nothingNew = new Set();
        this.nothingNew.add(key);
      }
      return false;
    }
    return true;
  }

  /**
   * The sync step 2 frame answering a state vector. Clients that reconnect at once mostly hold the
   * same state, so answers are kept (a few) until the document changes: one encode for all of them.
   */
  syncAnswer(stateVector: Uint8Array): Uint8Array {
    const key = Buffer.from(stateVector.buffer, stateVector.byteOffset, stateVector.byteLength).toString("latin1");
    let frame = this.answers?.get(key);
    if (!frame) {
      frame = syncStep2Frame(Y.encodeStateAsUpdate(this.room.doc, stateVector));
      if (this.room.connections.size < 2) return frame; // no one to share it with: not kept
      if (!this.answers || this.answers.size >= 8) this.answers = new Map();
      this.answers.set(key, frame);
    }
    return frame;
  }

  /**
   * Stores the tick's updates (group commit), then in one synchronous block applies them, sends them
   * and sends the cursors that came with them, with every socket corked: each reader gets the tick's
   * frames in one write.
   */
  private async flush(startNext = true): Promise<void> {
    this.flushing = true;
    let stored: Batch | null = null;
    try {
      const early = this.nextStore;
      this.nextStore = null;
      const result = await (early ?? this.store());
      if (result) {
        stored = result.batch;
        this.pendingBytes -= result.bytes;
        this.storage.appended(result.seqs, stored.length, result.bytes);
      }
    } finally {
      this.flushing = false;
      // What arrived while this batch was being stored goes to the database now (ADR 042): on
      // PostgreSQL its commit runs while this thread sends this batch, on SQLite right after the send,
      // without waiting for the next tick. It follows a committed batch, so the log keeps the order; it
      // is applied and sent by the flush queued for it, next in the room's storage order.
      if (startNext && stored && this.batch.length > 0) {
        this.nextStore = this.store();
        this.queueFlush();
      }
      // Cursors that are due follow the updates: then everyone gets two frames, sent in one write.
      // Otherwise only the senders of a storm get several (never corked when one frame each: corking
      // would hold the first readers' frames until the last one was queued).
      const awarenessDue = this.relay.due;
      const storm = stored !== null && stored.some((b) => b.connection !== stored![0].connection);
      const several = awarenessDue ? this.room.connections : storm ? new Set(stored!.map((b) => b.connection)) : null;
      corked(several, () => {
        if (stored) this.apply(stored);
        if (awarenessDue) this.relay.flush();
      });
    }
    if (stored) {
      this.options.onStored?.(this.room, stored.map((b) => b.update));
      this.storage.compactIfDue();
    }
  }

  /**
   * Appends the waiting updates to the log; null when there were none or storing failed. The room
   * counts them as stored (`appended`: its seq, what compaction folds) only when they are applied, so
   * the document always holds exactly the log up to the room's seq.
   */
  private async store(): Promise<Stored | null> {
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return null;
    const takenBytes = batch.reduce((n, b) => n + b.update.byteLength, 0);
    let seqs: number[];
    this.storing = batch;
    const claims: ClientClaim[] = [];
    for (const b of batch) {
      if (b.claims) for (const c of b.claims) claims.push({ ...c, userId: b.connection.actor.id, organisationId: b.connection.actor.organisationId });
    }
    try {
      seqs = await this.options.store.append(this.room.sectionId, batch.map((b) => b.update), claims);
    } catch (error) {
      this.storing = null;
      for (const c of claims) this.claimed.delete(c.clientId);
      if (error instanceof ClientOwnedError) {
        // Claimed on another node meanwhile: the owners are read again, so the sender that wrote in
        // someone else's name is refused when it sends again; the others' updates are stored then.
        this.owners = await this.options.store.clientOwners(this.room.sectionId).catch(() => this.owners);
        for (const c of error.clashes) if (!this.owners.has(c.clientId)) this.unclaimable.add(c.clientId);
      }
      this.guard.drop(); // it holds the lost updates
      this.pendingBytes -= takenBytes;
      const senders = new Set(batch.map((b) => b.connection));
      this.options.log.error("storing updates failed; their senders are asked to retry", {
        sectionId: this.room.sectionId,
        updates: batch.length,
        senders: [...senders].map((c) => c.userId),
        error: String(error),
      });
      for (const c of senders) c.close(CloseCode.StorageFailed, "The server could not store the change; retrying.");
      // Updates that arrived meanwhile from the same senders may build on the lost ones: drop them too.
      this.batch = this.batch.filter((b) => {
        if (!senders.has(b.connection)) return true;
        this.pendingBytes -= b.update.byteLength;
        for (const c of b.claims ?? []) this.claimed.delete(c.clientId);
        return false;
      });
      return null;
    }
    this.storing = null;
    for (const c of claims) {
      this.claimed.delete(c.clientId);
      this.owners.set(c.clientId, c.userId);
    }
    return { batch, seqs, bytes: takenBytes };
  }

  /** Applies a stored batch in one transaction: the document emits one merged update (sendTick). */
  private apply(batch: Batch): void {
    const doc = this.room.doc;
    this.applying = batch;
    try {
      doc.transact(() => {
        for (const b of batch) {
          try {
            Y.applyUpdate(doc, b.update, BATCH);
          } catch (error) {
            this.options.log.error("a stored update did not apply", { ...b.connection.who, error: String(error) });
          }
        }
      }, BATCH);
    } finally {
      this.applying = null;
    }
  }

  /**
   * Makes a change on the server as a new update, after everything accepted before it: `change` edits
   * a copy of the current document; the difference is stored, then applied and sent to every
   * connection here and on other nodes, exactly like a client's update. Resolves with that update, or
   * null when `change` changed nothing.
   */
  applyServerChange(change: (doc: Y.Doc) => void): Promise<Uint8Array | null> {
    return this.storage.exclusive(async () => {
      await this.flush(false); // every stored update applied: the change follows them in the log and the document
      const copy = new Y.Doc();
      let update: Uint8Array;
      try {
        Y.applyUpdate(copy, Y.encodeStateAsUpdate(this.room.doc));
        const before = Y.encodeStateVector(copy);
        change(copy);
        update = Y.encodeStateAsUpdate(copy, before);
      } finally {
        copy.destroy();
      }
      if (!this.containsNew(update)) return null;
      const [seq] = await this.options.store.append(this.room.sectionId, [update]);
      this.storage.appended([seq ?? 0], 1, update.byteLength);
      Y.applyUpdate(this.room.doc, update, SERVER);
      this.options.bus.publish(this.room.sectionId, { kind: "update", payload: update });
      this.options.onStored?.(this.room, [update]);
      this.storage.compactIfDue();
      return update;
    });
  }

  /** The document changed (`origin` says how): the caches go, and the change goes to whom it concerns. */
  onDocUpdate(update: Uint8Array, origin: unknown): void {
    this.snapshot = null;
    this.answers = null;
    this.nothingNew = null;
    if (origin !== BATCH) this.guard.follow(update); // a batch passed through the guard's copy already
    if (origin === BATCH && this.applying) {
      sendTick(this.room.connections, update, this.applying);
      this.options.bus.publish(this.room.sectionId, { kind: "update", payload: update });
      return;
    }
    if (this.room.connections.size > 0) {
      const frame = updateFrame(update);
      for (const c of this.room.connections) if (c !== origin) c.send(frame);
    }
    if (origin instanceof Connection) this.options.bus.publish(this.room.sectionId, { kind: "update", payload: update });
  }

  destroy(): void {
    this.guard.drop();
  }
}
