/**
 * A section's text on the server: building it (seed, restore), reading it as ProseMirror/Markdown,
 * and its content hash (what an approval binds to). The schema is the browser editor's own
 * (app/shared/editor-extensions.ts).
 */
import { createHash } from "node:crypto";
import type { Mark, Node as PMNode } from "@tiptap/pm/model";
import { prosemirrorJSONToYXmlFragment } from "@tiptap/y-tiptap";
import { MarkdownSerializer, defaultMarkdownSerializer } from "prosemirror-markdown";
import type * as Y from "yjs";
import { FRAGMENT } from "../app/shared/editor-extensions";
import { acceptedText } from "../app/shared/suggestions";
import { documentSchema, isSafeHref, readFragment, UNRENDERABLE_TEXT } from "./document-schema";
import { createLogger, type Logger } from "./log";

export { documentSchema, isSafeHref, UNRENDERABLE_TEXT };

let log: Logger = createLogger("warn", "overleg:document");
/** Where readers report parts of a text they could not render (the server's logger, once it starts). */
export function setDocumentLog(logger: Logger): void {
  log = logger;
}

/** Reports a part of a section that a renderer showed as a placeholder. */
export function reportUnrenderable(sectionId: string, renderer: string, problem: string): void {
  log.warn("a part of a section could not be rendered; a placeholder is shown", { sectionId, renderer, problem: problem.slice(0, 200) });
}


/** ProseMirror JSON of one block, as the seed and tests write documents. */
export type BlockJSON = { type: string; attrs?: Record<string, unknown>; content?: BlockJSON[]; text?: string; marks?: { type: string; attrs?: Record<string, unknown> }[] };

/** Simple blocks for building a document from plain text. */
export const blocks = {
  heading: (level: number, text: string): BlockJSON => ({ type: "heading", attrs: { level }, content: [{ type: "text", text }] }),
  paragraph: (text: string): BlockJSON => (text ? { type: "paragraph", content: [{ type: "text", text }] } : { type: "paragraph" }),
  bulletList: (items: string[]): BlockJSON => ({
    type: "bulletList",
    content: items.map((text) => ({ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text }] }] })),
  }),
  orderedList: (items: string[]): BlockJSON => ({
    type: "orderedList",
    attrs: { start: 1 },
    content: items.map((text) => ({ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text }] }] })),
  }),
};

/** Writes `content` into the (empty) `default` fragment of `doc`, as one transaction. */
export function writeDocument(doc: Y.Doc, content: BlockJSON[]): void {
  const fragment = doc.getXmlFragment(FRAGMENT);
  const json = { type: "doc", content: content.length ? content : [{ type: "paragraph" }] };
  // Validate against the schema first: a bad document never reaches Yjs.
  documentSchema().nodeFromJSON(json).check();
  prosemirrorJSONToYXmlFragment(documentSchema(), json, fragment);
}

/**
 * The section text of `doc` as a ProseMirror node, for every output (pages, Markdown, exports).
 * Never throws: a top-level block that is not inside the editor's schema (stored before the collab
 * server refused such updates, or by a bug) is shown as a placeholder paragraph, and reported with
 * the document's guid (a stored section's is its id). Links to anything but http(s) and mailto lose
 * their link (their text stays).
 */
export function toProseMirror(doc: Y.Doc): PMNode {
  return read(doc, { safeLinks: true });
}

function read(doc: Y.Doc, options: { safeLinks: boolean }): PMNode {
  const { node, problems } = readFragment(doc.getXmlFragment(FRAGMENT), options);
  for (const problem of problems) reportUnrenderable(doc.guid, "prosemirror", problem);
  return node;
}

