/**
 * The socket.io protocol between the browser and the server (server/realtime): event names, payloads
 * and acknowledgements. Isomorphic and dependency-free: both sides import these types.
 *
 * Rooms (joined on the server only, and only after the policy module allows it):
 *   user:<id>        every socket of that person (joined at connect)
 *   workspace:<id>   "workspace:join"; receives the workspace's live events and its presence
 *   section:<id>     "section:join"; receives the section's live events
 *   agenda:<id>      "agenda:join"; receives "agenda.changed" (settings, owners, its workspaces and their order)
 */
import type { Role, SectionStatus } from "./domain";
import type { NotificationView, ThreadView } from "./comments";

/** A refusal, with a stable code (the UI translates it) and English words for logs. */
export interface RealtimeError {
  code: "unauthorized" | "forbidden" | "not_found" | "bad_request" | "unavailable";
  message: string;
}

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: RealtimeError };

/**
 * The answer to "workspace:join": ok when every workspace was joined; `results` says, per id, which
 * were (absent only when the request as a whole was refused: malformed, or the session has ended).
 */
export type JoinAck =
  | { ok: true; results: Record<string, Ack> }
  | { ok: false; error: RealtimeError; results?: Record<string, Ack> };

/** One person present in a workspace, as the server knows them from their session. */
export interface PersonInWorkspace {
  userId: string;
  name: string;
  organisationName: string | null;
  organisationShortCode: string | null;
  /** The sections of this workspace the person has open now (one per tab; may be empty). */
  sectionIds: string[];
}

export interface PresencePayload {
  workspaceId: string;
  people: PersonInWorkspace[];
}

/** Who I am, as the server sees it (sent once after connecting). */
export interface HelloPayload {
  userId: string;
  name: string;
  organisationShortCode: string | null;
}

export interface ServerToClientEvents {
  hello: (payload: HelloPayload) => void;
  presence: (payload: PresencePayload) => void;
  "section.changed": (payload: { workspaceId: string; sectionId: string; status: SectionStatus; title: string }) => void;
  "section.created": (payload: { workspaceId: string; sectionId: string }) => void;
  "section.deleted": (payload: { workspaceId: string; sectionId: string }) => void;
  "workspace.changed": (payload: { workspaceId: string }) => void;
  /** An agenda's settings, owners or workspaces (created, ordered, archived, restored) changed. */
  "agenda.changed": (payload: { agendaId: string }) => void;
  /** Someone's role in a workspace changed (to the person themselves, and to the workspace's room). */
  "membership.changed": (payload: { workspaceId: string; userId: string; role: Role | null }) => void;
  /** This socket was taken out of a workspace's rooms because its person may no longer see it. */
  "access.lost": (payload: { workspaceId: string }) => void;
  /**
   * A comment thread of a section this socket joined, as its person sees it now (new, replied to,
   * edited, resolved, reopened). Sent only to sockets whose person may see the thread.
   */
  "comments.thread": (payload: { sectionId: string; thread: ThreadView }) => void;
  /** To the person only: their unread count now, and the notification that just arrived (if any). */
  "notifications.changed": (payload: { unread: number; notification: NotificationView | null }) => void;
}

export interface ClientToServerEvents {
  /** Join the rooms of one or more workspaces; the ack says, per id, whether it was allowed. */
  "workspace:join": (workspaceIds: string[], ack: (result: JoinAck) => void) => void;
  "workspace:leave": (workspaceIds: string[], ack: (result: Ack) => void) => void;
  "section:join": (sectionId: string, ack: (result: Ack<{ workspaceId: string }>) => void) => void;
  /** Join an agenda's room (its "agenda.changed" events) when the policy lets the person see the agenda. */
  "agenda:join": (agendaId: string, ack: (result: Ack) => void) => void;
  "agenda:leave": (agendaId: string, ack: (result: Ack) => void) => void;
  "section:leave": (sectionId: string, ack: (result: Ack) => void) => void;
  /**
   * Show this tab as present in a workspace (optionally in one of its sections); `sectionId: null`
   * means "in the workspace, no section open". The ack carries the workspace's presence now.
   */
  "presence:enter": (
    where: { workspaceId: string; sectionId: string | null },
    ack: (result: Ack<{ presence: PresencePayload }>) => void,
  ) => void;
  "presence:leave": (where: { workspaceId: string }, ack: (result: Ack) => void) => void;
}

/** The live events that may make a page's data stale (what useLiveRevalidate listens to). */
export const LIVE_EVENTS = [
  "section.changed",
  "section.created",
  "section.deleted",
  "workspace.changed",
  "membership.changed",
  "access.lost",
] as const;

export const SOCKET_PATH = "/socket.io";
