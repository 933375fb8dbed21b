/** The typed socket.io server of Overleg, and what each socket carries. */
import type { Server, Socket } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents } from "../../app/shared/realtime";
import type { OrganisationKind } from "../../app/shared/domain";

/** The person behind a socket, from their session at connect time (never from the client). */
export interface SocketUser {
  id: string;
  name: string;
  organisationId: string | null;
  organisationKind: OrganisationKind | null;
  organisationName: string | null;
  organisationShortCode: string | null;
}

/**
 * Kept on each socket; with the Redis adapter other nodes read it (fetchSockets), so it is plain
 * data and holds no secret (the handshake's cookie or token stays on the node that holds the socket).
 */
export interface SocketData {
  user: SocketUser;
  /** Workspaces this socket is present in → the section open there, or null. */
  presence: Record<string, string | null>;
}

/** Events between the nodes of one deployment through socket.io: none (domain events have their own channel, server/scale/events.ts). */
export type ServerSideEvents = Record<never, never>;

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;

export const rooms = {
  user: (id: string) => `user:${id}`,
  workspace: (id: string) => `workspace:${id}`,
  agenda: (id: string) => `agenda:${id}`,
  section: (id: string) => `section:${id}`,
};
