/**
 * One loaded section: its Y.Doc, the connections on it and their awareness; it loads the section,
 * lets connections join and leave, and hands each message to the part that handles it:
 * - room-writes.ts: the write path (store before send, the schema guard, group commit);
 * - room-storage.ts: the section's log as the room holds it, compaction, catching up (one queue);
 * - room-awareness.ts: the awareness relay (awareness.ts keeps the states);
 * - room-send.ts: sending one tick to many connections (never a sender's own part back);
 * - room-load.ts: early answers to empty clients, the repair of a text outside the schema.
 */
import * as Y from "yjs";
import { CloseCode, type CollabLimits } from "../../app/shared/collab";
import type { Logger } from "../log";
import type { SectionFacts } from "../policy";
import { documentProblem } from "../document-schema";
import { AwarenessTable } from "./awareness";
import type { Connection } from "./connection";
import type { RoomBus, RoomMessage } from "./fanout";
import { awarenessFrame, permissionDeniedFrame, readClientMessage, syncStep1Frame } from "./protocol";
import { AwarenessRelay } from "./room-awareness";
import { corked } from "./room-send";
import { answerEarly, EARLY_ANSWER_BYTES, repairOnLoad, wholeState } from "./room-load";
import { REMOTE, RoomStorage } from "./room-storage";
import { RoomWrites } from "./room-writes";
import { applyStored, type UpdateStore } from "./store";

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
  /** Called after changes to the section were stored (by this node), with the updates stored. */
  onStored?(room: Room, updates: readonly Uint8Array[]): void;
  /** Largest stateless message accepted (bytes); a bigger one closes the connection with TooLarge. */
  maxStatelessBytes: number;
  /** Called for each stateless message of a connection in the room, in the order they arrived. */
  onStateless?(connection: Connection, payload: string): void;
}

