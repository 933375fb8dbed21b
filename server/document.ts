/**
 * A section's text on the server: building it (seed, restore), reading it as ProseMirror/Markdown,
 * and its content hash (what an approval binds to). The schema is the browser editor's own
 * (app/shared/editor-extensions.ts).
 */
import { createHash } from "node:crypto";
import { getSchema } from "@tiptap/core";
import type { Mark, Node as PMNode, Schema } from "@tiptap/pm/model";
import { prosemirrorJSONToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import { MarkdownSerializer, defaultMarkdownSerializer } from "prosemirror-markdown";
import type * as Y from "yjs";
import { FRAGMENT, documentExtensions } from "../app/shared/editor-extensions";

let cached: Schema | undefined;
export function documentSchema(): Schema {
  cached ??= getSchema(documentExtensions());
  return cached;
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

/** The section text of `doc` as a ProseMirror node. */
export function toProseMirror(doc: Y.Doc): PMNode {
  return yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(FRAGMENT), documentSchema());
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
      close: (_state, mark: Mark) => `](${String(mark.attrs.href ?? "").replace(/[()]/g, "\\$&")})`,
      mixable: true,
    },
  },
);

/** Lists in the editor have no looseness attribute: render them tight, as people write them. */
function tight(node: PMNode): PMNode {
  return Object.create(node, { attrs: { value: { ...node.attrs, tight: true } } }) as PMNode;
}

/** The section text of `doc` as Markdown. */
export function toMarkdown(doc: Y.Doc): string {
  return markdown.serialize(toProseMirror(doc));
}

/**
 * SHA-256 of a canonical serialisation of the text and its structure: node types, attributes and
 * marks with sorted keys, adjacent text runs with equal marks merged. Two documents that read the
 * same hash the same, however their edits were made.
 */
export function contentHash(doc: Y.Doc): string {
  return createHash("sha256").update(canonical(toProseMirror(doc).toJSON())).digest("hex");
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
