/**
 * socket.io on the app's port (path /socket.io), authenticated by the same session as the app.
 *
 * - Every socket is in `user:<id>`. It joins `workspace:<id>` and `section:<id>` only through an event
 *   with an acknowledgement, after the policy module allowed it (see ./handlers.ts).
 * - Presence: a socket may mark itself present in a workspace (and one of its sections); the
 *   workspace's room receives the list of people present, one entry per person (./presence.ts).
 * - Domain events (section and membership changes) are pushed to the rooms that may see them; when a
 *   person loses access their sockets leave the rooms; a revoked person is disconnected.
 * - With REDIS_URL set, @socket.io/redis-adapter (server/scale/socket-adapter.ts) carries room broadcasts, room changes and presence
 *   queries across nodes; the access and section events of one node reach the other nodes' buses on
 *   their own channel (server/scale/events.ts), so their collab servers re-check connections too.
 *
 * The browser side is app/components/realtime (RealtimeProvider, usePresence, useLiveRevalidate).
 */
import type { Server as HttpServer } from "node:http";
import { eq } from "drizzle-orm";
import { Server } from "socket.io";
import { SOCKET_PATH } from "../../app/shared/realtime";
import type { Services } from "../context";
import type { EventChannel } from "../scale/events";
import type { SocketAdapter } from "../scale/socket-adapter";
import { can } from "../policy";
import {
  createSessionWatch,
  loadActor,
  loadWorkspaceFacts,
  NotFound,
  sessionRound,
  type SessionRound,
  type SessionWatch,
} from "../services/access";
import { requireAgenda } from "../views/agendas";
import { authenticateHandshake, currentActor } from "./auth";
import { registerHandlers } from "./handlers";
import { createPresence } from "./presence";
import { rooms, type RealtimeServer } from "./types";

export interface Realtime {
  readonly io: RealtimeServer;
  /**
   * Disconnects this node's sockets whose session has ended (signed out, expired) or whose person
   * was disabled, now; every round of the session watch does the same. Resolves with the number disconnected.
   */
  checkSessions(): Promise<number>;
  close(): Promise<void>;
}

export interface RealtimeOptions {
  /** The periodic re-check of sessions this node's sockets join (shared with the collab server); without it, one of its own. */
  sessions?: SessionWatch;
  /** The domain event channel between nodes (server/scale/events.ts), when REDIS_URL is set. */
  crossNode?: Pick<EventChannel, "replaying">;
  /** socket.io's adapter between nodes (server/scale/socket-adapter.ts), when REDIS_URL is set. */
  adapter?: SocketAdapter;
}

