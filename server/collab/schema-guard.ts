/**
 * Keeps a room's document inside the editor's schema (docs/decisions/011): an update is applied to a
 * scratch copy of the document first, and only the parts it changed are checked (server/document-schema.ts):
 *
 * - a Y.XmlText whose content or formatting changed: the text block holding it (its inline content);
 * - an element whose children or attributes changed: its attributes and its children's kinds and
 *   order against its content expression, and every child created by the update, in full;
 * - the `default` fragment itself: the kinds and order of its top-level blocks, and the new ones in full.
 *
 * A keystroke costs one more application of a small update and the check of one paragraph; the copy
 * is built once per room (on its first update) and kept in step: updates that pass are in it already,
 * changes from elsewhere (other nodes, the server's own) are applied to it as they reach the room.
 * After a refusal, or when storing failed, it is dropped and rebuilt from the room's document and the
 * updates still waiting to be stored.
 */
import type { ContentMatch, Mark, NodeType } from "@tiptap/pm/model";
import * as Y from "yjs";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { checkContent, documentSchema, elementAttrs, elementToNode, MAX_DEPTH, nodeTypeOf, SchemaViolation, textNodes } from "../document-schema";
import { applyRepairs, suggestionProblem, type Repair, type Writer } from "./suggestion-check";

