import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { firstAgendaFor } from "../../server/views/agendas";
import { errorResponse, requireActor } from "~/utils/auth.server";

/** The old one-agenda address: leads to the first agenda the reader may see (/a/:agendaId). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const first = await firstAgendaFor(context.services.database, actor);
  if (!first) throw errorResponse(404, "not_found", "There is no agenda for you to see.");
  return redirect(`/a/${first.id}`);
}
