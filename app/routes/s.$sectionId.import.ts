/**
 * Importing a file into a section (a resource route; ADR 030).
 *
 *   POST /s/<id>/import   multipart/form-data { file }   → { sectionId, versionId, beforeVersionId, format }
 *
 * Refusals as `{ error: { code, message, field? } }` (import_too_large 413, import_unsupported,
 * import_unreadable, import_encrypted, import_empty 400; 403 when the person may not; nothing changed).
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { importIntoSection } from "../../server/commands/sectionImport";
import { answerJson, jsonError } from "~/components/comments/http.server";
import { readUpload } from "~/components/imports/upload.server";

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { services } = context;
  const actor = await services.actorFromHeaders(request.headers);
  if (!actor) return jsonError(401, "unauthorized", "Sign in first: this request carries no valid session.");
  return answerJson(async () => {
    const { file } = await readUpload(request);
    return importIntoSection(services, { actor, sectionId: params.sectionId ?? "", file });
  });
}
