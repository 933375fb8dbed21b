/**
 * `useActionData` that survives live revalidation. A page that revalidates on socket.io events
 * (useLiveRevalidate) would otherwise lose its action's confirmation or error the moment the change it
 * made comes back as an event: a revalidation that no form started clears the router's action data.
 * The result is kept for as long as the person stays on the location the action produced.
 * Every form action answers with the one shape of ./action-result.ts: `useActionResult<ActionResult>()`.
 */
import { useActionData, useLocation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

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

/**
 * A ref for a form that empties after each successful `intent` (a "create" form ready for the next).
 * Only a new result empties it: a live reload, or someone else's change arriving, never touches what
 * the person is typing (remounting the form on a changed key did, and a click then sent nothing).
 */
export function useResetAfterSuccess(result: { intent?: string; ok?: boolean } | undefined, intent: string) {
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (result?.intent === intent && result.ok) form.current?.reset();
  }, [result, intent]);
  return form;
}
