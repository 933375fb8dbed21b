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

/** Bursts of events (a review closing several sections) reload once. */
const SETTLE_MS = 150;

export function useLiveRevalidate(workspaceIds: readonly string[]): void {
  const client = useRealtime()?.client;
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const key = [...new Set(workspaceIds)].sort().join(",");

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
    const offStatus = client.onStatus((status, resumed) => {
      if (status === "connected" && resumed) soon();
    });
    return () => {
      clearTimeout(timer);
      release();
      offStatus();
      for (const off of offs) off();
    };
  }, [client, key]);
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
