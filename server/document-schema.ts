/**
 * Whether a section's Yjs text is inside the editor's schema, and reading it as ProseMirror.
 *
 * The text is tiptap's `default` Y.XmlFragment: Y.XmlElements named after ProseMirror nodes, and
 * Y.XmlTexts whose formatting attributes are marks (y-prosemirror's mapping). Yjs itself lets a
 * client put anything anywhere (a Y.XmlText or a plain string at the top level, an element named
 * `script`, a mark named `evil`, an attribute that is an object), and y-prosemirror's own reader
 * throws on some of it. `elementToNode` reads an element strictly: every node and mark named by the
 * schema, placed where the schema allows its kind, with attributes of the right type, nested at most
 * MAX_DEPTH deep; anything else throws a SchemaViolation.
 *
 * One rule is looser than ProseMirror's `node.check()`: a content expression is checked child by
 * child, but a sequence the schema would want longer is accepted (an empty list, an empty document),
 * and so is a set of marks the editor would not combine (bold and code). Two people deleting the last
 * items of a list at the same moment, or formatting the same word differently, produce exactly that,
 * from edits that were each valid; every renderer handles it, and the editor repairs it.
 *
 * Used by the collab server's guard (server/collab/schema-guard.ts) to refuse updates, and by the
 * readers (server/document.ts) to render what is stored, with a placeholder for any part that is not
 * inside the schema.
 */
import { getSchema } from "@tiptap/core";
import type { Mark, Node as PMNode, NodeType, Schema } from "@tiptap/pm/model";
import * as Y from "yjs";
import { FRAGMENT, documentExtensions } from "../app/shared/editor-extensions";
import { sectionIdOfHref } from "../app/shared/section-links";

let cached: Schema | undefined;
export function documentSchema(): Schema {
  cached ??= getSchema(documentExtensions());
  return cached;
}

/** Deepest nesting of elements accepted (a list in a list … in a table cell); people nest a handful. */
export const MAX_DEPTH = 64;
/** Largest number accepted in a numeric attribute (a list's start, a cell's colspan). */
const MAX_NUMBER = 100_000;
/** Longest list accepted in an attribute (a table cell's column widths). */
const MAX_LIST = 1000;

export class SchemaViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SchemaViolation";
  }
}

const violation = (message: string) => new SchemaViolation(message);

/** What a value found in the text is, for messages. */
function kindOf(value: unknown): string {
  if (value instanceof Y.XmlElement) return `element <${String(value.nodeName).slice(0, 40)}>`;
  if (value instanceof Y.XmlText) return "text";
  if (value instanceof Y.AbstractType) return value.constructor.name || "a shared type";
  if (value instanceof Y.Doc) return "a subdocument";
  return typeof value === "string" ? "a plain string" : typeof value;
}

/** The node type an element names; only nodes that can stand inside a document. */
export function nodeTypeOf(el: Y.XmlElement): NodeType {
  const schema = documentSchema();
  const name = el.nodeName;
  const type = typeof name === "string" && Object.prototype.hasOwnProperty.call(schema.nodes, name) ? schema.nodes[name] : undefined;
  if (!type || type.isText || type === schema.topNodeType) throw violation(`unknown node ${kindOf(el)}`);
  return type;
}

/** A JSON value as attributes may hold it: scalars, and short lists of numbers. */
function checkAttrValue(owner: string, key: string, value: unknown, fallback: unknown): void {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    if (typeof fallback === "number" && value !== null) throw violation(`${owner}.${key} is not a number`);
    return;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value) || Math.abs(value) > MAX_NUMBER) throw violation(`${owner}.${key} is out of range`);
    if (typeof fallback === "number" && !Number.isInteger(value)) throw violation(`${owner}.${key} is not a whole number`);
    return;
  }
  if (Array.isArray(value) && value.length <= MAX_LIST && value.every((v) => v === null || (typeof v === "number" && Number.isFinite(v) && Math.abs(v) <= MAX_NUMBER))) return;
  throw violation(`${owner}.${key} holds ${kindOf(value)}`);
}

/** The attributes of `el` for `type` (unknown ones are dropped, as ProseMirror does). */
export function elementAttrs(el: Y.XmlElement, type: NodeType): Record<string, unknown> {
  const given = el.getAttributes() as Record<string, unknown>;
  const attrs: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(type.spec.attrs ?? {})) {
    const value = given[key];
    if (value === undefined) continue; // the default (a missing required one throws in create)
    checkAttrValue(type.name, key, value, spec.default);
    attrs[key] = value;
  }
  if (type.name === "heading" && attrs.level !== undefined && !(Number.isInteger(attrs.level) && (attrs.level as number) >= 1 && (attrs.level as number) <= 6)) {
    throw violation("heading.level is not 1 to 6");
  }
  return attrs;
}

