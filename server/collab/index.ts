/**
 * The collab server: WebSocket `/collab/<sectionId>` speaking the y-websocket protocol (y-protocols
 * sync and awareness), so the stock `WebsocketProvider(url + '/collab', sectionId, doc)` works.
 *
 * At the upgrade, in this order, before anything is loaded or created for the path:
 * 1. shutting down → 503;
 * 2. `Origin` (cross-site WebSocket hijacking): when present it must be the app's own origin
 *    (PUBLIC_URL's, plus `allowedOrigins`), else 403. A request without Origin is let through to
 *    authentication: every browser sends Origin on a WebSocket handshake, so a request without one
 *    comes from a program, which cannot borrow a visitor's cookies; it must present a session itself;
 * 3. the path names a section id, else 404;
 * 4. the session (cookie or `Authorization: Bearer`), else 401;
 * 5. the section exists, else 404; the policy allows `section.view`, else 403;
 * 6. fewer than `connectionsPerPerson` open connections for this person, else 429.
 * Refusals are plain HTTP responses on the raw socket with a JSON error body.
 *
 * After it, every message is checked: only connections the policy allows `section.edit` may change
 * the document (see room.ts); identity in awareness comes from the session (awareness.ts). Access is
 * checked again when membership, the person or the section changes or a session ends (domain
 * events), and at every round of the session watch (one clock for collab and socket.io,
 * `sessionCheck` of startServer), so an expired session closes within its interval.
 */
import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import WebSocket, { WebSocketServer } from "ws";
import type * as Y from "yjs";
import { CloseCode, COLLAB_PATH, CollabLimits } from "../../app/shared/collab";
import { isId } from "../../app/shared/ids";
import type { Services, SignedIn } from "../context";
import { errorBody } from "../errors";
import { checkSocketOrigin } from "../http/origin";
import { can, type SectionFacts } from "../policy";
import { setDocumentLog } from "../document";
import { createSessionWatch, loadSectionFacts, NotFound, sessionRound, type SessionRound, type SessionWatch } from "../services/access";
import { Connection, type Corkable } from "./connection";
import { localBus, type RoomBus } from "./fanout";
import { addHook, collabHooks, runHooks, type AfterStoreHook, type CollabHooks } from "./hooks";
import { Room, type RoomOptions } from "./room";
import { UpdateStore } from "./store";

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
  /** The hook lists, run in order (hooks.ts). */
  readonly hooks: CollabHooks;
  /** Adds an afterStore hook: called after changes to a section were stored by this node; returns the removal. */
  onStored(listener: AfterStoreHook): () => void;
}

