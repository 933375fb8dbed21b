/** The agenda as Markdown: the section texts as the editor's Markdown, ranked below their titles, then the annex. */
import { decisionLine, draftMarker, formatDate, labelsFor, signoffLine, type Agenda } from "./model";

const escapeLine = (text: string) => text.replace(/([\\`*_[\]#<>|])/g, "\\$1").replace(/\n/g, " ");
const heading = (level: number, text: string) => `${"#".repeat(Math.min(level, 6))} ${escapeLine(text)}`;

export function agendaMarkdown(agenda: Agenda): string {
  const l = labelsFor(agenda.language);
  const out: string[] = [];
  out.push(heading(1, agenda.title), "", escapeLine(agenda.subtitle), "", `${l.generated} ${formatDate(agenda.generatedAt, agenda.language)}`, "");
  if (agenda.draft) out.push(`> **${escapeLine(draftMarker(agenda.language))}**`, "");
  for (const ws of agenda.workspaces) {
    if (ws.heading) out.push(heading(2, ws.title), "");
    if (ws.description) out.push(escapeLine(ws.description), "");
    for (const s of ws.sections) {
      out.push(heading(s.level, s.title), "");
      if (s.statusLabel) out.push(`*${escapeLine(s.statusLabel)}*`, "");
      if (s.markdown.trim()) out.push(s.markdown.trim(), "");
    }
  }
  if (agenda.approvalsAnnex !== false) {
    out.push(heading(2, l.annex), "");
    for (const ws of agenda.workspaces) {
      for (const s of ws.sections) {
        out.push(heading(3, `${ws.title}: ${s.title}`), "", `- ${l.hash}: \`${s.contentHash}\``);
        out.push(`- ${l.approvals}:`);
        if (s.decisions.length === 0) out.push(`  - ${l.noApprovals}`);
        for (const d of s.decisions) out.push(`  - ${escapeLine(decisionLine(d, agenda.language))}`);
        if (s.signoffs.length === 0) out.push(`- ${l.noSignoff}`);
        for (const so of s.signoffs) out.push(`- ${escapeLine(signoffLine(so, agenda.language))}`);
        out.push("");
      }
    }
  }
  return `${out.join("\n").trim()}\n`;
}