/** y-prosemirror stores a mark that may overlap itself (a link) as `name--<hash>`. */
const markName = (attribute: string) => /^(.*)--[a-zA-Z0-9+/=]{8}$/.exec(attribute)?.[1] ?? attribute;

/** How a text is read. */
export interface ReadOptions {
  /** Drop links whose target is not http(s) or mailto (the text stays): for every output. */
  safeLinks?: boolean;
}

/**
 * Whether a link target is safe to put in any output: http(s) and mailto (the editor's own
 * allow-list, app/shared/editor-extensions.ts), and a link to a section (`/s/<id>`, ADR 031).
 * Anything else (javascript:, data:, vbscript:, any other relative path) is neutralised by every
 * renderer.
 */
export function isSafeHref(href: unknown): href is string {
  if (typeof href !== "string") return false;
  // A link to another section (its page's relative address, app/shared/section-links.ts).
  if (sectionIdOfHref(href) !== null) return true;
  // Browsers skip spaces and control characters in and before a scheme ("java\tscript:").
  // eslint-disable-next-line no-control-regex
  return /^(https?:|mailto:)/i.test(href.replace(/[\u0000-\u0020\u007f-\u009f]/g, ""));
}

/** The text nodes of a Y.XmlText: string runs whose formatting attributes are the schema's marks. */
export function textNodes(text: Y.XmlText, options: ReadOptions = {}): PMNode[] {
  const schema = documentSchema();
  const nodes: PMNode[] = [];
  for (const op of text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
    if (typeof op.insert !== "string") throw violation(`${kindOf(op.insert)} embedded in text`);
    if (op.insert.length === 0) continue;
    const marks: Mark[] = [];
    for (const [attribute, value] of Object.entries(op.attributes ?? {})) {
      const name = markName(attribute);
      const type = Object.prototype.hasOwnProperty.call(schema.marks, name) ? schema.marks[name] : undefined;
      if (!type) throw violation(`unknown mark ${name.slice(0, 40)}`);
      if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof Y.AbstractType) throw violation(`mark ${name} holds ${kindOf(value)}`);
      const attrs: Record<string, unknown> = {};
      for (const [key, spec] of Object.entries(type.spec.attrs ?? {})) {
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined) continue;
        checkAttrValue(name, key, v, spec.default);
        attrs[key] = v;
      }
      if (options.safeLinks && name === "link" && !isSafeHref(attrs.href)) continue;
      marks.push(type.create(attrs));
    }
    nodes.push(schema.text(op.insert, marks));
  }
  return nodes;
}

/**
 * Checks the children of a node of `type` child by child against its content expression (a sequence
 * left short is accepted, see above), and that its text carries only marks it allows.
 */
export function checkContent(type: NodeType, children: readonly { type: NodeType; marks?: readonly Mark[] }[]): void {
  let match = type.contentMatch;
  for (const child of children) {
    const next = match.matchType(child.type);
    if (!next) throw violation(`${child.type.name} inside ${type.name}`);
    match = next;
    if (child.marks) for (const mark of child.marks) if (!type.allowsMarkType(mark.type)) throw violation(`mark ${mark.type.name} inside ${type.name}`);
  }
}

