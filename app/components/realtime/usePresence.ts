/**
 * Who is in a workspace now, live: `const { people, status } = usePresence(workspaceId, sectionId)`.
 * While mounted, this tab is shown to the others as present there (in `sectionId` when given).
 */
import { useEffect, useState } from "react";
import type { ConnectionStatus } from "./client.client";
import type { PersonInWorkspace } from "../../shared/realtime";
import { useRealtime } from "./RealtimeProvider";

export interface PresenceState {
  /** Everyone present, one entry per person (this person included), sorted by name. */
  people: PersonInWorkspace[];
  /** "offline" before the connection exists (server render, signed out). */
  status: ConnectionStatus | "offline";
}

export function usePresence(workspaceId: string, sectionId?: string | null): PresenceState {
  const realtime = useRealtime();
  const client = realtime?.client;
  const [people, setPeople] = useState<PersonInWorkspace[]>([]);

  useEffect(() => {
    if (!client) return;
    setPeople(client.presence(workspaceId)?.people ?? []);
    const off = client.onPresence(workspaceId, (presence) => setPeople(presence.people));
    const release = client.enterPresence(workspaceId, sectionId ?? null);
    return () => {
      off();
      release();
      setPeople([]);
    };
  }, [client, workspaceId, sectionId]);

  return { people, status: realtime?.status ?? "offline" };
}
