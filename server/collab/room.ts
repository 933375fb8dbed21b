/**
 * One loaded section: its Y.Doc, the connections on it, their awareness, and the write path.
 *
 * The write path stores before it applies: an accepted update is decoded (to refuse garbage), appended
 * to the update log together with everything else that arrived in the same tick (group commit), and
 * only after the commit is it applied to the in-memory document and sent on, once encoded, to every
 * other connection (never back to its sender). So the document in memory, and everything any client
 * was ever sent, is always in the database; if storing fails, nothing was applied or sent, and the
 * senders are closed with StorageFailed (the stock provider keeps its changes and sends them again
 * after reconnecting, in its answer to the server's sync step 1).
 *
 * Appends and compactions of one room run one after the other (`exclusive`).
 */
import * as Y from "yjs";
import { CloseCode, type CollabLimits } from "../../app/shared/collab";
import type { Logger } from "../log";
import type { SectionFacts } from "../policy";
import { AwarenessTable, type AwarenessChange, type AwarenessPeer } from "./awareness";
import { Connection } from "./connection";
import type { RoomBus } from "./fanout";
import { awarenessFrame, permissionDeniedFrame, readClientMessage, syncStep1Frame, syncStep2Frame, updateFrame } from "./protocol";
import { documentProblem } from "../document-schema";
import { SchemaGuard } from "./schema-guard";
import { applyStored, type StoredState, type UpdateStore } from "./store";

export interface RoomOptions {
  store: UpdateStore;
  log: Logger;
  limits: CollabLimits;
  bus: RoomBus;
  /** Fold the log into the snapshot after this many logged updates … */
  compactAfterUpdates: number;
  /** … or this many logged bytes. */
  compactAfterBytes: number;
  /** Called when the last connection left. */
  onEmpty(room: Room): void;
  /** Called after changes to the section were stored (by this node). */
  onStored?(room: Room): void;
  /** Largest stateless message accepted (bytes); a bigger one closes the connection with TooLarge. */
  maxStatelessBytes: number;
  /** Called for each stateless message of a connection in the room, in the order they arrived. */
  onStateless?(connection: Connection, payload: string): void;
}

/** The origin of updates that came from another node. */
const REMOTE = Symbol("remote");
/** The origin of changes made by the server itself (a restored version). */
const SERVER = Symbol("server");
/** The origin of one tick's client updates, applied together in one transaction. */
const BATCH = Symbol("batch");
const noop = () => {};
/** Awareness (cursors) is relayed at most this often per room: 20 times a second … */
export const AWARENESS_INTERVAL_MS = 50;
/** … up to this many connections; in a larger room less often, so that the cursor traffic (every
 * change goes to everyone, and comes back from every stock provider as an echo) stops growing with
 * the square of the room: a plenary of 200 sees cursors move 5 times a second. */
const AWARENESS_FULL_RATE_CONNECTIONS = 50;
const AWARENESS_MAX_INTERVAL_MS = 250;

export function awarenessInterval(connections: number): number {
  return Math.min(AWARENESS_MAX_INTERVAL_MS, AWARENESS_INTERVAL_MS * Math.max(1, connections / AWARENESS_FULL_RATE_CONNECTIONS));
}

/** Stored states from this size on are sent to clients that hold nothing before they are decoded. */
const EARLY_ANSWER_BYTES = 64 * 1024;
/** How long the load waits at most for the waiting clients' first messages. */
const FIRST_MESSAGE_WAIT_MS = 25;
/** How long the decode waits at most for those answers to leave. */
const EARLY_ANSWER_WAIT_MS = 2000;

/** A sync step 1 whose state vector is empty: a client that holds nothing of the section yet. */
const isEmptySyncStep1 = (m: Uint8Array) => m.byteLength === 4 && m[0] === 0 && m[1] === 0 && m[2] === 1 && m[3] === 0;

