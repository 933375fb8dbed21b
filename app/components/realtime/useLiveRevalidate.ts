/**
 * Reloads the page's loader data (Remix's useRevalidator) when something it shows changes elsewhere:
 * a section's status or title, a section added or removed, a workspace's details, a membership in
 * one of `workspaceIds`, or my own membership anywhere (a workspace may appear on my dashboard). Also
 * after a lost connection comes back, since events may have been missed meanwhile.
 */
import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { LIVE_EVENTS } from "../../shared/realtime";
import { useRealtime } from "./RealtimeProvider";

/**
 * Reloads the page's loader data. A reload cut short by a navigation or by a newer reload rejects with
 * an AbortError: that is no error for the page, so it is not left as an unhandled rejection.
 */
export function revalidateQuietly(revalidate: () => unknown): void {
  const result = revalidate();
  if (result instanceof Promise) {
    result.catch((error: unknown) => {
      if (!(error instanceof Error && error.name === "AbortError")) throw error;
    });
  }
}

/** Bursts of events (a review closing several sections) reload once. */
const SETTLE_MS = 150;

export function useLiveRevalidate(workspaceIds: readonly string[], agendaIds: readonly string[] = []): void {
  const client = useRealtime()?.client;
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const key = [...new Set(workspaceIds)].sort().join(",");
  const agendaKey = [...new Set(agendaIds)].sort().join(",");

  useEffect(() => {
    if (!client) return;
    const ids = new Set(key ? key.split(",") : []);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void quietly(() => revalidate.current()), SETTLE_MS);
    };
    const release = client.watchWorkspaces([...ids]);
    const offs = LIVE_EVENTS.map((event) =>
      client.on(event, (payload: { workspaceId: string; userId?: string }) => {
        const mine = event === "membership.changed" && payload.userId === client.me()?.userId;
        if (mine || ids.has(payload.workspaceId)) soon();
      }),
    );
    // An agenda's settings, owners or workspaces changed (also sent to people whose access changed with it).
    const agendas = new Set(agendaKey ? agendaKey.split(",") : []);
    const releaseAgendas = [...agendas].map((id) => client.watchAgenda(id));
    offs.push(client.on("agenda.changed", () => soon()));
    const offStatus = client.onStatus((status, resumed) => {
      if (status === "connected" && resumed) soon();
    });
    return () => {
      clearTimeout(timer);
      release();
      for (const r of releaseAgendas) r();
      offStatus();
      for (const off of offs) off();
    };
  }, [client, key, agendaKey]);
}

/**
 * A revalidation the person's own navigation overtook (they submitted a form meanwhile) is aborted;
 * the navigation loads the page anyway, so that is no error.
 */
export async function quietly(revalidate: () => unknown): Promise<void> {
  try {
    await revalidate();
  } catch (error) {
    if (!(error instanceof Error && error.name === "AbortError")) throw error;
  }
}
