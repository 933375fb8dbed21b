import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportResponse } from "~/components/agenda/export.server";

/** Downloads one agenda (or one workspace of it): /a/<agendaId>/export?format=docx|pdf|html|md[&workspace=<id>]. Audited. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return exportResponse(request, context, params.agendaId ?? "");
}
