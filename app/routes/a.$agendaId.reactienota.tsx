import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { idSchema } from "~/shared/ids";
import { BAD_REQUEST, CommandError } from "../../server/errors";
import { exportFormatSchema } from "../../server/commands/agendaExport";
import { exportConsultationAnnex } from "../../server/commands/consultationExport";
import { errorResponse, guard, requireActor } from "~/utils/auth.server";

const Query = z.object({ format: exportFormatSchema, organisation: idSchema });

/**
 * Downloads the consultation annex (reactienota) of one organisation: /a/<agendaId>/reactienota?organisation=<id>&format=docx|odt|pdf|html|md.
 * The command checks who may read each workspace's consultation record; audited.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const url = new URL(request.url);
  const query = Query.safeParse({ format: url.searchParams.get("format"), organisation: url.searchParams.get("organisation") });
  if (!query.success) throw errorResponse(400, BAD_REQUEST, "Choose an organisation and a format: docx, odt, pdf, html or md.");
  try {
    const file = await guard(() =>
      exportConsultationAnnex(context.services, { actor, agendaId: params.agendaId ?? "", organisationId: query.data.organisation, format: query.data.format }),
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
