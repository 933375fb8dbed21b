/**
 * The one way an imported file becomes a section's text (ADR 030): every reader (DOCX through
 * mammoth's HTML, Markdown through markdown-it's HTML, ODT from its content.xml) produces a small
 * tree in HTML's vocabulary, and `buildDocument` turns that tree into a ProseMirror document of the
 * editor's own schema: headings, paragraphs, bold/italic/underline/strike/code, links (http(s) and
 * mailto only), bullet and numbered lists, tables, quotes, code blocks and rules. Anything else
 * (images, footnotes, comments, styles the editor has no place for) is left out; its text is kept
 * where it stands inside a paragraph.
 *
 * The file's headings are moved as one so that its highest becomes level 2: level 1 is the section's
 * title (ADR 023's outline). Nothing the builder makes can be outside the schema (it is checked
 * again before anything is written).
 */
import type { Mark, Node as PMNode } from "@tiptap/pm/model";
import { ImportLimits } from "../../../app/shared/imports";
import { documentSchema, isSafeHref, MAX_DEPTH } from "../../document-schema";
import { refuse } from "./errors";

/** An element of the tree (HTML's tag names, lower case), or a text. */
export interface El {
  tag: string;
  attrs: Record<string, string>;
  children: Node[];
}
export type Node = El | string;

export const el = (tag: string, children: Node[] = [], attrs: Record<string, string> = {}): El => ({ tag, attrs, children });

const BLOCKS = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "pre", "hr", "li", "div", "section", "article", "body", "root", "main", "header", "footer", "dl", "dt", "dd", "figure", "thead", "tbody", "tfoot", "tr"]);
const SKIP = new Set(["img", "script", "style", "head", "title", "svg", "sup-note"]);
const HEADING = /^h([1-6])$/;

/** Where the section's own title sits: the file's highest heading becomes this level. */
const TOP_LEVEL = 2;

export interface Built {
  doc: PMNode;
  /** The text of the first heading, a title for a new section. */
  firstHeading: string | null;
}

function headingLevels(node: Node, found: number[]): void {
  if (typeof node === "string") return;
  const m = HEADING.exec(node.tag);
  if (m) found.push(Number(m[1]));
  for (const child of node.children) headingLevels(child, found);
}

function textOf(node: Node): string {
  return typeof node === "string" ? node : node.children.map(textOf).join("");
}

class Builder {
  private readonly schema = documentSchema();
  private chars = 0;
  firstHeading: string | null = null;

  constructor(private readonly shift: number) {}

  /** The blocks of a container's children; inline content between blocks becomes paragraphs. */
  blocks(children: Node[], depth: number): PMNode[] {
    if (depth > MAX_DEPTH - 4) throw refuse("import_unreadable", "The file's structure is nested too deeply to be a section's text.");
    const out: PMNode[] = [];
    let pending: Node[] = [];
    const flush = () => {
      if (pending.length) {
        const inline = this.inline(pending, []);
        if (inline.length) out.push(this.schema.nodes.paragraph.create(null, inline));
      }
      pending = [];
    };
    for (const child of children) {
      if (typeof child !== "string" && SKIP.has(child.tag)) continue;
      if (typeof child === "string" || !BLOCKS.has(child.tag)) {
        pending.push(child);
        continue;
      }
      flush();
      out.push(...this.block(child, depth));
    }
    flush();
    return out;
  }

  private block(node: El, depth: number): PMNode[] {
    const { nodes } = this.schema;
    const heading = HEADING.exec(node.tag);
    if (heading) {
      const inline = this.inline(node.children, []);
      if (!inline.length) return [];
      const level = Math.min(6, Math.max(1, Number(heading[1]) + this.shift));
      this.firstHeading ??= inline.map((n) => n.textContent).join("").trim() || null;
      return [nodes.heading.create({ level }, inline)];
    }
    switch (node.tag) {
      case "p":
      case "dt":
      case "dd": {
        const inline = this.inline(node.children, []);
        return inline.length ? [nodes.paragraph.create(null, inline)] : [];
      }
      case "ul":
      case "ol": {
        const items: PMNode[] = [];
        for (const child of node.children) {
          if (typeof child === "string") {
            if (child.trim()) items.push(this.listItem([child], depth));
          } else if (child.tag === "li") items.push(this.listItem(child.children, depth));
          else if (child.tag === "ul" || child.tag === "ol") {
            // A list right inside a list (no item around it): it belongs to the item before it.
            const nested = this.block(child, depth + 2);
            const last = items.pop() ?? nodes.listItem.create(null, nodes.paragraph.create());
            items.push(nodes.listItem.create(null, [...childrenOf(last), ...nested]));
          } else items.push(this.listItem([child], depth));
        }
        if (!items.length) return [];
        if (node.tag === "ul") return [nodes.bulletList.create(null, items)];
        const start = Number.parseInt(node.attrs.start ?? "1", 10);
        return [nodes.orderedList.create({ start: Number.isInteger(start) && start >= 0 && start <= 100_000 ? start : 1 }, items)];
      }
      case "li":
        // An item outside a list: a list of its own.
        return [nodes.bulletList.create(null, [this.listItem(node.children, depth)])];
      case "table":
        return this.table(node, depth);
      case "blockquote": {
        const inner = this.blocks(node.children, depth + 1);
        return inner.length ? [nodes.blockquote.create(null, inner)] : [];
      }
      case "pre": {
        const text = textOf(node).replace(/\n$/, "");
        this.count(text.length);
        return [nodes.codeBlock.create(null, text ? this.schema.text(text) : null)];
      }
      case "hr":
        return [nodes.horizontalRule.create()];
      case "tr":
        return this.table(el("table", [node]), depth);
      default:
        // div, section, body, thead outside a table…: their children.
        return this.blocks(node.children, depth);
    }
  }

