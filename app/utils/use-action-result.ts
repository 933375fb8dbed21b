/**
 * `useActionData` that survives live revalidation. A page that revalidates on socket.io events
 * (useLiveRevalidate) would otherwise lose its action's confirmation or error the moment the change it
 * made comes back as an event: a revalidation that no form started clears the router's action data.
 * The result is kept for as long as the person stays on the location the action produced.
 * Every form action answers with the one shape of ./action-result.ts: `useActionResult<ActionResult>()`.
 */
import { useActionData, useLocation } from "@remix-run/react";
import { useEffect, useState } from "react";

export function useActionResult<T>(): T | undefined {
  const data = useActionData() as T | undefined;
  const { key } = useLocation();
  const [kept, setKept] = useState<{ key: string; data: T }>();
  useEffect(() => {
    if (data !== undefined) setKept({ key, data });
  }, [data, key]);
  if (data !== undefined) return data;
  return kept?.key === key ? kept.data : undefined;
}
