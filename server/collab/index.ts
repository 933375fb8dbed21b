/**
 * The collab server: WebSocket `/collab/<sectionId>` speaking the y-websocket protocol (y-protocols
 * sync and awareness), so the stock `WebsocketProvider(url + '/collab', sectionId, doc)` works.
 *
 * It is wired here from parts that each do one thing (docs/decisions/018):
 * - upgrade.ts: accepts or refuses the WebSocket (origin, session, policy, section id, per-person limit);
 * - rooms.ts: loads and unloads rooms (room.ts: one section's document and write path);
 * - access-watch.ts: checks open connections again (domain events and the shared session watch);
 * - hooks.ts: what features add (afterStore, …), run in order;
 * - connection.ts: one client's socket, rights and message budget.
 *
 * After the upgrade, every message is checked: only connections the policy allows `section.edit` may change
 * the document (see room.ts); identity in awareness comes from the session (awareness.ts). Access is
 * checked again when membership, the person or the section changes or a session ends (domain
 * events), and at every round of the session watch (one clock for collab and socket.io,
 * `sessionCheck` of startServer), so an expired session closes within its interval.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import WebSocket, { WebSocketServer } from "ws";
import type * as Y from "yjs";
import { CloseCode, CollabLimits } from "../../app/shared/collab";
import type { Services } from "../context";
import { can } from "../policy";
import { setDocumentLog } from "../document";
import type { SessionWatch } from "../services/access";
import { createAccessCache, type AccessChannel } from "./access-cache";
import { watchAccess } from "./access-watch";
import { Connection } from "./connection";
import { localBus, type RoomBus } from "./fanout";
import { addHook, collabHooks, runHooks, runStateless, type AfterStoreHook, type CollabHooks } from "./hooks";
import { RoomRegistry } from "./rooms";
import { UpdateStore } from "./store";
import { createUpgrade, PerPerson, type Accepted } from "./upgrade";

export interface CollabOptions {
  /** Milliseconds a document stays in memory after its last client left (default 30 s). */
  unloadAfterMs?: number;
  /**
   * The periodic re-check of sessions (shared with socket.io); each round checks every open
   * connection's session and access. Without it, one of its own (every 30 s).
   */
  sessions?: SessionWatch;
  /** WebSocket ping interval; a client that missed one ping is dropped (default 30 s). */
  heartbeatMs?: number;
  /** Fold a section's log into its snapshot after this many logged updates (default 200) … */
  compactAfterUpdates?: number;
  /** … or this many logged bytes (default 1 MiB). */
  compactAfterBytes?: number;
  /** Limits; the defaults are CollabLimits (app/shared/collab.ts). */
  limits?: Partial<CollabLimits>;
  /** Bytes waiting to be sent to one client after which it is dropped as not keeping up (default 64 MiB). */
  maxBufferedBytes?: number;
  /** Origins allowed besides PUBLIC_URL's. */
  allowedOrigins?: string[];
  /** Fan-out to other nodes (Redis); one node needs none. */
  bus?: RoomBus;
  /** Hooks features add (see hooks.ts); more can be added later through `collab.hooks`. */
  hooks?: Partial<CollabHooks>;
  /** Largest stateless message accepted (default 64 KiB; never more than `limits.maxMessageBytes`). */
  maxStatelessBytes?: number;
  /** How long the upgrade remembers a session and a person's access (ms; default 5 s; 0: not at all). See access-cache.ts. */
  accessCacheMs?: number;
  /** With several nodes: the channel their access changes arrive on (server/scale/events.ts). */
  accessChannel?: AccessChannel;
}

export interface CollabStats {
  rooms: number;
  connections: number;
}

export interface Collab {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every connection; documents are flushed first. */
  close(): Promise<void>;
  /** Folds a section's update log into its snapshot now (after the writes already queued). */
  compact(sectionId: string): Promise<void>;
  /** Resolves when every accepted update is stored. */
  flush(): Promise<void>;
  stats(): CollabStats;
  /**
   * Changes a section on the server (restoring a version) as a new update that everyone connected
   * sees live; see Room.applyServerChange. Loads the section when no one has it open.
   */
  applyServerChange(sectionId: string, change: (doc: Y.Doc) => void): Promise<Uint8Array | null>;
  /**
   * Runs `read` on the section's document when this node has it loaded (it holds exactly what is
   * stored, so readers need not load and decode it from the database); null when it is not loaded.
   * `read` runs synchronously and must not change the document or keep it.
   */
  readLoaded<T>(sectionId: string, read: (doc: Y.Doc) => T): { value: T } | null;
  /** The hook lists, run in order (hooks.ts). */
  readonly hooks: CollabHooks;
  /** Adds an afterStore hook: called after changes to a section were stored by this node; returns the removal. */
  onStored(listener: AfterStoreHook): () => void;
}

