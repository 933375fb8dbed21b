/**
 * The live editor's connection state and what the collab server's close codes mean for it.
 * Pure (no DOM, no Yjs), shared by the editor shell and its browser-only part.
 */
import { CloseCode } from "../../shared/collab";

/** Why the editor stopped talking to the server for good (until the person acts). */
export type StopReason = "signedOut" | "forbidden" | "notFound" | "tooLarge" | "rateLimited" | "malformed" | "refused" | "failed";

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
  return reason === "signedOut" || reason === "forbidden" || reason === "notFound";
}

/** Up to two initials of a name, for an avatar. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return "?";
  const first = parts[0][0] ?? "";
  const last = parts.length > 1 ? (parts[parts.length - 1][0] ?? "") : "";
  return (first + last).toUpperCase();
}

/** Who is present in an awareness state map, one entry per person (the first client seen wins). */
export interface Presence {
  key: string;
  id: string | null;
  name: string;
  organisation: string | null;
  color: string;
  self: boolean;
}

export function presenceFrom(states: Map<number, Record<string, unknown>>, selfClientId: number, selfUserId: string): Presence[] {
  const seen = new Map<string, Presence>();
  for (const [clientId, state] of states) {
    const user = state?.user as { id?: unknown; name?: unknown; organisation?: unknown; color?: unknown } | undefined;
    if (!user || typeof user.name !== "string" || !user.name) continue;
    const id = typeof user.id === "string" ? user.id : null;
    const key = id ?? `client-${clientId}`;
    const self = clientId === selfClientId || (id !== null && id === selfUserId);
    const existing = seen.get(key);
    if (existing) {
      existing.self ||= self;
      continue;
    }
    seen.set(key, {
      key,
      id,
      name: user.name,
      organisation: typeof user.organisation === "string" && user.organisation ? user.organisation : null,
      color: typeof user.color === "string" && /^#[0-9a-fA-F]{6}$/.test(user.color) ? user.color : "#57606a",
      self,
    });
  }
  // Me first, then the others by name.
  return [...seen.values()].sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
}

/**
 * A link target a person typed: http(s) and mailto only. A bare domain becomes https://, a bare
 * e-mail address mailto:. Returns null for anything else (javascript:, data:, relative paths…).
 */
export function normaliseLink(input: string): string | null {
  const value = input.trim();
  if (!value || /\s/.test(value)) return null;
  if (/^[^@/:]+@[^@/:]+\.[^@/:]+$/.test(value)) return `mailto:${value}`;
  const candidate = /^[a-z][a-z0-9+.-]*:/i.test(value) ? value : /^[\w-]+(\.[\w-]+)+([/?#].*)?$/.test(value) ? `https://${value}` : null;
  if (!candidate) return null;
  try {
    const url = new URL(candidate);
    if (url.protocol === "mailto:") return url.pathname.includes("@") ? candidate : null;
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return url.hostname ? url.toString() : null;
  } catch {
    return null;
  }
}
