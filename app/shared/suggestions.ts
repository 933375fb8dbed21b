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
export const SUGGESTION_MARKS = [INSERTION, DELETION] as const;
export type SuggestionKind = (typeof SUGGESTION_MARKS)[number];

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

/** The attributes whose values name the person: a change in someone else's name is refused. */
export const IDENTITY_ATTRS = ["userId", "organisationId", "name", "organisation"] as const;

const attribute = (name: string) => ({
  default: null,
  parseHTML: (el: HTMLElement) => el.getAttribute(`data-${name.toLowerCase()}`),
  renderHTML: (attrs: Record<string, unknown>) => (attrs[name] === null || attrs[name] === undefined ? {} : { [`data-${name.toLowerCase()}`]: String(attrs[name]) }),
});

const suggestionMark = (name: SuggestionKind, tag: "ins" | "del") =>
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
    }),
    parseHTML: () => [{ tag: `${tag}[data-id]` }],
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

/** The two marks, as tiptap extensions (in the shared document schema). */
export const suggestionExtensions = () => [suggestionMark(INSERTION, "ins"), suggestionMark(DELETION, "del")];

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

function markTypes(schema: Schema): { ins: MarkType; del: MarkType } {
  return { ins: schema.marks[INSERTION], del: schema.marks[DELETION] };
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
  const { ins, del } = markTypes(tr.doc.type.schema);
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
  const marks = ($pos.marks() as Mark[]).filter((m) => m.type !== ins && m.type !== del);
  tr.insert(end, tr.doc.type.schema.text(text, [...marks, ins.create(attrs)]));
  return end + text.length;
}

/** One suggestion as the margin shows it: the runs of text that carry its id. */
export interface Suggestion extends SuggestionAttrs {
  kind: "insertion" | "deletion" | "replacement";
  inserted: string;
  deleted: string;
  from: number;
  to: number;
}

/** The open suggestions of `doc`, in document order (one per id). */
export function listSuggestions(doc: PMNode): Suggestion[] {
  const { ins, del } = markTypes(doc.type.schema);
  const byId = new Map<string, Suggestion>();
  doc.descendants((node, pos) => {
    if (!node.isText) return true;
    for (const mark of node.marks) {
      if (mark.type !== ins && mark.type !== del) continue;
      const a = mark.attrs as SuggestionAttrs;
      const key = a.id ?? `${mark.type.name}@${pos}`;
      let s = byId.get(key);
      if (!s) {
        s = { ...a, id: key, kind: mark.type === ins ? "insertion" : "deletion", inserted: "", deleted: "", from: pos, to: pos + node.nodeSize };
        byId.set(key, s);
      }
      if (mark.type === ins) s.inserted += node.text ?? "";
      else s.deleted += node.text ?? "";
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
 * rejecting does the inverse. Returns how many text runs changed.
 */
export function resolveSuggestions(tr: Transaction, accept: boolean, filter: SuggestionFilter, from = 0, to = tr.doc.content.size): number {
  const { ins, del } = markTypes(tr.doc.type.schema);
  const work: { from: number; to: number; type: MarkType; mark: Mark }[] = [];
  tr.doc.nodesBetween(from, to, (node, pos) => {
    if (!node.isText) return true;
    const a = Math.max(from, pos);
    const b = Math.min(to, pos + node.nodeSize);
    for (const mark of node.marks) if ((mark.type === ins || mark.type === del) && a < b && matches(filter, mark.attrs)) work.push({ from: a, to: b, type: mark.type, mark });
    return false;
  });
  // From the end: removing text keeps the positions before it.
  for (const w of work.reverse()) {
    const removeText = (w.type === ins) !== accept; // reject an insertion, accept a deletion
    if (removeText) tr.delete(w.from, w.to);
    else tr.removeMark(w.from, w.to, w.mark);
  }
  return work.length;
}

/**
 * The text as accepted: open insertions left out, open deletions kept as plain text (what an approval
 * binds to, and what the exports show). Returns `doc` itself when it holds no suggestion.
 */
export function acceptedText(doc: PMNode): PMNode {
  const { ins, del } = markTypes(doc.type.schema);
  let any = false;
  doc.descendants((node) => {
    if (any) return false;
    if (node.isText && node.marks.some((m) => m.type === ins || m.type === del)) any = true;
    return !any;
  });
  if (!any) return doc;
  return strip(doc, ins, del);
}

function strip(node: PMNode, ins: MarkType, del: MarkType): PMNode {
  if (node.isText) {
    if (node.marks.some((m) => m.type === ins)) return null as unknown as PMNode;
    return node.marks.some((m) => m.type === del) ? node.mark(node.marks.filter((m) => m.type !== del)) : node;
  }
  const children: PMNode[] = [];
  node.forEach((child) => {
    const c = strip(child, ins, del);
    if (c) children.push(c);
  });
  const same = children.length === node.childCount && children.every((c, i) => c === node.child(i));
  return same ? node : node.copy(Fragment.from(children));
}

/**
 * Editing mode writes plain text: text typed inside someone's suggestion would otherwise take its
 * mark (ProseMirror carries the marks around a position over), a suggestion in their name that the
 * server refuses. Removes both marks from `from`–`to` on `tr`.
 */
export function stripSuggestions(tr: Transaction, from: number, to: number): void {
  if (to <= from) return;
  const { ins, del } = markTypes(tr.doc.type.schema);
  tr.removeMark(from, to, ins);
  tr.removeMark(from, to, del);
}