export function createCollab(services: Services, options: CollabOptions = {}): Collab {
  const log = services.log.child("collab");
  // Readers of stored texts (pages, API, exports) report parts they show as placeholders here.
  setDocumentLog(services.log.child("document"));
  const limits: CollabLimits = { ...CollabLimits, ...options.limits };
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 64 * 1024 * 1024;
  const bus = options.bus ?? localBus;
  const store = new UpdateStore(services.database, log);
  const hooks = collabHooks(options.hooks);
  const connections = new Set<Connection>();
  const perPerson = new PerPerson(limits.connectionsPerPerson);
  let closing = false;

  const rooms = new RoomRegistry(
    {
      store,
      log,
      limits,
      bus,
      compactAfterUpdates: options.compactAfterUpdates ?? 200,
      compactAfterBytes: options.compactAfterBytes ?? 1024 * 1024,
      onStored: (room, updates) => {
        if (hooks.afterStore.length === 0) return;
        const sectionId = room.sectionId;
        void runHooks(hooks.afterStore, (hook) => hook(sectionId, updates), log, "afterStore", { sectionId });
      },
      maxStatelessBytes: Math.min(options.maxStatelessBytes ?? 64 * 1024, limits.maxMessageBytes),
      onStateless: (connection, payload) => {
        if (hooks.onStateless.length === 0) return;
        void runStateless(hooks.onStateless, connection, payload, log);
      },
    },
    store,
    log,
    options.unloadAfterMs ?? 30_000,
  );

  // Frames up to 4 × the limit are read and refused with TooLarge (4413); beyond that `ws` cuts the
  // connection itself (1009) without buffering the rest.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes * 4,
    perMessageDeflate: false,
    clientTracking: false,
  });

  const accessCache = createAccessCache(services, { ttlMs: options.accessCacheMs, channel: options.accessChannel });
  const handleUpgrade = createUpgrade({
    services,
    access: accessCache,
    log,
    limits,
    wss,
    perPerson,
    allowedOrigins: options.allowedOrigins,
    closing: () => closing,
    open: (accepted) => void open(accepted),
  });

  /** Called once per connection, when it closes (one function for all of them). */
  function onClosed(c: Connection) {
    connections.delete(c);
    perPerson.release(c.userId);
    c.room?.detach(c);
  }

  async function open({ ws, socket, actor, authHeaders, sectionId, workspaceId, facts, checkedAt }: Accepted) {
    const connection = new Connection({
      ws,
      socket,
      actor,
      authHeaders,
      sectionId,
      workspaceId,
      facts,
      canEdit: can(actor, "section.edit", facts),
      limits,
      maxBufferedBytes,
      log,
      onClosed,
    });
    connections.add(connection);
    ws.on("error", (error) => log.debug("collab socket error", { ...connection.who, error: error.message }));
    ws.on("pong", () => connection.pong());
    ws.on("message", (data: Buffer, isBinary: boolean) => onMessage(connection, data, isBinary));
    if (closing) return connection.close(CloseCode.GoingAway, "Server shutting down.");
    // Access changed while it was checked (the answer may predate the change, from memory or not): it
    // is checked again against the database before it gets anything of the section.
    if (accessCache.changedSince(checkedAt)) {
      await access.check([connection]);
      if (connection.closed) return;
    }
    try {
      rooms.attach(connection, await rooms.get(sectionId, connection));
    } catch (error) {
      log.error("loading a section failed", { sectionId, error: String(error) });
      return connection.close(CloseCode.StorageFailed, "The section could not be loaded; retrying.");
    }
  }

  function onMessage(connection: Connection, data: Buffer, isBinary: boolean) {
    if (connection.closed) return;
    if (data.byteLength > limits.maxMessageBytes) {
      log.warn("collab message over the size limit; connection closed", { ...connection.who, bytes: data.byteLength });
      return connection.close(CloseCode.TooLarge, "Message too large.");
    }
    if (!connection.takeMessage()) {
      log.warn("collab connection over its message rate; closed", connection.who);
      return connection.close(CloseCode.RateLimited, "Too many messages.");
    }
    if (!isBinary) {
      log.warn("malformed collab message (text frame); connection closed", connection.who);
      return connection.close(CloseCode.Malformed, "Malformed message.");
    }
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const queued = connection.enqueue(bytes);
    if (queued === false) return connection.close(CloseCode.TooLarge, "Too much sent before the section loaded.");
    if (queued) return;
    connection.room?.receive(connection, bytes);
  }

  const access = watchAccess(services, log, connections, options.sessions);
  const heartbeatTimer = setInterval(() => {
    for (const c of connections) {
      if (c.heartbeat()) continue;
      log.debug("collab client missed a heartbeat; dropped", c.who);
      c.terminate();
    }
  }, heartbeatMs);
  heartbeatTimer.unref();

  return {
    handleUpgrade,
    hooks,

    async close() {
      if (closing) return;
      closing = true;
      await access.close();
      accessCache.close();
      clearInterval(heartbeatTimer);
      await rooms.stop();
      const open = [...connections];
      const closed = Promise.all(
        open.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.ws.readyState === WebSocket.CLOSED) return resolve();
              c.ws.once("close", () => resolve());
            }),
        ),
      );
      for (const c of open) c.close(CloseCode.GoingAway, "Server shutting down.");
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, 1000).unref());
      await Promise.race([closed, timeout]);
      for (const c of open) if (c.ws.readyState !== WebSocket.CLOSED) c.ws.terminate();
      rooms.destroy();
      await bus.close();
      wss.close();
    },

    compact: (sectionId) => rooms.compact(sectionId),
    flush: () => rooms.flush(),

    stats() {
      return { rooms: rooms.size, connections: connections.size };
    },

    async applyServerChange(sectionId, change) {
      if (closing) throw new Error("The collab server is shutting down.");
      return rooms.using(sectionId, (room) => room.applyServerChange(change));
    },

    onStored(listener) {
      return addHook(hooks.afterStore, listener);
    },

    readLoaded(sectionId, read) {
      const doc = rooms.loadedDoc(sectionId);
      return doc ? { value: read(doc) } : null;
    },
  };
}
