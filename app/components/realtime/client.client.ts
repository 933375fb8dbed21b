/**
 * The browser's connection to Overleg's socket.io endpoint (one per page, created by
 * RealtimeProvider). It remembers what the page asked for (the workspaces it watches, where this tab
 * is present) and asks again after every reconnect, since the server forgets a socket's rooms.
 */
import { io, type Socket } from "socket.io-client";
import {
  SOCKET_PATH,
  type ClientToServerEvents,
  type HelloPayload,
  type PresencePayload,
  type RealtimeError,
  type ServerToClientEvents,
} from "../../shared/realtime";

export type ConnectionStatus = "connecting" | "connected" | "reconnecting" | "refused";

export interface RealtimeClient {
  status(): ConnectionStatus;
  /** Who the server says this socket is, once connected. */
  me(): HelloPayload | null;
  /** Why the server refused the connection, when status() is "refused". */
  refusal(): RealtimeError | null;
  /** Called on every status change; `resumed` is true when a connection came back after a loss. */
  onStatus(listener: (status: ConnectionStatus, resumed: boolean) => void): () => void;
  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): () => void;
  /** Keeps this page in the workspaces' rooms (their live events) while held; returns the release. */
  watchWorkspaces(workspaceIds: readonly string[]): () => void;
  /**
   * Shows this tab as present in a workspace (and section) while held; returns the release. With
   * several holders for one workspace, the latest one's section counts.
   */
  enterPresence(workspaceId: string, sectionId: string | null): () => void;
  /**
   * Keeps this page in a section's room (its live events, e.g. comment threads) while held; returns
   * the release. Resolves `joined` with the server's answer each time the room is (re)joined.
   */
  watchSection(sectionId: string, joined?: (ok: boolean) => void): () => void;
  /** Keeps this page in an agenda's room ("agenda.changed") while held; returns the release. */
  watchAgenda(agendaId: string): () => void;
  /** The last presence the server sent for a workspace this tab is present in. */
  presence(workspaceId: string): PresencePayload | null;
  onPresence(workspaceId: string, listener: (presence: PresencePayload) => void): () => void;
  close(): void;
}

type TypedSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface RealtimeClientOptions {
  /** The Overleg server; the page's own origin by default. */
  url?: string;
  /** A bearer token instead of the session cookie (for clients outside the browser). */
  token?: string;
}

/**
 * Runs `leave` once the current commit is over. A page whose list of workspaces changed releases its
 * rooms and asks for them again in one React commit: leaving at once and joining again opened a moment
 * in which the server sent the room's events to nobody on this page (a workspace created then never
 * showed). A room is left only if nobody asked for it again by then.
 */
const afterCommit = (leave: () => void) => queueMicrotask(leave);