/** The stored state as one update when it is stored as one (a snapshot alone, or a single log row). */
function wholeState(stored: StoredState): Uint8Array | null {
  if (stored.snapshot && stored.updates.length === 0) return stored.snapshot;
  if (!stored.snapshot && stored.updates.length === 1) return stored.updates[0].data;
  return null;
}

/** Updates received in one tick, with their senders. */
type Batch = { connection: Connection; update: Uint8Array }[];

export class Room {
  /** The section's document. Its guid is the section id (Yjs would otherwise draw a random one, 31 calls to the system's random source). */
  readonly doc: Y.Doc;
  readonly connections = new Set<Connection>();
  readonly awareness = new AwarenessTable();
  /** Connections waiting for the room to load (their messages queue meanwhile); null once loaded. */
  waiting: Set<Connection> | null = new Set();
  /** Called when a waiting connection queued a message (while answerEarly listens). */
  onQueued: (() => void) | null = null;
  /** Set while the room is being unloaded; a new connection waits for it, then loads afresh. */
  unloading: Promise<void> | null = null;
  /** False once the server shuts down: changes are no longer accepted (clients keep them). */
  accepting = true;

  /** Highest log seq applied to `doc`. */
  seq = 0;
  snapshotBytes = 0;
  logRows = 0;
  logBytes = 0;
  private pendingBytes = 0;
  private batch: Batch = [];
  /** The batch being stored (taken from `batch`, not yet applied). */
  private storing: Batch | null = null;
  /** Refuses updates that would leave the text outside the editor's schema (ADR 011). */
  private readonly guard: SchemaGuard;
  /** The batch being applied (its senders must not get their own updates back). */
  private applying: Batch | null = null;
  private flushQueued = false;
  private flushing = false;
  /** Awareness client ids changed since the last relay, relayed together (flushAwareness). */
  private awarenessChanged: Set<number> | null = null;
  private awarenessQueued = false;
  private awarenessTimer: NodeJS.Timeout | null = null;
  private awarenessSentAt = Number.NEGATIVE_INFINITY;
  /** The document's snapshot and sync answers, kept until it changes. */
  private snapshot: Y.Snapshot | null = null;
  private answers: Map<string, Uint8Array> | null = null;
  private compactionQueued = false;
  private tail: Promise<unknown> = Promise.resolve();
  private unsubscribe: () => void = noop;

  constructor(
    readonly sectionId: string,
    private readonly options: RoomOptions,
  ) {
    this.doc = new Y.Doc({ guid: sectionId });
    this.guard = new SchemaGuard(this.doc, () => [...(this.storing ?? []), ...this.batch].map((b) => b.update));
    this.doc.on("update", (update: Uint8Array, origin: unknown) => this.onDocUpdate(update, origin));
  }

  /**
   * Loads the snapshot and the log after it (each decoded once), then listens to other nodes. Clients
   * waiting for the load that hold nothing yet get the stored text before it is decoded (answerEarly).
   */
  async load(): Promise<void> {
    const stored = await this.options.store.load(this.sectionId);
    const whole = wholeState(stored);
    const waiting = this.waiting!;
    if (whole && whole.byteLength >= EARLY_ANSWER_BYTES && waiting.size > 0) await this.answerEarly(whole, waiting);
    for (const c of waiting) c.loaded();
    this.waiting = null;
    applyStored(this.doc, stored.snapshot, stored.updates, this.options.log, this.sectionId);
    this.seq = stored.updates.length ? stored.updates[stored.updates.length - 1].seq : stored.upToSeq;
    this.snapshotBytes = stored.snapshot?.byteLength ?? 0;
    this.logRows = stored.updates.length;
    this.logBytes = stored.updates.reduce((n, u) => n + u.data.byteLength, 0);
    // A text stored outside the schema (before updates were checked) is repaired before anyone gets
    // it: no browser editor could open it.
    const problem = documentProblem(this.doc);
    if (problem) await this.repairOnLoad(problem);
    this.unsubscribe = this.options.bus.subscribe(this.sectionId, {
      message: (m) => {
        if (m.kind === "update") Y.applyUpdate(this.doc, m.payload, REMOTE);
        else for (const c of this.connections) c.send(awarenessFrame(m.payload));
      },
      resync: () => void this.catchUp(),
    });
    if (this.needsCompaction()) this.queueCompaction();
  }

