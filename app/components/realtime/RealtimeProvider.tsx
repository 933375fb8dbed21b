/**
 * Live presence and live page data over socket.io, for signed-in pages.
 *
 * Usage (one provider per page, for signed-in people only; it opens the connection after hydration
 * and closes it on unmount, so nothing is shared between pages, tabs or server renders):
 *
 *   // app/root.tsx (around the <Outlet/>), with the signed-in user from the root loader:
 *   <RealtimeProvider userId={user?.id ?? null}>{children}</RealtimeProvider>
 *
 *   // The dashboard: reload its loader data when a section's status, a workspace or my membership
 *   // changes (also when I am added to a workspace that is not on the page yet):
 *   useLiveRevalidate(workspaces.map((w) => w.id));
 *
 *   // A workspace page: show who is here, and keep its data live:
 *   const { people } = usePresence(workspace.id);
 *   useLiveRevalidate([workspace.id]);
 *   <WorkspacePresence people={people} currentUserId={user.id} sectionTitles={{ [s.id]: s.title, … }} />
 *
 *   // A section page: present in this section (others see it on the workspace page):
 *   const { people } = usePresence(section.workspaceId, section.id);
 *
 *   // Anything else (e.g. comments): the client itself, null until connected in the browser:
 *   const realtime = useRealtime(); realtime?.client.on("section.changed", …)
 *
 * Everything the server sends comes from the session and the policy module: these hooks never
 * decide who may see what; they only ask to join rooms, and the server refuses what is not allowed.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { createRealtimeClient, type ConnectionStatus, type RealtimeClient } from "./client.client";

export interface RealtimeContextValue {
  client: RealtimeClient;
  status: ConnectionStatus;
}

const RealtimeContext = createContext<RealtimeContextValue | null>(null);

export function RealtimeProvider({ userId, url, children }: { userId: string | null; url?: string; children: ReactNode }) {
  const [value, setValue] = useState<RealtimeContextValue | null>(null);

  useEffect(() => {
    if (!userId) return;
    const client = createRealtimeClient({ url });
    setValue({ client, status: client.status() });
    const off = client.onStatus((status) => setValue({ client, status }));
    return () => {
      off();
      client.close();
      setValue(null);
    };
  }, [userId, url]);

  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

/** The page's realtime client and its status, or null (server render, signed out, before hydration). */
export function useRealtime(): RealtimeContextValue | null {
  return useContext(RealtimeContext);
}
