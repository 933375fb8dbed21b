/**
 * Suggestion mode (docs/decisions/027): a suggested insertion is text carrying an `insertion` mark, a
 * suggested deletion is text carrying a `deletion` mark; both name the suggestion (`id`), its person
 * and organisation and when it was made. The marks are part of the section's schema (browser and
 * server, app/shared/editor-extensions.ts); the collab server checks every change a person who may
 * only suggest makes against the same rules (server/collab/suggestion-check.ts).
 *
 * The functions here are plain ProseMirror transforms, used by the editor and by the tests that check
 * that suggesting, accepting and rejecting from several clients converge.
 */
import { Mark as TiptapMark, mergeAttributes } from "@tiptap/core";
import { Fragment, type Mark, type MarkType, type Node as PMNode, type Schema } from "@tiptap/pm/model";
import type { Transaction } from "@tiptap/pm/state";
import { organisationColour } from "./collab";

export const INSERTION = "insertion";
export const DELETION = "deletion";
/** A suggested change of formatting (ADR 043): the text carries the new formatting and this mark. */
export const FORMAT_CHANGE = "formatChange";
export const SUGGESTION_MARKS = [INSERTION, DELETION, FORMAT_CHANGE] as const;
export type SuggestionKind = (typeof SUGGESTION_MARKS)[number];
/** The formatting that can be suggested: marks without attributes, so reverting one needs only its name. */
export const SUGGESTIBLE_FORMATS = ["bold", "italic"] as const;
export type SuggestibleFormat = (typeof SUGGESTIBLE_FORMATS)[number];

/** Who made a suggestion, as the page knows it from the session (the server checks it again). */
export interface SuggestionAuthor {
  userId: string;
  organisationId: string | null;
  /** Display name of the person. */
  name: string;
  /** The organisation's short code or name. */
  organisation: string | null;
}

/** The attributes of an insertion or deletion mark. */
export interface SuggestionAttrs extends SuggestionAuthor {
  id: string;
  /** When it was made (ISO 8601), by the suggesting device's clock. */
  time: string | null;
}

/**
 * The attributes of a formatChange mark: who and when, plus the formatting the suggestion added and
 * removed (mark names, comma-separated, sorted; "" for none).
 */
export interface FormatChangeAttrs extends SuggestionAttrs {
  add: string;
  remove: string;
}

/** The mark names of a formatChange's `add` or `remove`. */
export const formatNames = (value: unknown): string[] => (typeof value === "string" && value ? value.split(",").filter(Boolean) : []);
const joinNames = (names: Iterable<string>) => [...new Set(names)].sort().join(",");

/** The attributes whose values name the person: a change in someone else's name is refused. */
export const IDENTITY_ATTRS = ["userId", "organisationId", "name", "organisation"] as const;

const attribute = (name: string) => ({
  default: null,
  parseHTML: (el: HTMLElement) => el.getAttribute(`data-${name.toLowerCase()}`),
  renderHTML: (attrs: Record<string, unknown>) => (attrs[name] === null || attrs[name] === undefined ? {} : { [`data-${name.toLowerCase()}`]: String(attrs[name]) }),
});

const suggestionMark = (name: SuggestionKind, tag: "ins" | "del" | "span") =>
  TiptapMark.create({
    name,
    // Typing next to a suggestion in editing mode writes plain text; suggesting adds the mark itself.
    inclusive: false,
    // Never across two marks of the same kind (one person's change is one run).
    excludes: name,
    addAttributes: () => ({
      id: attribute("id"),
      userId: attribute("userId"),
      organisationId: attribute("organisationId"),
      name: attribute("name"),
      organisation: attribute("organisation"),
      time: attribute("time"),
      ...(name === FORMAT_CHANGE ? { add: attribute("add"), remove: attribute("remove") } : {}),
    }),
    parseHTML: () => [{ tag: name === FORMAT_CHANGE ? "span.ov-suggestion--formatChange[data-id]" : `${tag}[data-id]` }],
    renderHTML: ({ mark, HTMLAttributes }) => [
      tag,
      mergeAttributes(
        // In the colour of the suggester's organisation (as their caret and their card).
        { class: `ov-suggestion ov-suggestion--${name}`, style: `--ov-suggestion-colour: ${organisationColour((mark.attrs.organisation as string | null) ?? (mark.attrs.organisationId as string | null))}` },
        HTMLAttributes,
      ),
      0,
    ],
  });

/** The three marks, as tiptap extensions (in the shared document schema). */
export const suggestionExtensions = () => [suggestionMark(INSERTION, "ins"), suggestionMark(DELETION, "del"), suggestionMark(FORMAT_CHANGE, "span")];