/** Reads an element and everything in it as a ProseMirror node; throws SchemaViolation (see above). */
export function elementToNode(el: unknown, depth = 1, options: ReadOptions = {}): PMNode {
  if (!(el instanceof Y.XmlElement)) throw violation(`${kindOf(el)} where a node belongs`);
  if (depth > MAX_DEPTH) throw violation(`nodes nested deeper than ${MAX_DEPTH}`);
  const type = nodeTypeOf(el);
  const attrs = elementAttrs(el, type);
  const children: PMNode[] = [];
  for (const child of el.toArray() as unknown[]) {
    if (child instanceof Y.XmlText) children.push(...textNodes(child, options));
    else children.push(elementToNode(child, depth + 1, options));
  }
  checkContent(type, children);
  try {
    return type.create(attrs, children);
  } catch (error) {
    throw violation(`${type.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The problem with the section text of `doc`, or null when all of it is inside the schema. */
export function documentProblem(doc: Y.Doc): string | null {
  try {
    const fragment = doc.getXmlFragment(FRAGMENT);
    checkContent(documentSchema().topNodeType, (fragment.toArray() as unknown[]).map((child) => elementToNode(child)));
    return null;
  } catch (error) {
    // Anything a reader throws on is outside the schema as far as the server is concerned.
    return error instanceof Error ? error.message : String(error);
  }
}

/** Shown in place of a part of a text that is not inside the schema (it is never dropped silently). */
export const UNRENDERABLE_TEXT = "⚠ Dit deel kan niet worden getoond. / This part could not be shown.";

/**
 * The section text as a ProseMirror document, never throwing: a top-level block that is not inside
 * the schema is replaced by a paragraph saying so, and its problem is returned.
 */
export function readFragment(fragment: Y.XmlFragment, options: ReadOptions = {}): { node: PMNode; problems: string[] } {
  const schema = documentSchema();
  const problems: string[] = [];
  const blocks: PMNode[] = [];
  let match = schema.topNodeType.contentMatch;
  for (const child of fragment.toArray() as unknown[]) {
    let block: PMNode;
    try {
      block = elementToNode(child, 1, options);
      const next = match.matchType(block.type);
      if (!next) throw violation(`${block.type.name} inside doc`);
      match = next;
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
      block = schema.nodes.paragraph.create(null, schema.text(UNRENDERABLE_TEXT));
    }
    blocks.push(block);
  }
  return { node: schema.topNodeType.create(null, blocks), problems };
}

/** Text a part outside the schema holds, as lines (one per text block it holds, or per line of a plain text). */
function linesOf(value: unknown, into: string[]): void {
  if (value instanceof Y.XmlText) {
    const line = (value.toDelta() as { insert: unknown }[]).map((op) => (typeof op.insert === "string" ? op.insert : "")).join("");
    into.push(...line.split("\n"));
  } else if (value instanceof Y.XmlElement || value instanceof Y.XmlFragment) {
    // An element's texts side by side form one line (a paragraph's runs); its elements their own.
    let line = "";
    for (const child of value.toArray() as unknown[]) {
      if (child instanceof Y.XmlText) line += (child.toDelta() as { insert: unknown }[]).map((op) => (typeof op.insert === "string" ? op.insert : "")).join("");
      else {
        if (line) into.push(...line.split("\n"));
        line = "";
        linesOf(child, into);
      }
    }
    if (line) into.push(...line.split("\n"));
  } else if (value instanceof Y.Text) {
    into.push(...value.toString().split("\n"));
  } else if (typeof value === "string" || typeof value === "number") {
    into.push(...String(value).split("\n"));
  }
}

/** What a top-level item is, for the repair's log. */
function itemKind(item: Y.Item): string {
  const content = item.content;
  if (content instanceof Y.ContentType) return kindOf(content.type);
  if (content instanceof Y.ContentString) return "characters";
  if (content instanceof Y.ContentAny) return "a plain value";
  return content.constructor.name || "content";
}

/**
 * Brings a section's text back inside the schema, in the caller's transaction: every top-level part
 * that is not inside it (a Y.XmlText or plain values at the top level, an unknown element, a block
 * with an unknown mark…) is deleted, and the text it held is put in its place as plain paragraphs
 * (one per text block or line; nothing when it held no text). Parts inside the schema are not
 * touched. Returns what was repaired (empty when nothing was outside the schema).
 *
 * Not deterministic across documents (the paragraphs are new items of this document's client): run
 * it once per stored text, under the section's log lock (UpdateStore.repairOutsideSchema).
 */
export function repairFragment(fragment: Y.XmlFragment): string[] {
  const schema = documentSchema();
  type Run = { index: number; length: number; lines: string[] };
  const runs: Run[] = [];
  const repaired: string[] = [];
  let index = 0;
  let run: Run | null = null;
  let chars = ""; // consecutive characters or plain values, read as one text
  const endChars = () => {
    if (run && chars) run.lines.push(...chars.split("\n"));
    chars = "";
  };
  for (let item = fragment._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue;
    const content = item.content;
    let problem: string | null = null;
    if (content instanceof Y.ContentType && content.type instanceof Y.XmlElement) {
      try {
        const node = elementToNode(content.type);
        if (!schema.topNodeType.contentMatch.matchType(node.type)) problem = `${node.type.name} inside doc`;
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
    } else problem = `${itemKind(item)} where a node belongs`;
    if (problem === null) {
      endChars();
      run = null;
      index += item.length;
      continue;
    }
    if (!run || run.index + run.length !== index) runs.push((run = { index, length: 0, lines: [] }));
    run.length += item.length;
    index += item.length;
    if (repaired.length < 20) repaired.push(problem.slice(0, 120));
    if (content instanceof Y.ContentString) chars += content.str;
    else if (content instanceof Y.ContentAny) {
      for (const value of content.getContent()) if (typeof value === "string" || typeof value === "number") chars += String(value);
    } else {
      endChars();
      for (const value of content.getContent()) linesOf(value, run.lines);
    }
  }
  endChars();
  for (const r of runs.reverse()) {
    fragment.delete(r.index, r.length);
    const paragraphs = r.lines
      .filter((line) => line.trim().length > 0)
      .map((line) => {
        const paragraph = new Y.XmlElement("paragraph");
        const text = new Y.XmlText();
        text.insert(0, line);
        paragraph.insert(0, [text]);
        return paragraph;
      });
    if (paragraphs.length) fragment.insert(r.index, paragraphs);
  }
  return repaired;
}
