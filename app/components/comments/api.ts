/** The browser's calls to the comments resource route (/s/<id>/comments). */
import type { SectionComments, ThreadView } from "../../shared/comments";

export class CommentRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function parse<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => null)) as ({ error?: { code: string; message: string } } & T) | null;
  if (!res.ok || !body) throw new CommentRequestError(body?.error?.code ?? "unavailable", body?.error?.message ?? res.statusText, res.status);
  return body;
}

export async function loadComments(sectionId: string): Promise<SectionComments> {
  const res = await fetch(`/s/${encodeURIComponent(sectionId)}/comments`, { headers: { accept: "application/json" }, credentials: "same-origin" });
  return parse<SectionComments>(res);
}

export type Intent =
  | { intent: "create"; anchor: { start: string; end: string }; quote: string; visibility: "all" | "organisation"; body: string; mentions: string[] }
  | { intent: "reply"; threadId: string; body: string; mentions: string[] }
  | { intent: "edit"; commentId: string; body: string; mentions: string[] }
  | { intent: "delete"; commentId: string }
  | { intent: "resolve"; threadId: string }
  | { intent: "reopen"; threadId: string; body?: string; mentions?: string[] }
  | { intent: "confirm"; threadId: string }
  | { intent: "assign"; threadId: string; assignee: { userId: string } | { organisationId: string } | null; dueDate: string | null };

export async function sendIntent(sectionId: string, intent: Intent): Promise<ThreadView | null> {
  let res: Response;
  try {
    res = await fetch(`/s/${encodeURIComponent(sectionId)}/comments`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(intent),
    });
  } catch {
    throw new CommentRequestError("network", "network", 0);
  }
  return (await parse<{ thread: ThreadView | null }>(res)).thread;
}