/** Whether `attrs` (a mark's attributes) are `author`'s. */
export function isOwn(attrs: Record<string, unknown> | null | undefined, author: Pick<SuggestionAuthor, "userId" | "organisationId">): boolean {
  return !!attrs && attrs.userId === author.userId && (attrs.organisationId ?? null) === (author.organisationId ?? null);
}

/** A new suggestion id (short, random). */
export function suggestionId(): string {
  const bytes = new Uint8Array(9);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(36).padStart(2, "0")).join("").slice(0, 12);
}

function markTypes(schema: Schema): { ins: MarkType; del: MarkType; fmt: MarkType } {
  return { ins: schema.marks[INSERTION], del: schema.marks[DELETION], fmt: schema.marks[FORMAT_CHANGE] };
}

/** The suggestion marks of a text node. */
const suggestionOf = (node: PMNode, type: MarkType): Mark | undefined => node.marks.find((m) => m.type === type);

/**
 * Replaces `from`–`to` with `text` as a suggestion of `author` (typing, deleting, pasting text, in
 * suggesting mode), on `tr`: the author's own suggested insertions in the range are removed, other
 * text is marked as suggested for deletion, and `text` is inserted after the range with an insertion
 * mark. Deletion and insertion share one id: a replacement is one change; so does a change right
 * next to one of the author's own suggestions (typing goes on). Returns the position after the
 * inserted text (where the cursor goes), or `from` when nothing was inserted.
 */
export function suggestReplace(tr: Transaction, from: number, to: number, text: string, author: SuggestionAuthor, now = Date.now(), id?: string): number {
  const { ins, del, fmt } = markTypes(tr.doc.type.schema);
  // Typing on next to one's own suggestion continues it: one change, one card. It keeps the change's
  // id and its time (when it was begun), so the text typed on carries the very same mark as the text
  // before it and stays one run (one <ins>, not one element per keystroke for a screen reader to read).
  const own = (node: PMNode | null | undefined) => node?.marks.find((m) => (m.type === ins || m.type === del) && isOwn(m.attrs, author))?.attrs as SuggestionAttrs | undefined;
  const continued = id ? undefined : (own(tr.doc.resolve(from).nodeBefore) ?? own(tr.doc.resolve(to).nodeAfter));
  const attrs: SuggestionAttrs = { id: id ?? continued?.id ?? suggestionId(), ...author, time: continued?.time ?? new Date(now).toISOString() };
  // Walk the range from its end, so that removing the author's own insertions keeps earlier positions.
  const parts: { from: number; to: number; own: boolean; deleted: boolean }[] = [];
  tr.doc.nodesBetween(from, to, (node, pos) => {
    if (!node.isText) return true;
    const a = Math.max(from, pos);
    const b = Math.min(to, pos + node.nodeSize);
    if (a >= b) return false;
    const inserted = suggestionOf(node, ins);
    parts.push({ from: a, to: b, own: !!inserted && isOwn(inserted.attrs, author), deleted: !!suggestionOf(node, del) });
    return false;
  });
  let end = to;
  for (const part of parts.reverse()) {
    if (part.own) {
      tr.delete(part.from, part.to);
      end -= part.to - part.from;
    } else if (!part.deleted) {
      tr.addMark(part.from, part.to, del.create(attrs));
    }
  }
  if (!text) return from;
  // The insertion keeps the formatting of the text before it, never its suggestion marks.
  const $pos = tr.doc.resolve(end);
  const marks = ($pos.marks() as Mark[]).filter((m) => m.type !== ins && m.type !== del && m.type !== fmt);
  tr.insert(end, tr.doc.type.schema.text(text, [...marks, ins.create(attrs)]));
  return end + text.length;
}

/**
 * Turns `format` on (`on`) or off over `from`–`to` as a suggestion of `author` (bold or italic in
 * suggesting mode), on `tr`: the text gets the formatting and a formatChange mark saying what changed
 * from the formatting it had before any of the author's own open formatting suggestions on it (so a
 * second change merges into theirs, and toggling back takes both away). The author's own suggested
 * insertions are formatted directly (that text is theirs until accepted); text carrying someone
 * else's formatting suggestion is left as it is. Returns whether anything changed.
 */