  /**
   * Repairs a text stored outside the editor's schema (UpdateStore.repairOutsideSchema: once, under
   * the section's log lock, keeping the text as it was in a version) and applies the state read under
   * that lock, which holds the repair whichever node made it. Stored before it is applied, and applied
   * before any connection is attached: every client syncs the repaired text. When the repair cannot be
   * made (storage failed, the section is final), the room opens as it is (readers show placeholders).
   */
  private async repairOnLoad(problem: string): Promise<void> {
    let result: Awaited<ReturnType<UpdateStore["repairOutsideSchema"]>>;
    try {
      result = await this.options.store.repairOutsideSchema(this.sectionId);
    } catch (error) {
      this.options.log.error("a section outside the editor's schema could not be repaired; opened as it is", {
        sectionId: this.sectionId,
        problem: problem.slice(0, 200),
        error: String(error),
      });
      return;
    }
    const { stored, repair, locked } = result;
    this.doc.transact(() => {
      if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot, SERVER);
      for (const u of stored.updates) Y.applyUpdate(this.doc, u.data, SERVER);
    }, SERVER);
    this.seq = stored.updates.reduce((max, u) => Math.max(max, u.seq), Math.max(this.seq, stored.upToSeq));
    this.snapshotBytes = stored.snapshot?.byteLength ?? 0;
    this.logRows = stored.updates.length;
    this.logBytes = stored.updates.reduce((n, u) => n + u.data.byteLength, 0);
    if (repair) {
      this.options.log.warn("section stored outside the editor's schema repaired; its text before is kept as a version", {
        sectionId: this.sectionId,
        versionId: repair.versionId,
        repaired: repair.repaired,
        bytes: repair.update.byteLength,
      });
      // Nodes that have the room loaded get it like any other change.
      this.options.bus.publish(this.sectionId, { kind: "update", payload: repair.update });
      this.options.onStored?.(this);
    } else if (locked) {
      this.options.log.warn("section outside the editor's schema not repaired: it is final", { sectionId: this.sectionId, problem: problem.slice(0, 200) });
    }
  }

  /**
   * Decoding a large section takes a while (figures in ADR 006), and a client that holds
   * nothing (its sync step 1 has an empty state vector) needs no decoded document: the stored state,
   * when it is a single update, is the whole answer. Such clients get it before the decode, and the
   * decode waits (briefly) until those frames have left, so they hold the text while the server is
   * still decoding. Their sync step 1 is then answered and leaves their queue; everything else they
   * sent waits for the document as usual. The answer is exactly what the decoded document will be:
   * nothing is applied to a room before it has loaded.
   */
  private async answerEarly(whole: Uint8Array, waiting: Set<Connection>): Promise<void> {
    // A client sends its sync step 1 as soon as it is connected: wait (briefly) until each has sent something.
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.onQueued = null;
        resolve();
      };
      const timer = setTimeout(done, FIRST_MESSAGE_WAIT_MS);
      this.onQueued = () => {
        for (const c of waiting) if (c.waitingForFirstMessage) return;
        done();
      };
      this.onQueued();
    });
    let frame: Uint8Array | null = null;
    const sent: Promise<void>[] = [];
    for (const c of waiting) {
      if (!c.takeQueued(isEmptySyncStep1)) continue;
      sent.push(c.sendAndWait((frame ??= syncStep2Frame(whole))));
    }
    if (sent.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(sent), new Promise<void>((resolve) => (timer = setTimeout(resolve, EARLY_ANSWER_WAIT_MS)))]);
    clearTimeout(timer);
  }

  /** The connection joins once the document is loaded: it gets the server's state vector (editors, so
   * that they send what the server lacks), the awareness of the others, then its queued messages. */
  attach(connection: Connection): void {
    if (connection.closed) return;
    this.connections.add(connection);
    const queued = connection.join(this);
    if (connection.canEdit) connection.send(syncStep1Frame(Y.encodeStateVector(this.doc)));
    const states = this.awareness.encodeAll(connection);
    if (states) connection.send(awarenessFrame(states));
    for (const data of queued) this.receive(connection, data);
  }

  detach(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    const removal = this.awareness.removeAll(connection);
    if (removal) this.relayAwareness(removal, connection);
    if (this.connections.size === 0) this.options.onEmpty(this);
  }

  /** Handles one message of `connection`; a message that does not decode closes that connection. */
  receive(connection: Connection, data: Uint8Array): void {
    if (connection.closed) return;
    try {
      const message = readClientMessage(data);
      switch (message.type) {
        case "sync-step-1":
          connection.send(this.syncAnswer(message.stateVector));
          return;
        case "sync-step-2":
        case "update":
          this.receiveUpdate(connection, message.update, message.type === "sync-step-2");
          return;
        case "awareness": {
          if (message.update.byteLength > this.options.limits.maxAwarenessBytes) {
            connection.close(CloseCode.TooLarge, "Awareness message too large.");
            return;
          }
          const change = this.awareness.apply(connection, message.update, this.options.limits.awarenessClientsPerConnection);
          if (change) this.relayAwareness(change, connection);
          return;
        }
        case "query-awareness": {
          const states = this.awareness.encodeAll(connection);
          if (states) connection.send(awarenessFrame(states));
          return;
        }
        case "auth":
          return;
        case "stateless":
          if (data.byteLength > this.options.maxStatelessBytes) {
            connection.close(CloseCode.TooLarge, "Stateless message too large.");
            return;
          }
          this.options.onStateless?.(connection, message.payload);
          return;
      }
    } catch (error) {
      this.options.log.warn("malformed collab message; connection closed", {
        ...connection.who,
        bytes: data.byteLength,
        error: error instanceof Error ? error.message : String(error),
      });
      connection.close(CloseCode.Malformed, "Malformed message.");
    }
  }

  private receiveUpdate(connection: Connection, update: Uint8Array, syncStep2: boolean): void {
    if (!connection.canEdit) {
      // Harmless when it carries nothing the server lacks (e.g. the answer to a sync step 1).
      if (!this.containsNew(update)) return;
      connection.refuse();
      return;
    }
    // A reconnecting client's answer to the server's sync step 1 usually carries nothing new (only the
    // delete set): checking that first decodes it once, not twice.
    if (syncStep2 && !this.containsNew(update)) return;
    Y.decodeUpdate(update); // throws on anything that does not decode: it is never stored
    if (!this.accepting) return; // shutting down: the client keeps it and sends it again
    const size = this.snapshotBytes + this.logBytes + this.pendingBytes + update.byteLength;
    if (size > this.options.limits.maxDocumentBytes) {
      this.options.log.warn("update refused: the section would exceed its maximum size", { ...connection.who, size });
      connection.close(CloseCode.TooLarge, "The section would exceed its maximum size.");
      return;
    }
    // Checked on a copy of the document with every accepted update in it: an update that would leave
    // the text outside the editor's schema (which no page could render) is neither stored nor sent.
    const problem = this.guard.check(update);
    if (problem) {
      this.options.log.warn("update refused: it would leave the section outside the editor's schema; connection closed", {
        ...connection.who,
        bytes: update.byteLength,
        problem: problem.slice(0, 200),
      });
      connection.close(CloseCode.Malformed, "The change does not fit the structure of the section.");
      return;
    }
    this.batch.push({ connection, update });
    this.pendingBytes += update.byteLength;
    if (!this.flushQueued) {
      this.flushQueued = true;
      void this.exclusive(async () => {
        await new Promise<void>((resolve) => setImmediate(resolve)); // let this tick's messages join
        this.flushQueued = false;
        await this.flush();
      });
    }
  }

  /** Whether `update` has anything the document lacks (structs or deletions). */
  private containsNew(update: Uint8Array): boolean {
    if (update.byteLength === 2 && update[0] === 0 && update[1] === 0) return false;
    return !Y.snapshotContainsUpdate((this.snapshot ??= Y.snapshot(this.doc)), update);
  }

  /**
   * The sync step 2 frame answering a state vector. Clients that reconnect at once mostly hold the
   * same state, so answers are kept (a few) until the document changes: one encode for all of them.
   */
  private syncAnswer(stateVector: Uint8Array): Uint8Array {
    const key = Buffer.from(stateVector.buffer, stateVector.byteOffset, stateVector.byteLength).toString("latin1");
    let frame = this.answers?.get(key);
    if (!frame) {
      frame = syncStep2Frame(Y.encodeStateAsUpdate(this.doc, stateVector));
      if (this.connections.size < 2) return frame; // no one to share it with: not kept
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
  private async flush(): Promise<void> {
    this.flushing = true;
    let stored: Batch | null = null;
    try {
      stored = await this.store();
    } finally {
      this.flushing = false;
      // Cursors that are due follow the updates: then everyone gets two frames, sent in one write.
      // Otherwise only the senders of a storm get several (never corked when one frame each: corking
      // would hold the first readers' frames until the last one was queued).
      const awarenessDue = this.awarenessQueued && !this.awarenessTimer;
      const storm = stored !== null && stored.some((b) => b.connection !== stored![0].connection);
      const several = awarenessDue ? this.connections : storm ? new Set(stored!.map((b) => b.connection)) : null;
      this.corked(several, () => {
        if (stored) this.apply(stored);
        if (awarenessDue) this.flushAwareness();
      });
    }
    if (stored) {
      this.options.onStored?.(this);
      if (this.needsCompaction()) this.queueCompaction();
    }
  }

  /** Appends the waiting updates to the log; null when there were none or storing failed. */
  private async store(): Promise<Batch | null> {
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return null;
    const takenBytes = batch.reduce((n, b) => n + b.update.byteLength, 0);
    let seqs: number[];
    this.storing = batch;
    try {
      seqs = await this.options.store.append(this.sectionId, batch.map((b) => b.update));
    } catch (error) {
      this.storing = null;
      this.guard.drop(); // it holds the lost updates
      this.pendingBytes -= takenBytes;
      const senders = new Set(batch.map((b) => b.connection));
      this.options.log.error("storing updates failed; their senders are asked to retry", {
        sectionId: this.sectionId,
        updates: batch.length,
        senders: [...senders].map((c) => c.userId),
        error: String(error),
      });
      for (const c of senders) c.close(CloseCode.StorageFailed, "The server could not store the change; retrying.");
      // Updates that arrived meanwhile from the same senders may build on the lost ones: drop them too.
      this.batch = this.batch.filter((b) => {
        if (!senders.has(b.connection)) return true;
        this.pendingBytes -= b.update.byteLength;
        return false;
      });
      return null;
    }
    this.storing = null;
    this.pendingBytes -= takenBytes;
    this.logRows += batch.length;
    this.logBytes += takenBytes;
    for (const seq of seqs) this.seq = Math.max(this.seq, seq);
    return batch;
  }

  /** Applies a stored batch in one transaction: the document emits one merged update (sendBatch). */
  private apply(batch: Batch): void {
    this.applying = batch;
    try {
      this.doc.transact(() => {
        for (const b of batch) {
          try {
            Y.applyUpdate(this.doc, b.update, BATCH);
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
    return this.exclusive(async () => {
      await this.flush();
      const copy = new Y.Doc();
      let update: Uint8Array;
      try {
        Y.applyUpdate(copy, Y.encodeStateAsUpdate(this.doc));
        const before = Y.encodeStateVector(copy);
        change(copy);
        update = Y.encodeStateAsUpdate(copy, before);
      } finally {
        copy.destroy();
      }
      if (!this.containsNew(update)) return null;
      const [seq] = await this.options.store.append(this.sectionId, [update]);
      this.seq = Math.max(this.seq, seq ?? 0);
      this.logRows += 1;
      this.logBytes += update.byteLength;
      Y.applyUpdate(this.doc, update, SERVER);
      this.options.bus.publish(this.sectionId, { kind: "update", payload: update });
      this.options.onStored?.(this);
      if (this.needsCompaction()) this.queueCompaction();
      return update;
    });
  }

  private onDocUpdate(update: Uint8Array, origin: unknown): void {
    this.snapshot = null;
    this.answers = null;
    if (origin !== BATCH) this.guard.follow(update); // a batch passed through the guard's copy already
    if (origin === BATCH && this.applying) {
      this.sendBatch(update, this.applying);
      this.options.bus.publish(this.sectionId, { kind: "update", payload: update });
      return;
    }
    if (this.connections.size > 0) {
      const frame = updateFrame(update);
      for (const c of this.connections) if (c !== origin) c.send(frame);
    }
    if (origin instanceof Connection) this.options.bus.publish(this.sectionId, { kind: "update", payload: update });
  }

  /**
   * Sends a tick's merged update to everyone who sent nothing in it (one frame for all); a sender gets
   * the others' updates of the tick, never its own back (applying a duplicate costs a client far more
   * than a fresh update). When many connections sent in the same tick (a storm), the senders are the
   * leaves of a balanced tree whose nodes are merged and encoded once: each sender gets the log2(k)
   * subtrees beside its own path, not k - 1 frames.
   */
  private sendBatch(merged: Uint8Array, batch: Batch): void {
    if (this.connections.size === 0) return;
    const bySender = new Map<Connection, Uint8Array[]>();
    for (const b of batch) {
      const list = bySender.get(b.connection);
      if (list) list.push(b.update);
      else bySender.set(b.connection, [b.update]);
    }
    const leaves = [...bySender.values()].map((u) => (u.length === 1 ? u[0] : Y.mergeUpdates(u)));
    const merges = new Map<string, Uint8Array>();
    const updateOf = (lo: number, hi: number): Uint8Array => {
      if (hi - lo === 1) return leaves[lo];
      const key = `${lo}:${hi}`;
      let u = merges.get(key);
      if (!u) {
        const mid = (lo + hi) >> 1;
        merges.set(key, (u = Y.mergeUpdates([updateOf(lo, mid), updateOf(mid, hi)])));
      }
      return u;
    };
    let frame: Uint8Array | null = null;
    sendToOthers(this.connections, [...bySender.keys()], (lo, hi) => updateFrame(updateOf(lo, hi)), () => (frame ??= updateFrame(merged)), (c, f) => c.send(f));
  }

  /**
   * Relays awareness changes (cursors, who is here) at most every AWARENESS_INTERVAL_MS per room (less
   * often in a large room: awarenessInterval): a
   * change after a quiet spell goes out at once (with the updates being stored, if any: a cursor
   * usually points into the text just typed, so it follows it, in the same write); changes within the
   * interval are coalesced, each client id once in its latest state. The stock provider echoes every
   * awareness message it receives, so each frame saved here also saves one message from every reader.
   */
  private relayAwareness(change: AwarenessChange, _from: Connection): void {
    const changed = (this.awarenessChanged ??= new Set());
    for (const id of change.clients) changed.add(id);
    if (this.awarenessQueued) return;
    this.awarenessQueued = true;
    const wait = this.awarenessSentAt + awarenessInterval(this.connections.size) - performance.now();
    if (wait > 0) {
      this.awarenessTimer = setTimeout(() => this.flushAwareness(), wait);
      return;
    }
    if (this.flushQueued || this.flushing) return; // flush() sends it after the updates
    setImmediate(() => this.flushAwareness());
  }

  /**
   * Sends the coalesced changes: one frame shared by everyone who owns none of the changed ids; an
   * owner gets the others' entries only (its own state never comes back to it). Each state is encoded
   * once; an owner's frame is the others' entries copied together.
   */
  private flushAwareness(): void {
    if (!this.awarenessQueued) return;
    this.awarenessQueued = false;
    if (this.awarenessTimer) clearTimeout(this.awarenessTimer);
    this.awarenessTimer = null;
    this.awarenessSentAt = performance.now();
    const ids = this.awarenessChanged ? [...this.awarenessChanged] : [];
    this.awarenessChanged = null; // a quiet room keeps no set
    if (ids.length === 0) return;
    const entries = ids.map((id) => this.awareness.encodeEntry(id));
    const update = AwarenessTable.joinEntries(entries);
    // Entries grouped by the connection that owns them; entries no one owns (removals) go to all.
    const owned = new Map<AwarenessPeer, Uint8Array[]>();
    const common: Uint8Array[] = [];
    ids.forEach((id, i) => {
      const owner = this.awareness.ownerOf(id);
      const list = owner ? owned.get(owner) : common;
      if (list) list.push(entries[i]);
      else owned.set(owner!, [entries[i]]);
    });
    const owners = [...owned.keys()] as Connection[];
    const leaves = [...owned.values()];
    let frame: Uint8Array | null = null;
    const commonFrame = common.length ? awarenessFrame(AwarenessTable.joinEntries(common)) : null;
    this.corked(owners.length > 1 || commonFrame ? owners : null, () =>
      sendToOthers(
        this.connections,
        owners,
        (lo, hi) => awarenessFrame(AwarenessTable.joinEntries(leaves.slice(lo, hi).flat())),
        () => (frame ??= awarenessFrame(update)),
        (c, f) => c.send(f),
        commonFrame,
      ),
    );
    this.options.bus.publish(this.sectionId, { kind: "awareness", payload: update });
  }

  /** Runs `send` with the sockets of `connections` corked: what it sends to one of them leaves in one write. */
  private corked(connections: Iterable<Connection> | null, send: () => void): void {
    if (!connections) return send();
    const sockets = [...connections]; // a connection closed meanwhile is still uncorked
    for (const c of sockets) c.cork();
    try {
      send();
    } finally {
      for (const c of sockets) c.uncork();
    }
  }

  /** A connection's rights changed (role, section status). */
  setAccess(connection: Connection, facts: SectionFacts, canEdit: boolean): void {
    const could = connection.setAccess(facts, canEdit);
    if (connection.closed || !this.connections.has(connection)) return;
    if (could && !canEdit) {
      // Tell the client at once (it may show "read-only" / "locked"); this is not a refusal.
      connection.send(permissionDeniedFrame(connection.deniedReason));
    } else if (!could && canEdit) {
      connection.send(syncStep1Frame(Y.encodeStateVector(this.doc)));
    }
  }

  /**
   * Whether to fold the log now: after `compactAfterUpdates` rows, or one row per KB of snapshot when
   * that is more (folding costs about the size of the document, so a large one is folded less often:
   * the same cost per update), or `compactAfterBytes` of log.
   */
  private needsCompaction(): boolean {
    const rows = Math.max(this.options.compactAfterUpdates, Math.floor(this.snapshotBytes / 1024));
    return this.logRows >= rows || (this.logRows > 1 && this.logBytes >= this.options.compactAfterBytes);
  }

  private queueCompaction(): void {
    if (this.compactionQueued) return;
    this.compactionQueued = true;
    void this.exclusive(async () => {
      this.compactionQueued = false;
      await this.compactNow().catch((error) =>
        this.options.log.error("compaction failed; the log is kept", { sectionId: this.sectionId, error: String(error) }),
      );
    });
  }

  /** Folds the log into a new snapshot (after the writes queued before it). */
  compact(): Promise<void> {
    return this.exclusive(() => this.compactNow());
  }

  private async compactNow(): Promise<void> {
    if (this.options.bus.solo) {
      // The only node: the document holds exactly the stored log up to `seq` (stored before applied,
      // nothing else writes), so its state is the new snapshot; the log is not read and applied again.
      if (this.logRows === 0) return;
      const state = Y.encodeStateAsUpdate(this.doc);
      const folded = await this.options.store.replaceSnapshot(this.sectionId, state, this.seq);
      if (!folded) return;
      this.options.log.debug("compacted", { sectionId: this.sectionId, upToSeq: this.seq, snapshotBytes: state.byteLength, foldedRows: this.logRows });
      this.snapshotBytes = state.byteLength;
      this.logRows = 0;
      this.logBytes = 0;
      return;
    }
    const result = await this.options.store.compact(this.sectionId);
    if (!result) return;
    this.snapshotBytes = result.snapshotBytes;
    this.logRows = Math.max(0, this.logRows - result.foldedRows);
    this.logBytes = Math.max(0, this.logBytes - result.foldedBytes);
    this.options.log.debug("compacted", { sectionId: this.sectionId, ...result });
  }

  /**
   * Applies what other nodes logged that this room has not seen (after the bus missed messages). Other
   * nodes' seqs interleave with this node's, so `seq` is no watermark of what was applied: the whole
   * snapshot and log are applied, in one transaction; Yjs skips what the document already has, and
   * the connections get only the difference.
   */
  private async catchUp(): Promise<void> {
    await this.exclusive(async () => {
      const stored = await this.options.store.load(this.sectionId);
      this.doc.transact(() => {
        if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot, REMOTE);
        for (const u of stored.updates) Y.applyUpdate(this.doc, u.data, REMOTE);
      }, REMOTE);
      for (const u of stored.updates) if (u.seq > this.seq) this.seq = u.seq;
      this.seq = Math.max(this.seq, stored.upToSeq);
    });
  }

  /** Resolves when every accepted update is stored (and nothing else is queued). */
  async drain(): Promise<void> {
    let tail: Promise<unknown>;
    do {
      tail = this.tail;
      await tail;
    } while (tail !== this.tail || this.batch.length > 0);
  }

  destroy(): void {
    if (this.awarenessTimer) clearTimeout(this.awarenessTimer);
    this.unsubscribe();
    this.guard.drop();
    this.doc.destroy();
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.then(noop, noop);
    return run;
  }
}

/**
 * Sends each of `senders` what the others sent, never its own part back, and everyone else all of it.
 * The senders are the leaves of a balanced tree: sender i gets the log2(k) subtrees beside its path,
 * each built and encoded once (`part(lo, hi)` covers senders lo..hi-1) and shared, so a storm of k
 * senders costs O(k log k) encoding, not O(k²). `extra` (if any) goes to every sender too.
 */
function sendToOthers<C>(
  everyone: Iterable<C>,
  senders: C[],
  part: (lo: number, hi: number) => Uint8Array,
  whole: () => Uint8Array,
  send: (to: C, frame: Uint8Array) => void,
  extra: Uint8Array | null = null,
): void {
  const index = new Map(senders.map((c, i) => [c, i]));
  const parts = new Map<string, Uint8Array>();
  const partOf = (lo: number, hi: number) => {
    const key = `${lo}:${hi}`;
    let frame = parts.get(key);
    if (!frame) parts.set(key, (frame = part(lo, hi)));
    return frame;
  };
  for (const c of everyone) {
    const i = index.get(c);
    if (i === undefined) {
      send(c, whole());
      continue;
    }
    if (extra) send(c, extra);
    let lo = 0;
    let hi = senders.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (i < mid) {
        send(c, partOf(mid, hi));
        hi = mid;
      } else {
        send(c, partOf(lo, mid));
        lo = mid;
      }
    }
  }
}
