/**
 * What the collab server and the browser agree on besides the y-websocket protocol itself:
 * the endpoint, close codes (4000–4999 are application codes) and limits.
 */
export const COLLAB_PATH = "/collab";

export const CloseCode = {
  /** Server shutting down or restarting; reconnect. */
  GoingAway: 1001,
  /** The message could not be decoded. */
  Malformed: 4400,
  /** No session, or the session expired / was revoked. */
  Unauthorized: 4401,
  /** Access to this section was withdrawn, or a read-only client kept sending changes. */
  Forbidden: 4403,
  /** The section no longer exists. */
  NotFound: 4404,
  /**
   * A change that is not a suggestion in its sender's own name, from someone who may only suggest, or
   * a suggestion an editor made in someone else's name (ADR 027): not stored; the editor starts again
   * from the saved text.
   */
  NotASuggestion: 4422,
  /** An owner archived the section: it can be read on its page, no longer edited. */
  Archived: 4410,
  /** The section moved to another workspace; reconnect (access is checked again for the new one). */
  Moved: 4300,
  /** A message or the document exceeded a limit. */
  TooLarge: 4413,
  /** Too many messages per second, or too many open connections for this person. */
  RateLimited: 4429,
  /** The server could not store an update; the client keeps it and retries on reconnect. */
  StorageFailed: 4503,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export const CollabLimits = {
  /** Largest single WebSocket message accepted (bytes). */
  maxMessageBytes: 2 * 1024 * 1024,
  /** Largest encoded document state accepted (bytes). */
  maxDocumentBytes: 16 * 1024 * 1024,
  /** Messages per second per connection (sustained), with this burst. */
  messagesPerSecond: 200,
  messageBurst: 400,
  /** Open collab connections per person across all sections. */
  connectionsPerPerson: 50,
  /** Largest awareness message accepted (bytes); a bigger one closes the connection with TooLarge. */
  maxAwarenessBytes: 32 * 1024,
  /** Awareness client ids one connection may own (one per Y.Doc; a tab normally has one). */
  awarenessClientsPerConnection: 4,
  /** Refused changes a read-only connection may send before it is closed with Forbidden. */
  maxRefusedChanges: 3,
} as const;
export type CollabLimits = { [K in keyof typeof CollabLimits]: number };

/** Message types of the y-websocket protocol (first varUint of every frame). */
/** The stateless channel's message type (server/collab/protocol.ts): a string payload outside the document. */
export const MessageStateless = 5;

export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
} as const;

/**
 * The reason the server sends in a y-protocols auth "permission denied" message (messageAuth), when it
 * refuses a change: the connection may read but not write. Stable codes; the browser translates them.
 */
export const DeniedReason = {
  /** The person's role (viewer, commenter) does not allow editing. */
  ReadOnly: "read-only",
  /** The section is final (locked): nobody edits it. */
  Locked: "locked",
} as const;
export type DeniedReason = (typeof DeniedReason)[keyof typeof DeniedReason];

/**
 * The `user` field of every awareness state as other clients see it. The server writes it from the
 * session; whatever a client puts there itself is overwritten.
 */
export interface AwarenessUser {
  id: string;
  name: string;
  /** The organisation's short code (e.g. "KGG"), or its name when it has none. */
  organisation: string | null;
  organisationName: string | null;
  /** The organisation's colour (see organisationColour). */
  color: string;
}

const ORGANISATION_PALETTE = [
  "#1f6feb",
  "#b35900",
  "#8250df",
  "#1a7f37",
  "#cf222e",
  "#0a7ea4",
  "#9a6700",
  "#bf3989",
  "#116329",
  "#6e40c9",
];

/** A stable, readable colour for an organisation (by its short code or id): carets and avatars. */
export function organisationColour(key: string | null): string {
  if (!key) return "#57606a";
  let h = 0;
  for (let i = 0; i < key.length; i++)
    h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  return ORGANISATION_PALETTE[Math.abs(h) % ORGANISATION_PALETTE.length];
}
