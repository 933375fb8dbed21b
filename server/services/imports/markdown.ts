/**
 * Markdown into a section (ADR 030): markdown-it (CommonMark with GitHub's tables and strikethrough,
 * raw HTML off, so any HTML in the file stays text) writes XHTML, which the shared builder reads.
 */
import MarkdownIt from "markdown-it";
import { refuse } from "./errors";
import { buildDocument, type Built } from "./tree";
import { htmlTree } from "./xml";

const md = new MarkdownIt("default", { html: false, xhtmlOut: true, linkify: false, typographer: false });

export function readMarkdown(data: Uint8Array): Built {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    throw refuse("import_unreadable", "The file is not Markdown: it is not text in UTF-8.");
  }
  // eslint-disable-next-line no-control-regex
  if (/\u0000/.test(text)) throw refuse("import_unreadable", "The file is not Markdown: it holds binary data.");
  return buildDocument(htmlTree(md.render(text.replace(/^\ufeff/, "")), "Markdown"));
}