export function createRealtimeClient({ url, token }: RealtimeClientOptions = {}): RealtimeClient {
  const socket: TypedSocket = io(url ?? window.location.origin, {
    path: SOCKET_PATH,
    auth: token ? { token } : {},
    // WebSocket only: every message of a connection reaches the same node, so no sticky sessions.
    transports: ["websocket"],
    withCredentials: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10_000,
  });

  let status: ConnectionStatus = "connecting";
  let everConnected = false;
  let me: HelloPayload | null = null;
  let refused: RealtimeError | null = null;
  const statusListeners = new Set<(status: ConnectionStatus, resumed: boolean) => void>();
  const watches = new Map<string, number>();
  let holderSeq = 0;
  const holders = new Map<string, { id: number; sectionId: string | null }[]>();
  const presences = new Map<string, PresencePayload>();
  const presenceListeners = new Map<string, Set<(presence: PresencePayload) => void>>();
  const sectionWatches = new Map<string, Set<(ok: boolean) => void>>();
  const agendaWatches = new Map<string, number>();
  const joinAgenda = (agendaId: string) => {
    if (socket.connected) socket.emit("agenda:join", agendaId, () => {});
  };

  const joinSection = (sectionId: string) => {
    if (!socket.connected) return;
    socket.emit("section:join", sectionId, (ack) => {
      for (const listener of sectionWatches.get(sectionId) ?? []) listener(ack.ok);
    });
  };

  const setStatus = (next: ConnectionStatus, resumed = false) => {
    status = next;
    for (const listener of statusListeners) listener(next, resumed);
  };

  const publish = (payload: PresencePayload) => {
    if (!holders.has(payload.workspaceId)) return;
    presences.set(payload.workspaceId, payload);
    for (const listener of presenceListeners.get(payload.workspaceId) ?? []) listener(payload);
  };

  const join = (ids: string[]) => {
    if (ids.length && socket.connected) socket.emit("workspace:join", ids, () => {});
  };

  const sendPresence = (workspaceId: string) => {
    if (!socket.connected) return;
    const list = holders.get(workspaceId);
    if (list?.length) {
      socket.emit("presence:enter", { workspaceId, sectionId: list[list.length - 1].sectionId }, (ack) => {
        if (ack.ok) publish(ack.presence);
      });
    } else {
      socket.emit("presence:leave", { workspaceId }, () => {});
    }
  };

  const leaveIfUnused = (workspaceId: string) => {
    if (!watches.has(workspaceId) && !holders.has(workspaceId) && socket.connected) {
      socket.emit("workspace:leave", [workspaceId], () => {});
    }
  };

  socket.on("hello", (hello) => {
    me = hello;
    const resumed = everConnected;
    everConnected = true;
    refused = null;
    join([...watches.keys()]);
    for (const workspaceId of holders.keys()) sendPresence(workspaceId);
    for (const sectionId of sectionWatches.keys()) joinSection(sectionId);
    for (const agendaId of agendaWatches.keys()) joinAgenda(agendaId);
    setStatus("connected", resumed);
  });
  socket.on("presence", publish);
  socket.on("disconnect", () => setStatus(socket.active ? "reconnecting" : "refused"));
  socket.on("connect_error", (error: Error & { data?: RealtimeError }) => {
    if (socket.active) return setStatus(everConnected ? "reconnecting" : "connecting");
    // Refused by the server (no session): socket.io does not retry those.
    refused = error.data ?? { code: "unavailable", message: error.message };
    setStatus("refused");
  });

  return {
    status: () => status,
    me: () => me,
    refusal: () => refused,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    on(event, listener) {
      socket.on(event, listener as never);
      return () => socket.off(event, listener as never);
    },
    watchWorkspaces(workspaceIds) {
      const ids = [...new Set(workspaceIds)];
      const fresh = ids.filter((id) => !watches.has(id));
      for (const id of ids) watches.set(id, (watches.get(id) ?? 0) + 1);
      join(fresh);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        for (const id of ids) {
          const count = (watches.get(id) ?? 1) - 1;
          watches.set(id, count);
          if (count === 0) afterCommit(() => {
            if (watches.get(id) !== 0) return;
            watches.delete(id);
            leaveIfUnused(id);
          });
        }
      };
    },
    enterPresence(workspaceId, sectionId) {
      const holder = { id: ++holderSeq, sectionId };
      holders.set(workspaceId, [...(holders.get(workspaceId) ?? []), holder]);
      sendPresence(workspaceId);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const rest = (holders.get(workspaceId) ?? []).filter((h) => h.id !== holder.id);
        if (rest.length) holders.set(workspaceId, rest);
        else {
          holders.delete(workspaceId);
          presences.delete(workspaceId);
        }
        sendPresence(workspaceId);
        leaveIfUnused(workspaceId);
      };
    },
    watchSection(sectionId, joined = () => {}) {
      const listeners = sectionWatches.get(sectionId) ?? new Set<(ok: boolean) => void>();
      const fresh = listeners.size === 0;
      listeners.add(joined);
      sectionWatches.set(sectionId, listeners);
      if (fresh) joinSection(sectionId);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        listeners.delete(joined);
        afterCommit(() => {
          if (listeners.size || sectionWatches.get(sectionId) !== listeners) return;
          sectionWatches.delete(sectionId);
          if (socket.connected) socket.emit("section:leave", sectionId, () => {});
        });
      };
    },
    watchAgenda(agendaId) {
      const held = agendaWatches.has(agendaId);
      agendaWatches.set(agendaId, (agendaWatches.get(agendaId) ?? 0) + 1);
      if (!held) joinAgenda(agendaId);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        agendaWatches.set(agendaId, (agendaWatches.get(agendaId) ?? 1) - 1);
        afterCommit(() => {
          if (agendaWatches.get(agendaId) !== 0) return;
          agendaWatches.delete(agendaId);
          if (socket.connected) socket.emit("agenda:leave", agendaId, () => {});
        });
      };
    },
    presence: (workspaceId) => presences.get(workspaceId) ?? null,
    onPresence(workspaceId, listener) {
      const set = presenceListeners.get(workspaceId) ?? new Set();
      set.add(listener);
      presenceListeners.set(workspaceId, set);
      return () => {
        set.delete(listener);
        if (!set.size) presenceListeners.delete(workspaceId);
      };
    },
    close() {
      statusListeners.clear();
      presenceListeners.clear();
      socket.close();
    },
  };
}
