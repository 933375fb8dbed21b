/**
 * Workspace presence: who is in a workspace now and in which of its sections. It is read from the
 * sockets themselves (`fetchSockets` on the workspace's room, which with the Redis adapter asks every
 * node), so there is no second copy to drift; a person with several tabs is one entry.
 */
import type { PresencePayload, PersonInWorkspace } from "../../app/shared/realtime";
import type { Logger } from "../log";
import { rooms, type RealtimeServer } from "./types";

export interface PresenceTracker {
  /** Who is present in the workspace now. */
  of(workspaceId: string): Promise<PresencePayload>;
  /** Sends the workspace's presence to its room soon; calls in quick succession send once. */
  refresh(workspaceId: string): void;
  /** Resolves when no refresh is pending. */
  idle(): Promise<void>;
}

export function createPresence(io: RealtimeServer, log: Logger, closing: () => boolean): PresenceTracker {
  async function of(workspaceId: string): Promise<PresencePayload> {
    const sockets = await io.in(rooms.workspace(workspaceId)).fetchSockets();
    const people = new Map<string, PersonInWorkspace & { sections: Set<string> }>();
    for (const socket of sockets) {
      const { user, presence } = socket.data ?? {};
      if (!user || !presence || !Object.hasOwn(presence, workspaceId)) continue;
      let person = people.get(user.id);
      if (!person) {
        person = {
          userId: user.id,
          name: user.name,
          organisationName: user.organisationName,
          organisationShortCode: user.organisationShortCode,
          sectionIds: [],
          sections: new Set(),
        };
        people.set(user.id, person);
      }
      const sectionId = presence[workspaceId];
      if (sectionId) person.sections.add(sectionId);
    }
    return {
      workspaceId,
      people: [...people.values()]
        .map(({ sections, ...person }) => ({ ...person, sectionIds: [...sections].sort() }))
        .sort((a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId)),
    };
  }

  // One refresh at a time per workspace, so a slow query never overwrites a newer list; requests
  // that arrive while one is queued are served by it.
  const queued = new Set<string>();
  const chains = new Map<string, Promise<void>>();

  function refresh(workspaceId: string): void {
    if (closing() || queued.has(workspaceId)) return;
    queued.add(workspaceId);
    const previous = chains.get(workspaceId) ?? Promise.resolve();
    const next = previous.then(async () => {
      queued.delete(workspaceId);
      if (closing()) return;
      try {
        const payload = await of(workspaceId);
        io.to(rooms.workspace(workspaceId)).emit("presence", payload);
      } catch (error) {
        log.warn("could not send presence", { workspaceId, error: String(error) });
      }
    });
    chains.set(workspaceId, next);
    void next.finally(() => {
      if (chains.get(workspaceId) === next) chains.delete(workspaceId);
    });
  }

  return {
    of,
    refresh,
    async idle() {
      await Promise.allSettled([...chains.values()]);
    },
  };
}
