import type { LoaderFunctionArgs } from "@remix-run/node";
import { BAD_REQUEST } from "../../server/errors";
import { appendAudit } from "../../server/services/audit";
import { allAuditEvents, auditCsv, auditJson } from "../../server/services/audit-export";
import { todayInNetherlands } from "../shared/dates";
import { requireAdmin } from "~/utils/admin.server";
import { errorResponse } from "~/utils/auth.server";

/** The whole audit trail as a download: /admin/audit/export?format=csv|json (admins only; the download itself is audited). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireAdmin(request, context, "admin.audit");
  const format = new URL(request.url).searchParams.get("format");
  if (format !== "csv" && format !== "json") throw errorResponse(400, BAD_REQUEST, "Choose a format: csv or json.");
  const { database } = context.services;
  const rows = await allAuditEvents(database);
  await database.transaction((tx) =>
    appendAudit(tx, { actorId: actor.id, action: "audit.exported", subjectType: "audit", subjectId: "audit", data: { format, count: rows.length } }),
  );
  const body = format === "csv" ? auditCsv(rows) : auditJson(rows);
  const stamp = todayInNetherlands();
  return new Response(body, {
    headers: {
      "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="overleg-audit-${stamp}.${format}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