/** Any shared type (their event types differ). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type YType = Y.AbstractType<any>;
type Change = { changed: Map<YType, Set<string | null>>; before: Map<number, number> };

export class SchemaGuard {
  private scratch: Y.Doc | null = null;
  private fragment: Y.XmlFragment | null = null;
  private changes: Change[] = [];
  /** Who wrote the update being checked (suggestion mode, ADR 027), and what its check found. */
  private writer: Writer | null = null;
  private suggestion: string | null | undefined = undefined;
  private repairs: Repair[] = [];
  /**
   * The server's own change that sets right what the last update that passed changed only through
   * changes its writer could not have seen (suggestion-check.ts), already in the copy; it must be
   * stored and sent right after that update. Null almost always.
   */
  repair: Uint8Array | null = null;

  /**
   * @param base the room's document (as stored and applied)
   * @param pending the updates accepted but not yet applied to it, in order
   */
  constructor(
    private readonly base: Y.Doc,
    private readonly pending: () => Uint8Array[],
    /** The copy's client id, which its repairs are written with (random unless given: tests fix it to replay a case). */
    private readonly clientID?: number,
  ) {}

  /**
   * Applies `update` to the copy; null when the document stays inside the schema, else the problem
   * (and the copy is dropped: the update is not in the document). With `writer`, the update must
   * also keep to suggestion mode's rules for that person (server/collab/suggestion-check.ts); such a
   * problem comes back as `{ suggestion }`.
   */
  check(update: Uint8Array, writer?: Writer): string | { suggestion: string } | null {
    const scratch = this.scratch ?? this.build();
    this.changes = [];
    this.writer = writer ?? null;
    this.suggestion = undefined;
    this.repairs = [];
    this.repair = null;
    const complete = scratch.store.pendingStructs === null && scratch.store.pendingDs === null;
    let problem: string | { suggestion: string } | null;
    try {
      Y.applyUpdate(scratch, update);
      if (writer?.onlySuggest && complete && (scratch.store.pendingStructs !== null || scratch.store.pendingDs !== null)) {
        // What it lacks the base of would be checked later, in someone else's update.
        problem = { suggestion: "an update that builds on changes the server does not have" };
      } else if (this.suggestion) problem = { suggestion: this.suggestion };
      else problem = this.verify();
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    this.changes = [];
    this.writer = null;
    this.suggestion = undefined;
    if (problem) this.drop();
    else if (this.repairs.length > 0) this.repair = this.applyRepairs();
    this.repairs = [];
    return problem;
  }

  /** Makes the pending repairs on the copy, as the server's own change: its update, or null when none was needed. */
  private applyRepairs(): Uint8Array | null {
    const scratch = this.scratch!;
    let update: Uint8Array | null = null;
    const take = (u: Uint8Array) => (update = u);
    scratch.on("update", take);
    try {
      applyRepairs(scratch, this.repairs);
    } finally {
      scratch.off("update", take);
      this.changes = [];
    }
    return update;
  }

  /** A change that reached the room's document some other way (another node, the server). */
  follow(update: Uint8Array): void {
    if (!this.scratch) return;
    try {
      Y.applyUpdate(this.scratch, update);
    } catch {
      this.drop();
    }
    this.changes = [];
  }

  /** Forgets the copy (it is rebuilt when next needed). */
  drop(): void {
    this.scratch?.destroy();
    this.scratch = null;
    this.fragment = null;
  }

  private build(): Y.Doc {
    const scratch = new Y.Doc({ gc: this.base.gc });
    if (this.clientID !== undefined) scratch.clientID = this.clientID;
    // Before anything is applied: items under the root name `default` then belong to a Y.XmlFragment.
    this.fragment = scratch.getXmlFragment(FRAGMENT);
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(this.base));
    for (const update of this.pending()) Y.applyUpdate(scratch, update);
    scratch.on("afterTransaction", (tr: Y.Transaction) => {
      // The update's own transaction (not Yjs's formatting cleanup after it), before deleted content is
      // collected: the suggestion rules need the text that was deleted.
      if (this.writer && this.suggestion === undefined) this.suggestion = suggestionProblem(tr, this.writer, this.repairs);
      if (tr.changed.size > 0) this.changes.push({ changed: tr.changed, before: tr.beforeState });
    });
    this.scratch = scratch;
    return scratch;
  }

  private verify(): string | null {
    if (this.changes.length === 0) return null;
    const fragment = this.fragment!;
    // The state before the first transaction: whatever any of them created counts as new.
    const before = this.changes[0].before;
    const created = createdChildren(this.scratch!, before);
    const seen = new Set<YType>();
    try {
      for (const { changed } of this.changes) {
        for (const type of changed.keys()) {
          if (seen.has(type)) continue;
          seen.add(type);
          if (type instanceof Y.XmlText) {
            // Its content or formatting changed: the text itself, in the block holding it.
            const parent = type.parent as YType | null;
            if (!parent || depthIn(parent, fragment) === null || isNew(type, before)) continue; // a new text is checked with its parent
            if (!(parent instanceof Y.XmlElement)) throw new SchemaViolation("text at the top level");
            checkText(type, nodeTypeOf(parent));
            continue;
          }
          const depth = depthIn(type, fragment);
          if (depth === null) continue; // outside the text, or deleted
          if (type === fragment) checkChildren(fragment, documentSchema().topNodeType, before, created, 0);
          else if (type instanceof Y.XmlElement) checkChildren(type, nodeTypeOf(type), before, created, depth);
          else throw new SchemaViolation("a shared type inside the text that is not an element or text");
        }
      }
      return null;
    } catch (error) {
      if (error instanceof SchemaViolation) return error.message;
      throw error;
    }
  }
}

/** How deep `type` sits in `fragment` (0 for the fragment), or null when it is not (still) in it. */
function depthIn(type: YType, fragment: Y.XmlFragment): number | null {
  let depth = 0;
  let t: YType = type;
  while (t !== fragment) {
    const item = t._item;
    if (!item || item.deleted || item.parentSub !== null) return null;
    t = item.parent as YType;
    depth++;
    if (depth > MAX_DEPTH + 1) throw new SchemaViolation(`nodes nested deeper than ${MAX_DEPTH}`);
  }
  return depth;
}

/** Checks a text inside a node of `type`: allowed there, with marks the node allows. */
function checkText(text: Y.XmlText, type: NodeType): void {
  if (!type.inlineContent) throw new SchemaViolation(`text inside ${type.name}`);
  checkContent(type, textNodes(text));
}