export function createCollab(services: Services, options: CollabOptions = {}): Collab {
  const { database, events } = services;
  const log = services.log.child("collab");
  // Readers of stored texts (pages, API, exports) report parts they show as placeholders here.
  setDocumentLog(services.log.child("document"));
  const limits: CollabLimits = { ...CollabLimits, ...options.limits };
  const unloadAfterMs = options.unloadAfterMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const bus = options.bus ?? localBus;
  const store = new UpdateStore(database, log);
  const origins = new Set([new URL(services.env.PUBLIC_URL).origin, ...(options.allowedOrigins ?? []).map((o) => new URL(o).origin)]);

  // Frames up to 4 × the limit are read and refused with TooLarge (4413); beyond that `ws` cuts the
  // connection itself (1009) without buffering the rest.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes * 4,
    perMessageDeflate: false,
    clientTracking: false,
  });

  const rooms = new Map<string, Room>();
  const unloadTimers = new Map<Room, NodeJS.Timeout>();
  const connections = new Set<Connection>();
  /** Open (or opening) connections per person. */
  const perPerson = new Map<string, number>();
  let closing = false;
  const hooks = collabHooks(options.hooks);

  const release = (userId: string) => {
    const n = (perPerson.get(userId) ?? 1) - 1;
    if (n <= 0) perPerson.delete(userId);
    else perPerson.set(userId, n);
  };

  // ── rooms ──────────────────────────────────────────────────────────────────────────────────────
  /** What every room is given (one object for all of them: a server may hold thousands of rooms). */
  const roomOptions: RoomOptions = {
    store,
    log,
    limits,
    bus,
    compactAfterUpdates: options.compactAfterUpdates ?? 200,
    compactAfterBytes: options.compactAfterBytes ?? 1024 * 1024,
    onEmpty: (room) => scheduleUnload(room),
    onStored: (room) => {
      if (hooks.afterStore.length === 0) return;
      const sectionId = room.sectionId;
      void runHooks(hooks.afterStore, (hook) => hook(sectionId), log, "afterStore", { sectionId });
    },
  };
  const newRoom = (sectionId: string) => new Room(sectionId, roomOptions);

  const loading = new Map<string, { room: Room; loaded: Promise<Room> }>();
  /** The loaded room of a section, loading it first when needed; `waiting` waits for it (see Room.load). */
  async function getRoom(sectionId: string, waiting?: Connection): Promise<Room> {
    for (;;) {
      const room = rooms.get(sectionId);
      if (room?.unloading) {
        await room.unloading;
        continue;
      }
      if (room) return room;
      let pending = loading.get(sectionId);
      if (!pending) {
        const created = newRoom(sectionId);
        const loaded = created.load().then(
          () => {
            rooms.set(sectionId, created);
            return created;
          },
          (error: unknown) => {
            created.destroy();
            throw error;
          },
        );
        pending = { room: created, loaded };
        loading.set(sectionId, pending);
        void loaded.finally(() => loading.delete(sectionId)).catch(() => undefined);
      }
      if (waiting) {
        // Null when the room has just loaded (its load() resolved, this promise's callbacks have not run).
        if (pending.room.waiting) {
          pending.room.waiting.add(waiting);
          waiting.waitFor(pending.room);
        }
      }
      return pending.loaded;
    }
  }

  function scheduleUnload(room: Room) {
    if (closing || unloadTimers.has(room)) return;
    const timer = setTimeout(() => {
      unloadTimers.delete(room);
      if (room.connections.size === 0) void unload(room);
    }, unloadAfterMs);
    timer.unref();
    unloadTimers.set(room, timer);
  }

  async function unload(room: Room) {
    room.unloading = (async () => {
      await room.drain();
      if (room.logRows > 0) {
        await room.compact().catch((error) => log.error("compaction at unload failed", { sectionId: room.sectionId, error: String(error) }));
      }
      room.destroy();
      if (rooms.get(room.sectionId) === room) rooms.delete(room.sectionId);
    })();
    await room.unloading;
  }

  function attach(connection: Connection, room: Room) {
    const timer = unloadTimers.get(room);
    if (timer) {
      clearTimeout(timer);
      unloadTimers.delete(room);
    }
    room.attach(connection);
    if (room.connections.size === 0) scheduleUnload(room);
  }

  // ── the upgrade ────────────────────────────────────────────────────────────────────────────────
  /** The collab upgrade's adapter of server/errors.ts: an HTTP answer with the one error body, then close. */
  function refuse(socket: Duplex, status: number, code: string, message: string) {
    if (socket.destroyed) return;
    const body = JSON.stringify(errorBody({ code, message }));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n` +
        "Connection: close\r\nContent-Type: application/json; charset=utf-8\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }

  async function accept(req: IncomingMessage, socket: Duplex, head: Buffer) {
    if (closing) return refuse(socket, 503, "shutting_down", "The server is restarting; try again.");
    const origin = checkSocketOrigin(req.headers, services.env.PUBLIC_URL, origins);
    if (!origin.ok) {
      log.warn("collab upgrade from a foreign origin refused", { origin: origin.origin });
      return refuse(socket, 403, "bad_origin", "This origin may not open a collaboration connection.");
    }
    const url = new URL(req.url ?? "/", "http://collab.invalid");
    const prefix = `${COLLAB_PATH}/`;
    let sectionId = "";
    try {
      sectionId = url.pathname.startsWith(prefix) ? decodeURIComponent(url.pathname.slice(prefix.length)) : "";
    } catch {
      sectionId = "";
    }
    if (!isId(sectionId)) return refuse(socket, 404, "not_found", "No such section.");

    const authHeaders: Record<string, string> = {};
    if (typeof req.headers.cookie === "string") authHeaders.cookie = req.headers.cookie;
    if (typeof req.headers.authorization === "string") authHeaders.authorization = req.headers.authorization;
    if (!authHeaders.cookie && !authHeaders.authorization) return refuse(socket, 401, "unauthorized", "Sign in first.");
    const actor = await services.actorFromHeaders(new Headers(authHeaders));
    if (!actor) return refuse(socket, 401, "unauthorized", "Sign in first.");

    let loaded: Awaited<ReturnType<typeof loadSectionFacts>>;
    try {
      loaded = await loadSectionFacts(database, actor, sectionId);
    } catch (error) {
      if (error instanceof NotFound) return refuse(socket, 404, "not_found", "No such section.");
      throw error;
    }
    if (!can(actor, "section.view", loaded.facts)) return refuse(socket, 403, "forbidden", "You have no access to this section.");
    if (closing) return refuse(socket, 503, "shutting_down", "The server is restarting; try again.");
    if (socket.destroyed) return;
    if ((perPerson.get(actor.id) ?? 0) >= limits.connectionsPerPerson) {
      return refuse(socket, 429, "too_many_connections", "Too many open collaboration connections; close some tabs.");
    }
    perPerson.set(actor.id, (perPerson.get(actor.id) ?? 0) + 1);
    const releaseUnopened = () => release(actor.id);
    socket.once("close", releaseUnopened);
    wss.handleUpgrade(req, socket, head, (ws) => {
      socket.off("close", releaseUnopened); // the connection releases it from now on (and this scope is freed)
      void open(ws, socket as Duplex & Corkable, actor, authHeaders, sectionId, loaded.section.workspaceId, loaded.facts);
    });
  }

  /** Called once per connection, when it closes (one function for all of them). */
  function onClosed(c: Connection) {
    connections.delete(c);
    release(c.userId);
    c.room?.detach(c);
  }

  async function open(
    ws: WebSocket,
    socket: Corkable,
    actor: SignedIn,
    authHeaders: Record<string, string>,
    sectionId: string,
    workspaceId: string,
    facts: SectionFacts,
  ) {
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
      maxBufferedBytes: options.maxBufferedBytes ?? 64 * 1024 * 1024,
      log,
      onClosed,
    });
    connections.add(connection);
    ws.on("error", (error) => log.debug("collab socket error", { ...connection.who, error: error.message }));
    ws.on("pong", () => connection.pong());
    ws.on("message", (data: Buffer, isBinary: boolean) => onMessage(connection, data, isBinary));
    if (closing) return connection.close(CloseCode.GoingAway, "Server shutting down.");
    let room: Room;
    try {
      room = await getRoom(sectionId, connection);
    } catch (error) {
      log.error("loading a section failed", { sectionId, error: String(error) });
      return connection.close(CloseCode.StorageFailed, "The section could not be loaded; retrying.");
    }
    attach(connection, room);
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

  // ── access changes ─────────────────────────────────────────────────────────────────────────────
  function applyAccess(c: Connection, facts: SectionFacts, canEdit: boolean) {
    if (c.room) return c.room.setAccess(c, facts, canEdit);
    c.setAccess(facts, canEdit); // still loading: it joins with these rights
  }

  /** Checks `list` again (their session, then their access), asking the database once per session
   * (in this round) and once per person and section. */
  async function recheck(list: Connection[], round: SessionRound = sessionRound(services.actorFromHeaders)) {
    const facts = new Map<string, Promise<Awaited<ReturnType<typeof loadSectionFacts>> | null>>();
    await Promise.all(
      list.map(async (c) => {
        try {
          const actor = await round.actorOf(new Headers(c.authHeaders));
          if (c.closed) return;
          if (!actor || actor.id !== c.userId) {
            log.info("collab session ended; connection closed", c.who);
            return c.close(CloseCode.Unauthorized, "Your session ended; sign in again.");
          }
          const factsKey = `${actor.id}\n${c.sectionId}`;
          if (!facts.has(factsKey)) {
            facts.set(
              factsKey,
              loadSectionFacts(database, actor, c.sectionId).catch((error: unknown) => {
                if (error instanceof NotFound) return null;
                throw error;
              }),
            );
          }
          const loaded = await facts.get(factsKey)!;
          if (c.closed) return;
          if (!loaded) return c.close(CloseCode.NotFound, "This section no longer exists.");
          if (!can(actor, "section.view", loaded.facts)) {
            log.info("collab access withdrawn; connection closed", c.who);
            return c.close(CloseCode.Forbidden, "Your access to this section was withdrawn.");
          }
          c.recheckedAs(actor);
          applyAccess(c, loaded.facts, can(actor, "section.edit", loaded.facts));
        } catch (error) {
          log.error("re-checking a collab connection failed; kept open until the next check", { ...c.who, error: String(error) });
        }
      }),
    );
  }

  const unsubscribe = [
    events.on("membership.changed", ({ workspaceId, userId }) => {
      void recheck([...connections].filter((c) => c.userId === userId && c.workspaceId === workspaceId));
    }),
    events.on("person.revoked", ({ userId }) => {
      void recheck([...connections].filter((c) => c.userId === userId));
    }),
    events.on("session.ended", ({ userId }) => {
      void recheck([...connections].filter((c) => c.userId === userId));
    }),
    events.on("section.changed", ({ sectionId, status }) => {
      for (const c of connections) {
        if (c.sectionId !== sectionId) continue;
        // Only the status changed: the role in the connection's facts still holds (membership
        // changes arrive as their own event).
        const facts = { ...c.facts, status };
        applyAccess(c, facts, can(c.actor, "section.edit", facts));
      }
    }),
    events.on("section.deleted", ({ sectionId }) => {
      for (const c of connections) if (c.sectionId === sectionId) c.close(CloseCode.NotFound, "This section was deleted.");
    }),
  ];

  const ownWatch = options.sessions ? undefined : createSessionWatch(services);
  const unwatch = (options.sessions ?? ownWatch!).watch((round) => recheck([...connections], round));
  const heartbeatTimer = setInterval(() => {
    for (const c of connections) {
      if (c.heartbeat()) continue;
      log.debug("collab client missed a heartbeat; dropped", c.who);
      c.terminate();
    }
  }, heartbeatMs);
  heartbeatTimer.unref();

  return {
    handleUpgrade(req, socket, head) {
      socket.on("error", (error) => log.debug("collab upgrade socket error", { error: error.message }));
      accept(req, socket, head).catch((error: unknown) => {
        log.error("collab upgrade failed", { error: error instanceof Error ? error.message : String(error) });
        refuse(socket, 500, "internal_error", "The server could not open the connection.");
      });
    },

    async close() {
      if (closing) return;
      closing = true;
      unwatch();
      await ownWatch?.close();
      clearInterval(heartbeatTimer);
      for (const off of unsubscribe) off();
      for (const timer of unloadTimers.values()) clearTimeout(timer);
      unloadTimers.clear();
      await Promise.allSettled([...loading.values()].map((p) => p.loaded));
      for (const room of rooms.values()) room.accepting = false;
      await Promise.all([...rooms.values()].map((room) => room.drain()));
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
      for (const room of rooms.values()) room.destroy();
      rooms.clear();
      await bus.close();
      wss.close();
    },

    async compact(sectionId) {
      const room = rooms.get(sectionId);
      if (room) await room.compact();
      else await store.compact(sectionId);
    },

    async flush() {
      await Promise.all([...rooms.values()].map((room) => room.drain()));
    },

    stats() {
      return { rooms: rooms.size, connections: connections.size };
    },

    async applyServerChange(sectionId, change) {
      if (closing) throw new Error("The collab server is shutting down.");
      const room = await getRoom(sectionId);
      try {
        return await room.applyServerChange(change);
      } finally {
        if (room.connections.size === 0) scheduleUnload(room);
      }
    },

    hooks,

    onStored(listener) {
      return addHook(hooks.afterStore, listener);
    },
  };
}