const markdown = new MarkdownSerializer(
  {
    doc: (state, node) => state.renderContent(node),
    paragraph: defaultMarkdownSerializer.nodes.paragraph,
    heading: defaultMarkdownSerializer.nodes.heading,
    blockquote: defaultMarkdownSerializer.nodes.blockquote,
    codeBlock: (state, node) => {
      state.write("```" + ((node.attrs.language as string | null) ?? "") + "\n");
      state.text(node.textContent, false);
      state.ensureNewLine();
      state.write("```");
      state.closeBlock(node);
    },
    horizontalRule: defaultMarkdownSerializer.nodes.horizontal_rule,
    bulletList: (state, node, parent, index) => defaultMarkdownSerializer.nodes.bullet_list(state, tight(node), parent, index),
    orderedList: (state, node, parent, index) => defaultMarkdownSerializer.nodes.ordered_list(state, tight(node), parent, index),
    listItem: defaultMarkdownSerializer.nodes.list_item,
    hardBreak: defaultMarkdownSerializer.nodes.hard_break,
    text: defaultMarkdownSerializer.nodes.text,
    table: (state, node) => {
      const rows: string[][] = [];
      node.forEach((row) => {
        const cells: string[] = [];
        row.forEach((cell) => cells.push(cell.textContent.replace(/\|/g, "\\|").replace(/\n/g, " ")));
        rows.push(cells);
      });
      if (rows.length) {
        const width = Math.max(...rows.map((r) => r.length));
        const line = (cells: string[]) => `| ${Array.from({ length: width }, (_, i) => cells[i] ?? "").join(" | ")} |`;
        state.write([line(rows[0]), line(Array(width).fill("---")), ...rows.slice(1).map(line)].join("\n"));
      }
      state.closeBlock(node);
    },
    tableRow: () => undefined,
    tableCell: () => undefined,
    tableHeader: () => undefined,
  },
  {
    bold: defaultMarkdownSerializer.marks.strong,
    italic: defaultMarkdownSerializer.marks.em,
    strike: { open: "~~", close: "~~", mixable: true, expelEnclosingWhitespace: true },
    underline: { open: "", close: "" },
    code: defaultMarkdownSerializer.marks.code,
    link: {
      open: () => "[",
      // toProseMirror already dropped unsafe links; this keeps any other caller from printing one.
      close: (_state, mark: Mark) => `](${isSafeHref(mark.attrs.href) ? mark.attrs.href.replace(/[()\s<>]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0").toUpperCase()}`) : ""})`,
      mixable: true,
    },
    // Open suggestions in CriticMarkup: {++inserted++}, {--deleted--}.
    insertion: { open: "{++", close: "++}", mixable: true },
    deletion: { open: "{--", close: "--}", mixable: true },
    // A suggested formatting change shows as the formatting it would give, highlighted: {==**vet**==} (ADR 043).
    formatChange: { open: "{==", close: "==}", mixable: true },
  },
);

/** Lists in the editor have no looseness attribute: render them tight, as people write them. */
function tight(node: PMNode): PMNode {
  return Object.create(node, { attrs: { value: { ...node.attrs, tight: true } } }) as PMNode;
}

/** The section text of `doc` as Markdown; a block the serializer fails on becomes a placeholder. */
export function toMarkdown(doc: Y.Doc): string {
  return textToMarkdown(toProseMirror(doc), doc.guid);
}

/** A section text read as ProseMirror (see toProseMirror), as Markdown; never throws (see toMarkdown). */
export function textToMarkdown(node: PMNode, sectionId: string): string {
  try {
    return markdown.serialize(node);
  } catch (error) {
    reportUnrenderable(sectionId, "markdown", String(error));
    const parts: string[] = [];
    node.forEach((block) => {
      try {
        parts.push(markdown.serialize(documentSchema().topNodeType.create(null, block)));
      } catch {
        parts.push(UNRENDERABLE_TEXT);
      }
    });
    return parts.join("\n\n");
  }
}

/**
 * SHA-256 of a canonical serialisation of the text as accepted and its structure: node types,
 * attributes and marks with sorted keys, adjacent text runs with equal marks merged. Two documents
 * that read the same hash the same, however their edits were made. Open suggestions are not part of
 * it (ADR 027): a suggested insertion is left out, a suggested deletion still counts as text, a
 * suggested formatting change is taken back (ADR 043); so
 * suggesting or rejecting leaves an approval fresh, accepting makes it stale.
 */
export function contentHash(doc: Y.Doc): string {
  // The text as stored, links and all: neutralising a link for display changes no approval.
  return createHash("sha256").update(canonical(acceptedText(read(doc, { safeLinks: false })).toJSON())).digest("hex");
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${mergeRuns(value).map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function mergeRuns(items: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    const prev = out[out.length - 1] as { type?: string; text?: string; marks?: unknown } | undefined;
    const cur = item as { type?: string; text?: string; marks?: unknown };
    if (prev?.type === "text" && cur?.type === "text" && canonical(prev.marks ?? []) === canonical(cur.marks ?? [])) {
      out[out.length - 1] = { ...prev, text: (prev.text ?? "") + (cur.text ?? "") };
    } else out.push(item);
  }
  return out;
}
