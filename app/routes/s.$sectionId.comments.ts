/**
 * The comment threads of one section, as JSON for the comments column (a resource route).
 *
 *   GET  /s/<id>/comments                 → SectionComments (only the threads I may see)
 *   POST /s/<id>/comments  {intent, …}    → { thread } as I see it after the change
 *
 * Intents: "create" (sectionId taken from the path), "reply", "edit", "delete", "resolve",
 * "reopen", "confirm", "assign" ({ threadId, assignee: { userId } | { organisationId } | null, dueDate? }). Only JSON bodies are accepted (a cross-site form cannot send them).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { deleteComment } from "../../server/commands/commentDelete";
import { assignThread } from "../../server/commands/threadAssign";
import { editComment } from "../../server/commands/commentEdit";
import { confirmResolution } from "../../server/commands/threadConfirmResolution";
import { createThread } from "../../server/commands/threadCreate";
import { reopenThread } from "../../server/commands/threadReopen";
import { reply } from "../../server/commands/threadReply";
import { resolveThread } from "../../server/commands/threadResolve";
import { sectionComments, threadView } from "../../server/views/comments";
import { answerJson, jsonError } from "~/components/comments/http.server";

const SIGNED_OUT = "Sign in first: this request carries no valid session.";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const actor = await context.services.actorFromHeaders(request.headers);
  if (!actor) return jsonError(401, "unauthorized", SIGNED_OUT);
  return answerJson(() => sectionComments(context.services.database, actor, params.sectionId ?? ""));
}

const commands = {
  create: createThread,
  reply,
  edit: editComment,
  delete: deleteComment,
  resolve: resolveThread,
  reopen: reopenThread,
  confirm: confirmResolution,
  assign: assignThread,
} as const;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { services } = context;
  const actor = await services.actorFromHeaders(request.headers);
  if (!actor) return jsonError(401, "unauthorized", SIGNED_OUT);
  if (request.method !== "POST") return jsonError(405, "method_not_allowed", "Use POST.");
  if (!(request.headers.get("content-type") ?? "").startsWith("application/json")) {
    return jsonError(415, "unsupported_media_type", "Send the request as application/json.");
  }
  let payload: unknown;
  try {
    payload = await request.json();
  } catch {
    return jsonError(400, "bad_request", "The body is not JSON.");
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return jsonError(400, "bad_request", "Send a JSON object.");
  const { intent, ...input } = payload as Record<string, unknown>;
  if (typeof intent !== "string" || !Object.hasOwn(commands, intent)) {
    return jsonError(400, "bad_request", `intent: must be one of ${Object.keys(commands).join(", ")}`, "intent");
  }
  const name = intent as keyof typeof commands;
  return answerJson(async () => {
    const deps = { database: services.database, events: services.events };
    const args = name === "create" ? { ...input, sectionId: params.sectionId ?? "" } : input;
    const { threadId } = await commands[name](deps, actor, args);
    return { thread: await threadView(services.database, actor, threadId) };
  });
}
