/**
 * Who has this section open in the editor: the people in the collab document's awareness states.
 * Pure (no DOM, no Yjs). Who is in the whole workspace comes from socket.io instead (../realtime).
 */

/** One person with this section open in the editor, as their awareness state says (set by the server from their session). */
export interface PersonInSection {
  key: string;
  id: string | null;
  name: string;
  organisation: string | null;
  color: string;
  self: boolean;
}

/** Who is present in an awareness state map, one entry per person (the first client seen wins); me first. */
export function presenceFrom(states: Map<number, Record<string, unknown>>, selfClientId: number, selfUserId: string): PersonInSection[] {
  const seen = new Map<string, PersonInSection>();
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