export function suggestFormat(tr: Transaction, from: number, to: number, format: SuggestibleFormat, on: boolean, author: SuggestionAuthor, now = Date.now()): boolean {
  const schema = tr.doc.type.schema;
  const { ins, fmt } = markTypes(schema);
  const type = schema.marks[format];
  const parts: { from: number; to: number; node: PMNode }[] = [];
  tr.doc.nodesBetween(from, to, (node, pos) => {
    if (!node.isText) return true;
    const a = Math.max(from, pos);
    const b = Math.min(to, pos + node.nodeSize);
    if (a < b) parts.push({ from: a, to: b, node });
    return false;
  });
  // One change, one card: it goes on with the author's own formatting suggestion in the range, if any.
  const continued = parts.map((p) => suggestionOf(p.node, fmt)?.attrs as FormatChangeAttrs | undefined).find((a) => a && isOwn(a as unknown as Record<string, unknown>, author));
  const base: SuggestionAttrs = { id: continued?.id ?? suggestionId(), ...author, time: continued?.time ?? new Date(now).toISOString() };
  let changed = false;
  for (const part of parts) {
    if (type.isInSet(part.node.marks) ? on : !on) continue;
    const inserted = suggestionOf(part.node, ins);
    const change = suggestionOf(part.node, fmt);
    if (inserted && isOwn(inserted.attrs, author) && !change) {
      if (on) tr.addMark(part.from, part.to, type.create());
      else tr.removeMark(part.from, part.to, type);
      changed = true;
      continue;
    }
    if (change && !isOwn(change.attrs, author)) continue;
    const add = new Set(formatNames(change?.attrs.add));
    const remove = new Set(formatNames(change?.attrs.remove));
    if (on) {
      if (!remove.delete(format)) add.add(format);
    } else if (!add.delete(format)) remove.add(format);
    if (on) tr.addMark(part.from, part.to, type.create());
    else tr.removeMark(part.from, part.to, type);
    if (add.size === 0 && remove.size === 0) tr.removeMark(part.from, part.to, fmt);
    else tr.addMark(part.from, part.to, fmt.create({ ...base, add: joinNames(add), remove: joinNames(remove) }));
    changed = true;
  }
  return changed;
}

/** One suggestion as the margin shows it: the runs of text that carry its id. */
export interface Suggestion extends SuggestionAttrs {
  kind: "insertion" | "deletion" | "replacement" | "format";
  inserted: string;
  deleted: string;
  /** A formatting suggestion: the text it formats, and the formatting it adds and removes. */
  formatted: string;
  add: string[];
  remove: string[];
  from: number;
  to: number;
}

/** What a suggestion changes, as cards, the log and the record name it. */
export type SuggestionChange = Suggestion["kind"];

/** A formatting suggestion's change as one string, e.g. "+bold -italic" (the suggestion log keeps it). */
export const formattingOf = (s: Pick<Suggestion, "add" | "remove">): string => [...s.add.map((n) => `+${n}`), ...s.remove.map((n) => `-${n}`)].join(" ");

/** The formatting added and removed, read back from `formattingOf`'s string. */
export function parseFormatting(value: string): { add: string[]; remove: string[] } {
  const parts = value.split(" ").filter(Boolean);
  return { add: parts.filter((p) => p.startsWith("+")).map((p) => p.slice(1)), remove: parts.filter((p) => p.startsWith("-")).map((p) => p.slice(1)) };
}

/** The open suggestions of `doc`, in document order (one per id). */
export function listSuggestions(doc: PMNode): Suggestion[] {
  const { ins, del, fmt } = markTypes(doc.type.schema);
  const byId = new Map<string, Suggestion>();
  doc.descendants((node, pos) => {
    if (!node.isText) return true;
    for (const mark of node.marks) {
      if (mark.type !== ins && mark.type !== del && mark.type !== fmt) continue;
      const { add, remove, ...a } = mark.attrs as FormatChangeAttrs;
      const key = a.id ?? `${mark.type.name}@${pos}`;
      let s = byId.get(key);
      if (!s) {
        s = { ...a, id: key, kind: mark.type === ins ? "insertion" : mark.type === del ? "deletion" : "format", inserted: "", deleted: "", formatted: "", add: [], remove: [], from: pos, to: pos + node.nodeSize };
        byId.set(key, s);
      }
      if (mark.type === ins) s.inserted += node.text ?? "";
      else if (mark.type === del) s.deleted += node.text ?? "";
      else {
        s.formatted += node.text ?? "";
        s.add = [...new Set([...s.add, ...formatNames(add)])].sort();
        s.remove = [...new Set([...s.remove, ...formatNames(remove)])].sort();
      }
      s.to = Math.max(s.to, pos + node.nodeSize);
      if (s.inserted && s.deleted) s.kind = "replacement";
    }
    return false;
  });
  return [...byId.values()];
}

/** Which suggestions an accept or reject applies to. */
export type SuggestionFilter = { id: string } | { userId: string } | { organisationId: string | null } | "all";

const matches = (filter: SuggestionFilter, attrs: Record<string, unknown>) =>
  filter === "all" ||
  ("id" in filter && attrs.id === filter.id) ||
  ("userId" in filter && attrs.userId === filter.userId) ||
  ("organisationId" in filter && (attrs.organisationId ?? null) === filter.organisationId);

