import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { firstAgendaFor } from "../../server/views/agendas";
import { exportResponse } from "~/components/agenda/export.server";
import { errorResponse, requireActor } from "~/utils/auth.server";

/**
 * The old export address: with `workspace`, that workspace (in its agenda's language); without, it
 * leads to the first agenda's export (/a/<agendaId>/export), keeping the query.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  if (url.searchParams.get("workspace")) return exportResponse(request, context, null);
  const actor = await requireActor(request, context);
  const first = await firstAgendaFor(context.services.database, actor);
  if (!first) throw errorResponse(404, "not_found", "There is no agenda for you to see.");
  return redirect(`/a/${first.id}/export${url.search}`);
}
