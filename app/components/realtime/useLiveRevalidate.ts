/**
 * Reloads the page's loader data (Remix's useRevalidator) when something it shows changes elsewhere:
 * a section's status or title, a section added or removed, a workspace's details, a membership in
 * one of `workspaceIds`, or my own membership anywhere (a workspace may appear on my dashboard). Also
 * after a lost connection comes back, since events may have been missed meanwhile.
 */
import { useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
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
export const SETTLE_MS = 150;
/** How many times (each SETTLE_MS) a live reload waits for a page that is loading already. */
export const MAX_BUSY_WAITS = 20;

/**
 * One pending reload per page, whatever asked for it. A page may hold several listeners (the dashboard:
 * its own, the "waiting for me" panel's and the panel's notification listener), and one change
 * reaches several of them (a status change is a section event, a workspace event and a notification):
 * each used to start its own reload, so one live event loaded the page twice or three times. A reload
 * revalidates every loader of the page, so one is enough: every request in the settle window joins it.
 */
export interface Coalescer {
  /** Ask for a reload: it runs once, `settleMs` after the last request. */
  request(): void;
  /** Drop a pending reload (the page is gone). */
  cancel(): void;
}

export function createCoalescer(run: () => unknown, settleMs = SETTLE_MS): Coalescer {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The globals themselves, called plainly (a browser refuses setTimeout called on another object).
  return {
    request() {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        run();
      }, settleMs);
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** The page's coalescer, one per realtime client (the provider makes one client per page). */
const coalescers = new WeakMap<object, { coalescer: Coalescer; revalidate: { current: () => unknown }; busy: { current: () => boolean }; users: number }>();

/**
 * Ask for the page's one coalesced reload; returns a release for the hook's cleanup. While `busy`
 * says the page is loading already (the person's own form submission and the reload after it, or a
 * reload still under way), the live reload waits and asks again: started then, it would cut the other
 * load short (Remix aborts it, and that abort surfaced as an uncaught error on the page).
 */
export function pageReload(
  client: object,
  revalidate: { current: () => unknown },
  busy: { current: () => boolean } = { current: () => false },
): { request: () => void; release: () => void } {
  let entry = coalescers.get(client);
  if (!entry) {
    const holder = { current: revalidate.current };
    const busyHolder = { current: busy.current };
    let waited = 0;
    const coalescer: Coalescer = createCoalescer(() => {
      // Bounded: a page that seems to stay busy (a load that never settles) still gets its reload.
      if (busyHolder.current() && waited < MAX_BUSY_WAITS) {
        waited += 1;
        coalescer.request();
        return;
      }
      waited = 0;
      void quietly(() => holder.current());
    });
    const made = { coalescer, revalidate: holder, busy: busyHolder, users: 0 };
    coalescers.set(client, made);
    entry = made;
  }
  const e = entry;
  e.users += 1;
  return {
    request: () => {
      e.revalidate.current = revalidate.current;
      e.busy.current = busy.current;
      e.coalescer.request();
    },
    release: () => {
      // An unmounted component's state no longer changes: its "busy" must not hold the page's reload back.
      if (e.busy.current === busy.current) e.busy.current = () => false;
      e.users -= 1;
      // A listener whose list changed releases and asks again in the same commit: a reload pending
      // meanwhile is kept. Only a page that is really gone drops it.
      queueMicrotask(() => {
        if (e.users === 0 && coalescers.get(client) === e) {
          e.coalescer.cancel();
          coalescers.delete(client);
        }
      });
    },
  };
}

/** Whether the page is loading already: a navigation or form submission, or a reload, under way (read at call time). */
function usePageBusy(): { current: () => boolean } {
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const loading = useRef(false);
  loading.current = navigation.state !== "idle" || revalidator.state !== "idle";
  // One function for the page's life that reads the latest render's state when it is called.
  const [busy] = useState(() => ({ current: () => loading.current }));
  return busy;
}

/** A reload of the page's data that joins every other live reload asked for in the same moment. */
export function useCoalescedRevalidate(): (() => void) | null {
  const client = useRealtime()?.client;
  const revalidator = useRevalidator();
  const revalidate = useRef<() => unknown>(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const busy = usePageBusy();
  const [request, setRequest] = useState<(() => void) | null>(null);
  useEffect(() => {
    if (!client) return;
    const reload = pageReload(client, revalidate, busy);
    setRequest(() => reload.request);
    return () => {
      setRequest(null);
      reload.release();
    };
  }, [client, busy]);
  return request;
}

export function useLiveRevalidate(workspaceIds: readonly string[], agendaIds: readonly string[] = []): void {
  const client = useRealtime()?.client;
  const revalidator = useRevalidator();
  const revalidate = useRef<() => unknown>(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const busy = usePageBusy();
  const key = [...new Set(workspaceIds)].sort().join(",");
  const agendaKey = [...new Set(agendaIds)].sort().join(",");

  useEffect(() => {
    if (!client) return;
    const ids = new Set(key ? key.split(",") : []);
    const reload = pageReload(client, revalidate, busy);
    const soon = reload.request;
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
      reload.release();
      release();
      for (const r of releaseAgendas) r();
      offStatus();
      for (const off of offs) off();
    };
  }, [client, key, agendaKey, busy]);
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