  private listItem(children: Node[], depth: number): PMNode {
    const { nodes } = this.schema;
    const inner = this.blocks(children, depth + 2);
    if (inner[0]?.type !== nodes.paragraph) inner.unshift(nodes.paragraph.create());
    return nodes.listItem.create(null, inner);
  }

  private table(node: El, depth: number): PMNode[] {
    const { nodes } = this.schema;
    const rows: El[] = [];
    const collect = (n: El) => {
      for (const child of n.children) {
        if (typeof child === "string") continue;
        if (child.tag === "tr") rows.push(child);
        else if (child.tag === "thead" || child.tag === "tbody" || child.tag === "tfoot") collect(child);
      }
    };
    collect(node);
    const built = rows.map((row) =>
      row.children
        .filter((c): c is El => typeof c !== "string" && (c.tag === "td" || c.tag === "th"))
        .map((cell) => {
          const inner = this.blocks(cell.children, depth + 3);
          return (cell.tag === "th" ? nodes.tableHeader : nodes.tableCell).create(null, inner.length ? inner : [nodes.paragraph.create()]);
        }),
    ).filter((cells) => cells.length > 0);
    if (!built.length) return [];
    // Rows of unequal length are filled out with empty cells.
    const width = Math.max(...built.map((cells) => cells.length));
    const tableRows = built.map((cells) => {
      while (cells.length < width) cells.push(nodes.tableCell.create(null, nodes.paragraph.create()));
      return nodes.tableRow.create(null, cells);
    });
    return [nodes.table.create(null, tableRows)];
  }

  /** The inline content of `children` under `marks`: whitespace collapsed as HTML does, trimmed at both ends. */
  private inline(children: Node[], marks: readonly Mark[]): PMNode[] {
    const raw: PMNode[] = [];
    this.collectInline(children, marks, raw, 0);
    // Collapse whitespace across runs; trim the start and end.
    const out: PMNode[] = [];
    let lastSpace = true;
    for (const node of raw) {
      if (!node.isText) {
        out.push(node);
        lastSpace = true; // a line break: the spaces after it go
        continue;
      }
      // eslint-disable-next-line no-control-regex -- control characters become spaces
      let text = node.text!.replace(/[\s\u0000-\u0008\u000b\u000c\u000e-\u001f]+/g, " ");
      if (lastSpace) text = text.replace(/^ /, "");
      if (!text) continue;
      lastSpace = text.endsWith(" ");
      out.push(this.schema.text(text, node.marks));
    }
    while (out.length) {
      const last = out[out.length - 1];
      if (!last.isText) {
        out.pop(); // a line break at the end says nothing
        continue;
      }
      const trimmed = last.text!.replace(/ $/, "");
      if (trimmed === last.text) break;
      out.pop();
      if (trimmed) out.push(this.schema.text(trimmed, last.marks));
      break;
    }
    for (const n of out) if (n.isText) this.count(n.text!.length);
    return out;
  }

  private collectInline(children: Node[], marks: readonly Mark[], out: PMNode[], depth: number): void {
    if (depth > 200) throw refuse("import_unreadable", "The file's structure is nested too deeply to be a section's text.");
    const { marks: types, nodes } = this.schema;
    for (const child of children) {
      if (typeof child === "string") {
        if (child) out.push(this.schema.text(child, marks));
        continue;
      }
      if (SKIP.has(child.tag)) continue;
      let inner = marks;
      switch (child.tag) {
        case "br":
          out.push(nodes.hardBreak.create());
          continue;
        case "strong":
        case "b":
          inner = types.bold.create().addToSet(marks);
          break;
        case "em":
        case "i":
          inner = types.italic.create().addToSet(marks);
          break;
        case "u":
          inner = types.underline.create().addToSet(marks);
          break;
        case "s":
        case "del":
        case "strike":
          inner = types.strike.create().addToSet(marks);
          break;
        case "code":
          inner = types.code.create().addToSet(marks);
          break;
        case "a":
          if (isSafeHref(child.attrs.href)) inner = types.link.create({ href: child.attrs.href.trim().slice(0, 2000) }).addToSet(marks);
          break;
      }
      this.collectInline(child.children, inner, out, depth + 1);
    }
  }

  private count(n: number): void {
    this.chars += n;
    if (this.chars > ImportLimits.maxTextChars) {
      throw refuse("import_too_large", `The file's text is longer than ${ImportLimits.maxTextChars.toLocaleString("en")} characters, more than one section holds.`);
    }
  }
}

function childrenOf(node: PMNode): PMNode[] {
  const out: PMNode[] = [];
  node.forEach((child) => out.push(child));
  return out;
}

/** The section text of a tree; refuses a tree without any text. */
export function buildDocument(root: El): Built {
  const levels: number[] = [];
  headingLevels(root, levels);
  const shift = levels.length ? TOP_LEVEL - Math.min(...levels) : 0;
  const builder = new Builder(shift);
  const content = builder.blocks(root.children, 1);
  const schema = documentSchema();
  const doc = schema.topNodeType.create(null, content);
  if (!doc.textContent.trim() && !content.some((b) => b.type === schema.nodes.table)) {
    throw refuse("import_empty", "The file holds no text to import.");
  }
  doc.check();
  return { doc, firstHeading: builder.firstHeading };
}