const noop = () => {};

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

  private readonly storage: RoomStorage;
  private readonly relay: AwarenessRelay;
  private readonly writes: RoomWrites;
  private unsubscribe: () => void = noop;
  /** Other nodes' messages waiting for this tick's end (remoteTick); null when none. */
  private remote: RoomMessage[] | null = null;
  private destroyed = false;

  constructor(
    readonly sectionId: string,
    private readonly options: RoomOptions,
  ) {
    this.doc = new Y.Doc({ guid: sectionId });
    this.storage = new RoomStorage(sectionId, this.doc, options);
    this.relay = new AwarenessRelay(sectionId, this.awareness, this.connections, options.bus, () => this.writes.writing);
    this.writes = new RoomWrites(this, this.storage, this.relay, options);
    this.doc.on("update", (update: Uint8Array, origin: unknown) => this.writes.onDocUpdate(update, origin));
  }

  /** Rows in the section's log not yet folded into its snapshot. */
  get logRows(): number {
    return this.storage.logRows;
  }

  /**
   * Loads the snapshot and the log after it (each decoded once), then listens to other nodes. Clients
   * waiting for the load that hold nothing yet get the stored text before it is decoded (answerEarly).
   */
  async load(): Promise<void> {
    const [stored, owners] = await Promise.all([this.options.store.load(this.sectionId), this.options.store.clientOwners(this.sectionId)]);
    this.writes.owners = owners;
    const whole = wholeState(stored);
    const waiting = this.waiting!;
    if (whole && whole.byteLength >= EARLY_ANSWER_BYTES && waiting.size > 0) await answerEarly(this, whole, waiting);
    for (const c of waiting) c.loaded();
    this.waiting = null;
    applyStored(this.doc, stored.snapshot, stored.updates, this.options.log, this.sectionId);
    this.storage.counted(stored, stored.updates.length ? stored.updates[stored.updates.length - 1].seq : stored.upToSeq);
    // A text stored outside the schema (before updates were checked) is repaired before anyone gets
    // it: no browser editor could open it.
    const problem = documentProblem(this.doc);
    if (problem) await repairOnLoad(this, this.storage, this.options, problem);
    this.unsubscribe = this.options.bus.subscribe(this.sectionId, {
      message: (m) => this.receiveRemote(m),
      resync: () => void this.storage.catchUp(),
    });
    this.storage.compactIfDue();
  }

  /** Another node's message: handled with the others that arrive in the same tick (remoteTick). */
  private receiveRemote(message: RoomMessage): void {
    if (this.remote) {
      this.remote.push(message);
      return;
    }
    this.remote = [message];
    setImmediate(() => this.remoteTick());
  }

  /**
   * What other nodes sent in one tick, as a local tick is sent (room-writes.ts): their updates applied
   * in one transaction (one frame for everyone), then their cursors, each frame made once for all
   * connections and, when a connection gets more than one, its socket corked: one write each.
   */
  private remoteTick(): void {
    const messages = this.remote ?? [];
    this.remote = null;
    if (this.destroyed) return;
    const updates = messages.filter((m) => m.kind === "update");
    const cursors = messages.filter((m) => m.kind !== "update");
    const frames = (updates.length ? 1 : 0) + cursors.length;
    try {
      corked(frames > 1 ? this.connections : null, () => {
        if (updates.length) this.doc.transact(() => updates.forEach((m) => Y.applyUpdate(this.doc, m.payload, REMOTE)), REMOTE);
        for (const m of cursors) {
          const frame = awarenessFrame(m.payload);
          for (const c of this.connections) c.send(frame);
        }
      });
    } catch (error) {
      // Every update another node sends is in the log: what did not apply is read from there.
      this.options.log.error("a room failed to apply a message from another node; it catches up from the database", { sectionId: this.sectionId, error: String(error) });
      void this.storage.catchUp();
    }
  }

  /** The connection joins once the document is loaded: it gets the server's state vector (editors, so
   * that they send what the server lacks), the awareness of the others, then its queued messages. */
  attach(connection: Connection): void {
    if (connection.closed) return;
    this.connections.add(connection);
    const queued = connection.join(this);
    if (connection.canWrite) connection.send(syncStep1Frame(Y.encodeStateVector(this.doc)));
    const states = this.awareness.encodeAll(connection);
    if (states) connection.send(awarenessFrame(states));
    for (const data of queued) this.receive(connection, data);
  }

  detach(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    const removal = this.awareness.removeAll(connection);
    if (removal) this.relay.relay(removal);
    if (this.connections.size === 0) this.options.onEmpty(this);
  }

  /** Handles one message of `connection`; a message that does not decode closes that connection. */
  receive(connection: Connection, data: Uint8Array): void {
    if (connection.closed) return;
    try {
      const message = readClientMessage(data);
      switch (message.type) {
        case "sync-step-1":
          connection.send(this.writes.syncAnswer(message.stateVector));
          return;
        case "sync-step-2":
        case "update":
          this.writes.receiveUpdate(connection, message.update, message.type === "sync-step-2");
          return;
        case "awareness": {
          if (message.update.byteLength > this.options.limits.maxAwarenessBytes) {
            connection.close(CloseCode.TooLarge, "Awareness message too large.");
            return;
          }
          const change = this.awareness.apply(connection, message.update, this.options.limits.awarenessClientsPerConnection);
          if (change) this.relay.relay(change);
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

  /** See RoomWrites.applyServerChange: a change made on the server, stored and sent like a client's. */
  applyServerChange(change: (doc: Y.Doc) => void): Promise<Uint8Array | null> {
    return this.writes.applyServerChange(change);
  }

  /** A connection's rights changed (role, section status). */
  setAccess(connection: Connection, facts: SectionFacts, canEdit: boolean): void {
    const couldWrite = connection.canWrite;
    const could = connection.setAccess(facts, canEdit);
    if (connection.closed || !this.connections.has(connection)) return;
    if ((could && !canEdit) || (couldWrite && !connection.canWrite)) {
      // Tell the client at once (it may show "read-only" / "locked"); this is not a refusal.
      connection.send(permissionDeniedFrame(connection.deniedReason));
    } else if (!couldWrite && connection.canWrite) {
      connection.send(syncStep1Frame(Y.encodeStateVector(this.doc)));
    }
  }

  /** Folds the log into a new snapshot (after the writes queued before it). */
  compact(): Promise<void> {
    return this.storage.compact();
  }

  /** Resolves when every accepted update is stored (and nothing else is queued). */
  drain(): Promise<void> {
    return this.storage.settled(() => this.writes.pending);
  }

  destroy(): void {
    this.destroyed = true;
    this.relay.destroy();
    this.unsubscribe();
    this.writes.destroy();
    this.doc.destroy();
  }
}
