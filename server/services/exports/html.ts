/**
 * The agenda as one self-contained HTML file. Section texts are rendered by the editor's own
 * extensions (@tiptap/static-renderer, which escapes text and attributes and keeps the link
 * allow-list); everything else is escaped here. A Content-Security-Policy in the file forbids
 * scripts, so the file is inert wherever it is opened.
 */
import type { Node as PMNode } from "@tiptap/pm/model";
import { renderToHTMLString } from "@tiptap/static-renderer/pm/html-string";
import { documentExtensions } from "../../../app/shared/editor-extensions";
import { reportUnrenderable, UNRENDERABLE_TEXT } from "../../document";
import { decisionLine, formatDate, labelsFor, signoffLine, WATERMARK, type Agenda } from "./model";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const style = `
body { font: 11pt/1.5 Georgia, "Times New Roman", serif; max-width: 46em; margin: 2em auto; padding: 0 1em; color: #1a1a1a; }
h1, h2, h3 { font-family: Helvetica, Arial, sans-serif; color: #154273; }
.title-page { min-height: 60vh; border-bottom: 2px solid #154273; margin-bottom: 2em; }
.status { font-style: italic; color: #555; }
.hash { font-family: monospace; font-size: 9pt; word-break: break-all; }
.draft-banner { border: 2px solid #b00; color: #b00; padding: .5em 1em; font-weight: bold; }
.watermark { position: fixed; top: 40%; left: 0; right: 0; text-align: center; font-size: 120px; color: rgba(180, 0, 0, .12);
  transform: rotate(-30deg); pointer-events: none; font-family: Helvetica, Arial, sans-serif; z-index: 10; }
table { border-collapse: collapse; } td, th { border: 1px solid #999; padding: .2em .5em; }
`;

/**
 * A section's text (see toProseMirror) as HTML, for the section's page and the HTML export. Never
 * throws: should the renderer fail on the whole, each top-level block is rendered on its own and a
 * block it fails on is shown as a placeholder (and reported).
 */
export function sectionTextHtml(node: PMNode, sectionId: string): string {
  const extensions = documentExtensions();
  try {
    return renderToHTMLString({ content: node, extensions });
  } catch (error) {
    reportUnrenderable(sectionId, "html", String(error));
    const parts: string[] = [];
    node.forEach((block) => {
      try {
        parts.push(renderToHTMLString({ content: node.type.create(null, block), extensions }));
      } catch {
        parts.push(`<p class="unrenderable">${escapeHtml(UNRENDERABLE_TEXT)}</p>`);
      }
    });
    return parts.join("");
  }
}

export function agendaHtml(agenda: Agenda): string {
  const l = labelsFor(agenda.locale);
  const e = escapeHtml;
  const parts: string[] = [];
  parts.push(
    "<!doctype html>",
    `<html lang="${agenda.locale}">`,
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${e(agenda.title)}${agenda.draft ? ` (${WATERMARK})` : ""}</title>`,
    `<style>${style}</style>`,
    "</head>",
    `<body${agenda.draft ? ' class="draft"' : ""}>`,
  );
  if (agenda.draft) parts.push(`<div class="watermark" aria-hidden="true">${WATERMARK}</div>`, `<p class="draft-banner">${e(l.draft)}</p>`);
  parts.push(
    '<section class="title-page">',
    `<h1>${e(agenda.title)}</h1>`,
    `<p>${e(agenda.subtitle)}</p>`,
    `<p>${e(l.generated)} ${e(formatDate(agenda.generatedAt, agenda.locale))}</p>`,
    "</section>",
  );
  for (const ws of agenda.workspaces) {
    parts.push(`<section class="workspace"><h2>${e(ws.title)}</h2>`);
    if (ws.description) parts.push(`<p>${e(ws.description)}</p>`);
    for (const s of ws.sections) {
      parts.push(
        `<article class="section" data-section-id="${e(s.id)}">`,
        `<h3>${e(s.title)}</h3>`,
        `<p class="status">${e(l.status[s.status])}</p>`,
        `<div class="text">${sectionTextHtml(s.node, s.id)}</div>`,
        "</article>",
      );
    }
    parts.push("</section>");
  }
  parts.push(`<section class="annex"><h2>${e(l.annex)}</h2>`);
  for (const ws of agenda.workspaces) {
    for (const s of ws.sections) {
      parts.push(`<h3>${e(ws.title)}: ${e(s.title)}</h3>`, `<p>${e(l.hash)}: <span class="hash">${e(s.contentHash)}</span></p>`, `<p>${e(l.approvals)}:</p><ul>`);
      if (s.decisions.length === 0) parts.push(`<li>${e(l.noApprovals)}</li>`);
      for (const d of s.decisions) parts.push(`<li>${e(decisionLine(d, agenda.locale))}</li>`);
      parts.push("</ul>");
      if (s.signoffs.length === 0) parts.push(`<p>${e(l.noSignoff)}</p>`);
      for (const so of s.signoffs) parts.push(`<p>${e(signoffLine(so, agenda.locale))}</p>`);
    }
  }
  parts.push("</section>", "</body>", "</html>");
  return parts.join("\n");
}
