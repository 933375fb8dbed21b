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
} as const;
