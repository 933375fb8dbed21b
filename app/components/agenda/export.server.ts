/** The export download both addresses share (/a/:agendaId/export, and the old /agenda/export). */
import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { idSchema } from "~/shared/ids";
import { BAD_REQUEST, CommandError } from "../../../server/errors";
import { exportAgenda, exportFormatSchema } from "../../../server/commands/agendaExport";
import { requireAgenda } from "../../../server/views/agendas";
import { errorResponse, guard, requireActor } from "~/utils/auth.server";

const Query = z.object({ format: exportFormatSchema, workspace: idSchema.nullable() });

/** The file for `agendaId` (null: the workspace named in the query, whatever its agenda), or the refusal. */
export async function exportResponse(request: Request, context: AppLoadContext, agendaId: string | null): Promise<Response> {
  const actor = await requireActor(request, context);
  const url = new URL(request.url);
  const query = Query.safeParse({ format: url.searchParams.get("format"), workspace: url.searchParams.get("workspace") });
  if (!query.success) throw errorResponse(400, BAD_REQUEST, "Choose a format: docx, pdf, html or md.");
  try {
    if (agendaId !== null) await guard(() => requireAgenda(context.services.database, actor, agendaId));
    const file = await guard(() =>
      exportAgenda(context.services, {
        actor,
        workspaceId: query.data.workspace,
        ...(agendaId !== null ? { agendaId } : {}),
        format: query.data.format,
      }),
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
