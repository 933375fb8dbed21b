/** GET /notifications/unread → { unread }: my unread count (for the header's bell). */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { unreadCount } from "../../server/services/notifications";
import { jsonError } from "~/components/comments/http.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await context.services.actorFromHeaders(request.headers);
  if (!actor) return jsonError(401, "unauthorized", "Sign in first: this request carries no valid session.");
  return Response.json({ unread: await unreadCount(context.services.database, actor) }, { headers: { "cache-control": "no-store" } });
}