/**
 * Accepts (`accept` true) or rejects the suggestions `filter` picks, within `from`–`to` (default:
 * the whole text), on `tr`. Accepting an insertion removes its mark, a deletion removes its text;
 * rejecting does the inverse. Accepting a formatting suggestion removes its mark (the formatting
 * stays); rejecting one also takes back the formatting it added and puts back what it removed.
 * Returns how many text runs changed.
 */
export function resolveSuggestions(tr: Transaction, accept: boolean, filter: SuggestionFilter, from = 0, to = tr.doc.content.size): number {
  const { ins, del, fmt } = markTypes(tr.doc.type.schema);
  const work: { from: number; to: number; type: MarkType; mark: Mark }[] = [];
  tr.doc.nodesBetween(from, to, (node, pos) => {
    if (!node.isText) return true;
    const a = Math.max(from, pos);
    const b = Math.min(to, pos + node.nodeSize);
    for (const mark of node.marks) if ((mark.type === ins || mark.type === del || mark.type === fmt) && a < b && matches(filter, mark.attrs)) work.push({ from: a, to: b, type: mark.type, mark });
    return false;
  });
  // From the end: removing text keeps the positions before it (a run's formatting suggestion comes
  // after its insertion mark in the list, so it is resolved before that text may go).
  for (const w of work.reverse()) {
    if (w.type === fmt) {
      if (!accept) revertFormat(tr, w.from, w.to, w.mark);
      tr.removeMark(w.from, w.to, w.mark);
      continue;
    }
    const removeText = (w.type === ins) !== accept; // reject an insertion, accept a deletion
    if (removeText) tr.delete(w.from, w.to);
    else tr.removeMark(w.from, w.to, w.mark);
  }
  return work.length;
}

/** Takes back on `tr` what the formatting suggestion `change` did to `from`–`to`. */
function revertFormat(tr: Transaction, from: number, to: number, change: Mark): void {
  const schema = tr.doc.type.schema;
  for (const name of formatNames(change.attrs.add)) if (schema.marks[name]) tr.removeMark(from, to, schema.marks[name]);
  for (const name of formatNames(change.attrs.remove)) if (schema.marks[name]) tr.addMark(from, to, schema.marks[name].create());
}

/** `marks` as they were before the formatting suggestion among them (which is left out). */
function revertedMarks(marks: readonly Mark[], fmt: MarkType): readonly Mark[] {
  const change = marks.find((m) => m.type === fmt);
  if (!change) return marks;
  const schema = fmt.schema;
  let out: readonly Mark[] = marks.filter((m) => m !== change);
  const add = formatNames(change.attrs.add);
  out = out.filter((m) => !add.includes(m.type.name));
  for (const name of formatNames(change.attrs.remove)) if (schema.marks[name]) out = schema.marks[name].create().addToSet(out);
  return out;
}

/**
 * The text as accepted: open insertions left out, open deletions kept as plain text, open formatting
 * suggestions taken back (what an approval binds to, and what the exports show). Returns `doc` itself
 * when it holds no suggestion.
 */
export function acceptedText(doc: PMNode): PMNode {
  const { ins, del, fmt } = markTypes(doc.type.schema);
  let any = false;
  doc.descendants((node) => {
    if (any) return false;
    if (node.isText && node.marks.some((m) => m.type === ins || m.type === del || m.type === fmt)) any = true;
    return !any;
  });
  if (!any) return doc;
  return strip(doc, ins, del, fmt);
}

function strip(node: PMNode, ins: MarkType, del: MarkType, fmt: MarkType): PMNode {
  if (node.isText) {
    if (node.marks.some((m) => m.type === ins)) return null as unknown as PMNode;
    return node.marks.some((m) => m.type === del || m.type === fmt) ? node.mark(revertedMarks(node.marks, fmt).filter((m) => m.type !== del)) : node;
  }
  const children: PMNode[] = [];
  node.forEach((child) => {
    const c = strip(child, ins, del, fmt);
    if (c) children.push(c);
  });
  const same = children.length === node.childCount && children.every((c, i) => c === node.child(i));
  return same ? node : node.copy(Fragment.from(children));
}

/**
 * Editing mode writes plain text: text typed inside someone's suggestion would otherwise take its
 * mark (ProseMirror carries the marks around a position over), a suggestion in their name that the
 * server refuses. Removes the suggestion marks from `from`–`to` on `tr`.
 */
export function stripSuggestions(tr: Transaction, from: number, to: number): void {
  if (to <= from) return;
  const { ins, del, fmt } = markTypes(tr.doc.type.schema);
  tr.removeMark(from, to, ins);
  tr.removeMark(from, to, del);
  tr.removeMark(from, to, fmt);
}
