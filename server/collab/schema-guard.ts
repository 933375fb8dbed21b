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
import type { Mark, NodeType } from "@tiptap/pm/model";
import * as Y from "yjs";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { checkContent, documentSchema, elementAttrs, elementToNode, MAX_DEPTH, nodeTypeOf, SchemaViolation, textNodes } from "../document-schema";

/** Any shared type (their event types differ). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type YType = Y.AbstractType<any>;
type Change = { changed: Map<YType, Set<string | null>>; before: Map<number, number> };

export class SchemaGuard {
  private scratch: Y.Doc | null = null;
  private fragment: Y.XmlFragment | null = null;
  private changes: Change[] = [];

  /**
   * @param base the room's document (as stored and applied)
   * @param pending the updates accepted but not yet applied to it, in order
   */
  constructor(
    private readonly base: Y.Doc,
    private readonly pending: () => Uint8Array[],
  ) {}

  /**
   * Applies `update` to the copy; null when the document stays inside the schema, else the problem
   * (and the copy is dropped: the update is not in the document).
   */
  check(update: Uint8Array): string | null {
    const scratch = this.scratch ?? this.build();
    this.changes = [];
    let problem: string | null;
    try {
      Y.applyUpdate(scratch, update);
      problem = this.verify();
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    this.changes = [];
    if (problem) this.drop();
    return problem;
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
    // Before anything is applied: items under the root name `default` then belong to a Y.XmlFragment.
    this.fragment = scratch.getXmlFragment(FRAGMENT);
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(this.base));
    for (const update of this.pending()) Y.applyUpdate(scratch, update);
    scratch.on("afterTransaction", (tr: Y.Transaction) => {
      if (tr.changed.size > 0) this.changes.push({ changed: tr.changed, before: tr.beforeState });
    });
    this.scratch = scratch;
    return scratch;
  }

  private verify(): string | null {
    const fragment = this.fragment!;
    const seen = new Set<YType>();
    try {
      for (const { changed, before } of this.changes) {
        for (const type of changed.keys()) {
          // A text's change is checked as part of its text block.
          const target = type instanceof Y.XmlText ? (type.parent as YType | null) : type;
          if (!target || seen.has(target)) continue;
          seen.add(target);
          const depth = depthIn(target, fragment);
          if (depth === null) continue; // outside the text, or deleted
          if (target === fragment) checkChildren(fragment, documentSchema().topNodeType, before, 0);
          else if (target instanceof Y.XmlElement) checkChildren(target, nodeTypeOf(target), before, depth);
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

/**
 * Checks an element (or the fragment) one level deep: its attributes, its children's kinds and order,
 * and, in full, the children created since `before` (older ones were checked when they were made, and
 * one that changed since is checked for its own change). An older child that is not inside the schema
 * (stored before updates were checked) is left out of the order: it is shown as a placeholder, and
 * the rest of the section stays editable.
 */
function checkChildren(parent: Y.XmlFragment, type: NodeType, before: Map<number, number>, depth: number): void {
  if (parent instanceof Y.XmlElement) elementAttrs(parent, type);
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

/** Whether `type` was created by the transaction whose state before was `before`. */
const isNew = (type: YType, before: Map<number, number>) =>
  type._item !== null && type._item.id.clock >= (before.get(type._item.id.client) ?? 0);
