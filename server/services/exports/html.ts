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
import { decisionLine, draftMarker, formatDate, labelsFor, signoffLine, WATERMARK, type Agenda } from "./model";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** The app's typography (app/styles/app.css), and a print stylesheet: A4, page breaks before the annex. */
const style = `
:root { --ink: #1b1f24; --muted: #535a63; --blue: #154273; --line: #cfd6de;
  --font: "Segoe UI", "Noto Sans", "Liberation Sans", Roboto, "Helvetica Neue", Arial, sans-serif;
  --mono: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; }
body { font: 1.0625rem/1.6 var(--font); max-width: 70ch; margin: 2em auto; padding: 0 1em; color: var(--ink); }
h1, h2, h3, h4, h5, h6 { color: #0b2a4a; line-height: 1.25; }
h1 { font-size: 2rem; } h2 { font-size: 1.5rem; } h3 { font-size: 1.25rem; } h4 { font-size: 1.125rem; } h5, h6 { font-size: 1rem; }
a { color: #01689b; }
.title-page { min-height: 40vh; border-bottom: 2px solid var(--blue); margin-bottom: 2em; }
.status { font-style: italic; color: var(--muted); }
code, pre { font-family: var(--mono); font-size: .9em; }
.hash { font-size: 9pt; word-break: break-all; }
.draft-banner { border: 2px solid #b3261e; color: #b3261e; padding: .5em 1em; font-weight: bold; }
.watermark { position: fixed; top: 40%; left: 0; right: 0; text-align: center; font-size: 120px; color: rgba(180, 0, 0, .12);
  transform: rotate(-30deg); pointer-events: none; z-index: 10; }
blockquote { border-left: 3px solid var(--line); margin-left: 0; padding-left: 1em; color: var(--muted); }
table { border-collapse: collapse; margin: 1em 0; } td, th { border: 1px solid var(--line); padding: .25em .5em; text-align: left; vertical-align: top; }
@media print {
  @page { size: A4; margin: 2cm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  a { color: inherit; }
  h1, h2, h3, h4, h5, h6 { break-after: avoid; }
  table, blockquote, pre { break-inside: avoid; }
  .title-page { break-after: page; border: 0; }
  .annex { break-before: page; }
}
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

const h = (level: number, html: string, attrs = "") => `<h${Math.min(level, 6)}${attrs}>${html}</h${Math.min(level, 6)}>`;

export function agendaHtml(agenda: Agenda): string {
  const l = labelsFor(agenda.language);
  const e = escapeHtml;
  const parts: string[] = [];
  parts.push(
    "<!doctype html>",
    `<html lang="${agenda.language}">`,
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="Overleg">',
    `<title>${e(agenda.title)}${agenda.draft ? ` (${WATERMARK})` : ""}</title>`,
    `<style>${style}</style>`,
    "</head>",
    `<body${agenda.draft ? ' class="draft"' : ""}>`,
  );
  if (agenda.draft) parts.push(`<div class="watermark" aria-hidden="true">${WATERMARK}</div>`);
  parts.push(
    '<header class="title-page">',
    h(1, e(agenda.title)),
    `<p class="subtitle">${e(agenda.subtitle)}</p>`,
    `<p>${e(l.generated)} <time datetime="${agenda.generatedAt.toISOString()}">${e(formatDate(agenda.generatedAt, agenda.language))}</time></p>`,
  );
  if (agenda.draft) parts.push(`<p class="draft-banner" role="note">${e(draftMarker(agenda.language))}</p>`);
  parts.push("</header>", "<main>");
  for (const ws of agenda.workspaces) {
    parts.push(`<section class="workspace">`);
    if (ws.heading) parts.push(h(2, e(ws.title)));
    if (ws.description) parts.push(`<p class="description">${e(ws.description)}</p>`);
    for (const s of ws.sections) {
      parts.push(`<article class="section" data-section-id="${e(s.id)}">`, h(s.level, e(s.title)));
      if (s.statusLabel) parts.push(`<p class="status">${e(s.statusLabel)}</p>`);
      parts.push(`<div class="text">${sectionTextHtml(s.node, s.id)}</div>`, "</article>");
    }
    parts.push("</section>");
  }
  parts.push("</main>");
  if (agenda.approvalsAnnex !== false) {
    parts.push(`<section class="annex">`, h(2, e(l.annex)));
    for (const ws of agenda.workspaces) {
      for (const s of ws.sections) {
        parts.push(h(3, `${e(ws.title)}: ${e(s.title)}`), `<p>${e(l.hash)}: <code class="hash">${e(s.contentHash)}</code></p>`, `<p>${e(l.approvals)}:</p><ul>`);
        if (s.decisions.length === 0) parts.push(`<li>${e(l.noApprovals)}</li>`);
        for (const d of s.decisions) parts.push(`<li>${e(decisionLine(d, agenda.language))}</li>`);
        parts.push("</ul>");
        if (s.signoffs.length === 0) parts.push(`<p>${e(l.noSignoff)}</p>`);
        for (const so of s.signoffs) parts.push(`<p>${e(signoffLine(so, agenda.language))}</p>`);
      }
    }
    parts.push("</section>");
  }
  parts.push("</body>", "</html>");
  return parts.join("\n");
}
