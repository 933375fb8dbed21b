/**
 * The signed publication package of a published workspace (ADR 030): a ZIP with the PDF/A, ODT,
 * DOCX and HTML, `manifest.json` and its signature `manifest.sig`. Check it with
 * `npm run publication:verify -- <file.zip>` against the key at /.well-known/overleg-publication-key.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicationPackage } from "../../server/commands/publicationPackage";
import { CommandError } from "../../server/errors";
import { errorResponse, guard, requireActor } from "~/utils/auth.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  try {
    const file = await guard(() => publicationPackage(context.services, { actor, workspaceId: params.workspaceId ?? "" }));
    return new Response(new Uint8Array(file.body), {
      headers: {
        "Content-Type": "application/zip",
        "Content-Disposition": `attachment; filename="${file.filename}"`,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
      },
    });
  } catch (error) {
    if (error instanceof CommandError) throw errorResponse(error.status, error.code, error.message);
    throw error;
  }
}
