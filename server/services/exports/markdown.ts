/** The agenda as Markdown: the section texts as the editor's Markdown, then the annex. */
import { decisionLine, formatDate, labelsFor, signoffLine, WATERMARK, type Agenda } from "./model";

const escapeLine = (text: string) => text.replace(/([\\`*_[\]#<>|])/g, "\\$1").replace(/\n/g, " ");

export function agendaMarkdown(agenda: Agenda): string {
  const l = labelsFor(agenda.locale);
  const out: string[] = [];
  if (agenda.draft) out.push(`> **${WATERMARK}**: ${escapeLine(l.draft)}`, "");
  out.push(`# ${escapeLine(agenda.title)}`, "", escapeLine(agenda.subtitle), "", `${l.generated} ${formatDate(agenda.generatedAt, agenda.locale)}`, "");
  for (const ws of agenda.workspaces) {
    out.push(`## ${escapeLine(ws.title)}`, "");
    if (ws.description) out.push(escapeLine(ws.description), "");
    for (const s of ws.sections) {
      out.push(`### ${escapeLine(s.title)}`, "", `*${l.status[s.status]}*`, "", s.markdown.trim(), "");
    }
  }
  out.push(`## ${l.annex}`, "");
  for (const ws of agenda.workspaces) {
    for (const s of ws.sections) {
      out.push(`### ${escapeLine(ws.title)}: ${escapeLine(s.title)}`, "", `- ${l.hash}: \`${s.contentHash}\``);
      out.push(`- ${l.approvals}:`);
      if (s.decisions.length === 0) out.push(`  - ${l.noApprovals}`);
      for (const d of s.decisions) out.push(`  - ${escapeLine(decisionLine(d, agenda.locale))}`);
      if (s.signoffs.length === 0) out.push(`- ${l.noSignoff}`);
      for (const so of s.signoffs) out.push(`- ${escapeLine(signoffLine(so, agenda.locale))}`);
      out.push("");
    }
  }
  return `${out.join("\n").trim()}\n`;
}