export function createRealtime(services: Services, httpServer: HttpServer, options: RealtimeOptions = {}): Realtime {
  const { database, events } = services;
  const log = services.log.child("realtime");
  const io: RealtimeServer = new Server(httpServer, {
    path: SOCKET_PATH,
    // The collab WebSocket shares the server's upgrade event (server/app.ts): leave other paths alone.
    destroyUpgrade: false,
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    pingInterval: 20_000,
    pingTimeout: 20_000,
  });

  if (options.adapter) io.adapter(options.adapter.adapter);

  let closing = false;
  const presence = createPresence(io, log, () => closing);

  io.use(authenticateHandshake(services, log));
  registerHandlers(io, services, presence, log);

  // ── domain events → rooms ────────────────────────────────────────────────────────────────────────
  // Broadcasts through the adapter already reach every node, so an event re-emitted here from another
  // node (server/scale/events.ts, `replaying`) is left to the node it happened on.
  const crossNode = options.crossNode;
  const local = () => !crossNode?.replaying();

  async function recheckAccess(userId: string, workspaceId: string): Promise<void> {
    const sockets = await io.in(rooms.user(userId)).fetchSockets();
    if (!sockets.length) return;
    const actor = await loadActor(database, userId);
    if (!actor) {
      io.in(rooms.user(userId)).disconnectSockets(true);
      return;
    }
    const { db, t } = database;
    const sections = await db
      .select({ id: t.sections.id, status: t.sections.status })
      .from(t.sections)
      .where(eq(t.sections.workspaceId, workspaceId));
    let seesWorkspace = false;
    const leave: string[] = [];
    try {
      const facts = await loadWorkspaceFacts(database, actor, workspaceId);
      seesWorkspace = can(actor, "workspace.view", facts);
      for (const s of sections) if (!can(actor, "section.view", { ...facts, status: s.status })) leave.push(rooms.section(s.id));
    } catch (error) {
      if (!(error instanceof NotFound)) throw error;
      leave.push(...sections.map((s) => rooms.section(s.id)));
    }
    if (!seesWorkspace) leave.push(rooms.workspace(workspaceId));
    if (!leave.length) return;
    for (const socket of sockets) {
      if (!leave.some((room) => socket.rooms.has(room))) continue;
      if (!seesWorkspace && socket.rooms.has(rooms.workspace(workspaceId))) socket.emit("access.lost", { workspaceId });
      for (const room of leave) socket.leave(room);
    }
    if (!seesWorkspace) presence.refresh(workspaceId);
    log.debug("access re-checked", { userId, workspaceId, left: leave.length });
  }

  // Work started by an event is awaited by close(), so the database is not closed under it.
  const running = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    running.add(work);
    void work.finally(() => running.delete(work));
  };

  const unsubscribe = [
    events.on("section.changed", (p) => {
      if (local()) io.to([rooms.workspace(p.workspaceId), rooms.section(p.sectionId)]).emit("section.changed", p);
    }),
    events.on("section.created", (p) => {
      if (local()) io.to(rooms.workspace(p.workspaceId)).emit("section.created", p);
    }),
    events.on("section.deleted", (p) => {
      if (!local()) return;
      io.to([rooms.workspace(p.workspaceId), rooms.section(p.sectionId)]).emit("section.deleted", p);
      io.in(rooms.section(p.sectionId)).socketsLeave(rooms.section(p.sectionId));
      presence.refresh(p.workspaceId);
    }),
    events.on("section.archived", (p) => {
      if (local()) io.to([rooms.workspace(p.workspaceId), rooms.section(p.sectionId)]).emit("workspace.changed", { workspaceId: p.workspaceId });
    }),
    events.on("section.moved", (p) => {
      if (!local()) return;
      for (const workspaceId of [p.fromWorkspaceId, p.toWorkspaceId]) io.to(rooms.workspace(workspaceId)).emit("workspace.changed", { workspaceId });
    }),
    events.on("workspace.changed", (p) => {
      if (!local()) return;
      io.to(rooms.workspace(p.workspaceId)).emit("workspace.changed", p);
      // Archived: the people in its rooms may no longer see it (server/policy.ts); ask for each of them.
      track(
        (async () => {
          const sockets = await io.in(rooms.workspace(p.workspaceId)).fetchSockets();
          for (const userId of new Set(sockets.map((s) => s.data.user.id))) await recheckAccess(userId, p.workspaceId);
        })().catch((error: unknown) => log.error("could not re-check access after a workspace change", { ...p, error: String(error) })),
      );
    }),
    events.on("agenda.changed", (p) => {
      if (!local()) return;
      // Those watching the agenda, and the people whose access changed with it (their dashboards).
      io.to([rooms.agenda(p.agendaId), ...p.userIds.map((id) => rooms.user(id))]).emit("agenda.changed", { agendaId: p.agendaId });
      track(
        (async () => {
          const sockets = await io.in(rooms.agenda(p.agendaId)).fetchSockets();
          for (const socket of sockets) {
            const actor = await loadActor(database, socket.data.user.id);
            const allowed = actor ? await requireAgenda(database, actor, p.agendaId).then(() => true, () => false) : false;
            if (!allowed) socket.leave(rooms.agenda(p.agendaId));
          }
        })().catch((error: unknown) => log.error("could not re-check agenda rooms", { ...p, error: String(error) })),
      );
    }),
    events.on("membership.changed", (p) => {
      if (!local()) return;
      // The person's own dashboard (they may have gained or lost a workspace) and the workspace's members list.
      io.to([rooms.user(p.userId), rooms.workspace(p.workspaceId)]).emit("membership.changed", p);
      track(
        recheckAccess(p.userId, p.workspaceId).catch((error: unknown) =>
          log.error("could not re-check access after a membership change", { ...p, error: String(error) }),
        ),
      );
    }),
    events.on("person.revoked", (p) => {
      if (local()) io.in(rooms.user(p.userId)).disconnectSockets(true);
    }),
    // Every node (this event is re-emitted on each) asks again for its own sockets of the person.
    events.on("session.ended", ({ userId }) => {
      if (closing) return;
      const round = sessionRound(services.actorFromHeaders);
      track(
        sweepSessions(round, userId).catch((error: unknown) =>
          log.error("could not re-check sessions after a sign-out", { userId, error: String(error) }),
        ),
      );
    }),
  ];

  // Sessions end without an event (sign-out in another tab, expiry): every round of the session
  // watch asks again for this node's sockets.
  async function sweepSessions(round: SessionRound, userId?: string): Promise<number> {
    let closed = 0;
    for (const socket of [...io.of("/").sockets.values()]) {
      if (closing) break;
      if (userId !== undefined && socket.data.user?.id !== userId) continue;
      const actor = await currentActor(round.actorOf, socket).catch(() => undefined); // database down: keep it
      if (actor === null && socket.connected) {
        socket.disconnect(true);
        closed++;
      }
    }
    if (closed) log.info("disconnected sockets whose session ended", { count: closed });
    return closed;
  }
  const ownWatch = options.sessions ? undefined : createSessionWatch(services);
  const unwatch = (options.sessions ?? ownWatch!).watch((round) => {
    const sweep = sweepSessions(round);
    track(sweep);
    return sweep;
  });

  return {
    io,
    checkSessions: () => sweepSessions(sessionRound((headers) => services.actorFromHeaders(headers))),
    async close() {
      if (closing) return;
      closing = true;
      unwatch();
      await ownWatch?.close();
      for (const off of unsubscribe) off();
      // Only this node's sockets: the others stay connected to their own nodes.
      io.local.disconnectSockets(true);
      await Promise.allSettled([...running]);
      await presence.idle();
      await io.of("/").adapter.close();
      io.engine.close();
      await options.adapter?.close();
    },
  };
}