/**
 * The state of `type`'s content expression that takes its allowed children in any order and number
 * ("block+", "inline*", "listItem+"), or null when order matters ("paragraph block*").
 */
const loops = new Map<NodeType, ContentMatch | null>();
function orderFree(type: NodeType): ContentMatch | null {
  if (loops.has(type)) return loops.get(type)!;
  const all = Object.values(documentSchema().nodes);
  const start = type.contentMatch;
  const first = all.find((t) => start.matchType(t));
  const loop = first ? start.matchType(first)! : null;
  const free = loop !== null && all.every((t) => {
    const a = start.matchType(t);
    const b = loop.matchType(t);
    return a === null ? b === null : a === loop && b === loop && loop.validEnd;
  });
  loops.set(type, free ? loop : null);
  return free ? loop : null;
}

/**
 * Checks an element (or the fragment) one level deep: its attributes, its children's kinds and order,
 * and, in full, the children created since `before` (older ones were checked when they were made, and
 * one that changed since is checked for its own change). An older child that is not inside the schema
 * (stored before updates were checked) is left out of the order: it is shown as a placeholder, and
 * the rest of the section stays editable.
 *
 * When the order does not matter (the top level of a section: "block+"), only the new children are
 * looked at: a new paragraph in a section of ten thousand costs a walk along the list, not a check of
 * every block.
 */
function checkChildren(parent: Y.XmlFragment, type: NodeType, before: Map<number, number>, created: Map<YType, Y.Item[]>, depth: number): void {
  if (parent instanceof Y.XmlElement) elementAttrs(parent, type);
  const loop = orderFree(type);
  if (loop) {
    for (const item of created.get(parent) ?? []) {
      if (item.deleted) continue;
      const child = item.content instanceof Y.ContentType ? item.content.type : item.content.getContent()[0];
      if (child instanceof Y.XmlText) checkText(child, type);
      else {
        const node = elementToNode(child, depth + 1);
        if (!loop.matchType(node.type)) throw new SchemaViolation(`${node.type.name} inside ${type.name}`);
      }
    }
    return;
  }
  const children: { type: NodeType; marks?: readonly Mark[] }[] = [];
  for (const child of parent.toArray() as unknown[]) {
    if (child instanceof Y.XmlText) {
      if (!type.inlineContent) {
        if (isNew(child, before)) throw new SchemaViolation(`text inside ${type.name}`);
        continue;
      }
      children.push(...textNodes(child));
    } else if (child instanceof Y.AbstractType && !isNew(child, before)) {
      if (!(child instanceof Y.XmlElement)) continue;
      try {
        children.push({ type: nodeTypeOf(child) });
      } catch {
        continue;
      }
    } else {
      children.push(elementToNode(child, depth + 1));
    }
  }
  checkContent(type, children);
}

/**
 * The items created since `before` that are children of a list (an element's or the fragment's), by
 * parent: read from the document's struct store from each client's clock in `before` on, so that a
 * keystroke costs one struct, however long the section.
 */
function createdChildren(doc: Y.Doc, before: Map<number, number>): Map<YType, Y.Item[]> {
  const byParent = new Map<YType, Y.Item[]>();
  for (const [client, structs] of doc.store.clients) {
    const from = before.get(client) ?? 0;
    const last = structs[structs.length - 1];
    if (!last || last.id.clock + last.length <= from) continue;
    for (let i = from === 0 ? 0 : Y.findIndexSS(structs, from); i < structs.length; i++) {
      const s = structs[i];
      if (!(s instanceof Y.Item) || s.deleted || !s.countable || s.parentSub !== null) continue;
      const parent = s.parent as YType;
      const list = byParent.get(parent);
      if (list) list.push(s);
      else byParent.set(parent, [s]);
    }
  }
  return byParent;
}

/** Whether `type` was created by the transaction whose state before was `before`. */
const isNew = (type: YType, before: Map<number, number>) =>
  type._item !== null && type._item.id.clock >= (before.get(type._item.id.client) ?? 0);
