/**
 * Exporting the agenda (or one workspace of it) as PDF, ODT, DOCX, HTML or Markdown, by anyone who may see
 * it; an export of text that is not yet final or published is marked CONCEPT on every page. Every
 * export is audited. Not on runCommand: the reading and rendering come first (the view checks who
 * may see what), then a transaction that only writes the audit entry.
 */
import { z } from "zod";
import { todayInNetherlands } from "../../app/shared/dates";
import { EXPORT_FORMATS, type ExportFormat } from "../../app/shared/exports";
import { appendAudit } from "../services/audit";
import { parseInput } from "../services/errors";
import { agendaHtml } from "../services/exports/html";
import { agendaMarkdown } from "../services/exports/markdown";
import type { Agenda } from "../services/exports/model";
import { buildAgenda, type BuildAgendaProps } from "../views/agenda";
import type { CommandDeps } from "./run";

export { EXPORT_FORMATS, type ExportFormat };
export const exportFormatSchema = z.enum(EXPORT_FORMATS, { message: "Choose pdf, odt, docx, html or md." });

export interface ExportAgendaProps extends BuildAgendaProps {
  format: ExportFormat;
}

export interface ExportFile {
  body: Buffer;
  contentType: string;
  filename: string;
  draft: boolean;
}

/** The agenda model (or a document built on it, as the consultation annex is) rendered in one format. */
export async function renderAgenda(agenda: Agenda, format: ExportFormat): Promise<{ body: Buffer; contentType: string }> {
  switch (format) {
    // docx, pdfkit and its fonts (about 30 MB) and the ODT writer are loaded with the first export of
    // their format, not at start.
    case "docx":
      return { body: await (await import("../services/exports/docx")).agendaDocx(agenda), contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" };
    case "odt": {
      const { agendaOdt, ODT_MIME } = await import("../services/exports/odt");
      return { body: agendaOdt(agenda), contentType: ODT_MIME };
    }
    case "pdf":
      return { body: await (await import("../services/exports/pdf")).agendaPdf(agenda), contentType: "application/pdf" };
    case "html":
      return { body: Buffer.from(agendaHtml(agenda), "utf8"), contentType: "text/html; charset=utf-8" };
    case "md":
      return { body: Buffer.from(agendaMarkdown(agenda), "utf8"), contentType: "text/markdown; charset=utf-8" };
  }
}

/** Renders the agenda in one format and records the export in the audit trail. */
export async function exportAgenda(deps: CommandDeps, props: ExportAgendaProps): Promise<ExportFile> {
  const { database } = deps;
  const format = parseInput(exportFormatSchema, props.format, { field: "format" });
  const agenda = await buildAgenda(database, props);
  const { body, contentType } = await renderAgenda(agenda, format);
  const sections = agenda.workspaces.flatMap((w) => w.sections.map((s) => ({ id: s.id, contentHash: s.contentHash, status: s.status })));
  await database.transaction(async (tx) => {
    await appendAudit(tx, {
      actorId: props.actor.id,
      action: "agenda.exported",
      subjectType: props.workspaceId ? "workspace" : "agenda",
      subjectId: props.workspaceId ?? props.agendaId ?? "agenda",
      workspaceId: props.workspaceId,
      data: { format, draft: agenda.draft, sections },
    });
  });
  const stamp = todayInNetherlands();
  const base = props.workspaceId ? `overleg-${props.workspaceId.slice(0, 8)}` : "overleg-actie-agenda";
  return { body, contentType, filename: `${base}-${stamp}${agenda.draft ? "-concept" : ""}.${format}`, draft: agenda.draft };
}

