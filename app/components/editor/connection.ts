/**
 * The live editor's connection state and what the collab server's close codes mean for it.
 * Pure (no DOM, no Yjs), shared by the editor shell and its browser-only part.
 */
import { CloseCode } from "../../shared/collab";

/** Why the editor stopped talking to the server for good (until the person acts). */
export type StopReason = "signedOut" | "forbidden" | "notFound" | "archived" | "tooLarge" | "rateLimited" | "malformed" | "refused" | "failed";

export type Connection =
  /** The editor's code is still loading. */
  | { kind: "loading" }
  /** Opening the WebSocket. */
  | { kind: "connecting" }
  /** Connected; waiting for the server's copy of the text. */
  | { kind: "syncing" }
  /** Connected and in step with the server. */
  | { kind: "connected" }
  /** No connection (lost or never made); retrying. Local changes are kept on this device. */
  | { kind: "offline" }
  /** The server went away (restart) or could not store a change; reconnecting. */
  | { kind: "reconnecting"; cause: "goingAway" | "storageFailed" }
  /** The server closed the connection and reconnecting would not help. */
  | { kind: "stopped"; reason: StopReason };

/**
 * What a close code from the server means: null when reconnecting may help (network trouble,
 * restarts, storage failures), else the reason to stop.
 */
export function stopReasonForClose(code: number): StopReason | null {
  switch (code) {
    case CloseCode.Unauthorized:
      return "signedOut";
    case CloseCode.Forbidden:
      return "forbidden";
    case CloseCode.NotFound:
      return "notFound";
    case CloseCode.Archived:
      return "archived";
    case CloseCode.TooLarge:
      return "tooLarge";
    case CloseCode.RateLimited:
      return "rateLimited";
    case CloseCode.Malformed:
      return "malformed";
    default:
      // 4400–4499 mirror HTTP 4xx: the server decided; other codes are transient.
      return code >= 4400 && code < 4500 ? "refused" : null;
  }
}

/** The state after the connection closed with `code` (null: closed by this side, e.g. offline). */
export function stateAfterClose(code: number | null): Connection {
  if (code === null) return { kind: "offline" };
  const reason = stopReasonForClose(code);
  if (reason) return { kind: "stopped", reason };
  if (code === CloseCode.GoingAway) return { kind: "reconnecting", cause: "goingAway" };
  if (code === CloseCode.StorageFailed) return { kind: "reconnecting", cause: "storageFailed" };
  return { kind: "offline" };
}

/**
 * The browser cannot see the HTTP status of a refused WebSocket upgrade (it only sees 1006), so after
 * repeated failures the editor asks the JSON API about the section: its error status says whether the
 * session, the access or the section is gone. Anything else (network errors, non-JSON) means "keep trying".
 */
export function stopReasonForProbe(status: number, body: unknown): StopReason | null {
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
  if (typeof code !== "string") return null;
  if (status === 401) return "signedOut";
  if (status === 403) return "forbidden";
  if (status === 404) return "notFound";
  return null;
}

/** Stop reasons after which the person may simply try again. */
export function canRetry(reason: StopReason): boolean {
  return reason === "tooLarge" || reason === "rateLimited" || reason === "malformed" || reason === "refused" || reason === "failed";
}

/** Stop reasons after which the text must not be edited any more in this page. */
export function blocksEditing(reason: StopReason): boolean {
  return reason === "signedOut" || reason === "forbidden" || reason === "notFound" || reason === "archived";
}
