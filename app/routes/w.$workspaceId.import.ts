/**
 * Importing a file as a new section of a workspace (a resource route; ADR 030).
 *
 *   POST /w/<id>/import   multipart/form-data { file, title?, split?: "1", preview?: "1" }
 *     → { sectionId, sectionIds, format, sections: [{ title, characters }] }
 *
 * `split`: one section per top-level heading of the file; `preview`: only the sections it would add,
 * nothing written. Refusals as in /s/<id>/import; only the workspace's owners add sections.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { importAsNewSection } from "../../server/commands/sectionImport";
import { answerJson, jsonError } from "~/components/comments/http.server";
import { readUpload } from "~/components/imports/upload.server";

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { services } = context;
  const actor = await services.actorFromHeaders(request.headers);
  if (!actor) return jsonError(401, "unauthorized", "Sign in first: this request carries no valid session.");
  return answerJson(async () => {
    const { file, title, flags } = await readUpload(request);
    return importAsNewSection(services, { actor, workspaceId: params.workspaceId ?? "", title, file, split: flags.split, preview: flags.preview });
  });
}
