import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { idSchema } from "../shared/ids";
import { BAD_REQUEST } from "../../server/errors";
import { CommandError } from "../../server/services/errors";
import { exportAgenda, exportFormatSchema } from "../../server/commands/agendaExport";
import { errorResponse, guard, requireActor } from "~/utils/auth.server";

const Query = z.object({ format: exportFormatSchema, workspace: idSchema.nullable() });

/** Downloads the agenda (or one workspace of it): /agenda/export?format=pdf|odt|docx|html|md[&workspace=<id>]. Audited. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const url = new URL(request.url);
  const query = Query.safeParse({ format: url.searchParams.get("format"), workspace: url.searchParams.get("workspace") });
  if (!query.success) throw errorResponse(400, BAD_REQUEST, "Choose a format: pdf, odt, docx, html or md.");
  try {
    const file = await guard(() =>
      exportAgenda(context.services, { actor, workspaceId: query.data.workspace, format: query.data.format }),
    );
    return new Response(new Uint8Array(file.body), {
      headers: {
        "Content-Type": file.contentType,
        "Content-Disposition": `attachment; filename="${file.filename}"`,
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
      },
    });
  } catch (error) {
    if (error instanceof CommandError) throw errorResponse(error.status, error.code, error.message);
    throw error;
  }
}
