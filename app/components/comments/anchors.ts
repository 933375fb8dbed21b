/**
 * Where a comment thread sits in a section's text: a pair of Yjs relative positions in the
 * section's `Y.XmlFragment`, encoded (Y.encodeRelativePosition) and sent as base64. Making one never
 * changes the document; the pair follows the text while others edit it.
 *
 * The start sticks to the first character of the range and the end to the last one, so text typed
 * right before or right after the range stays outside it, and text typed inside grows it. When the
 * whole range is deleted the positions collapse and the thread shows "text removed".
 *
 * Isomorphic: the editor passes its ySyncPlugin binding's mapping; tests and the server build one
 * with y-tiptap's `initProseMirrorDoc`.
 */
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition } from "@tiptap/y-tiptap";
import { fromBase64, toBase64 } from "lib0/buffer";
import * as Y from "yjs";

/** y-tiptap's map from Yjs types to ProseMirror nodes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Mapping = Map<Y.AbstractType<any>, any>;

export interface Anchor {
  start: string;
  end: string;
}

/** A relative position at a ProseMirror position, stuck to the character after it (assoc 0) or before it (-1). */
function relative(doc: Y.Doc, fragment: Y.XmlFragment, mapping: Mapping, pos: number, assoc: 0 | -1): Y.RelativePosition {
  const rel = absolutePositionToRelativePosition(pos, fragment, mapping) as Y.RelativePosition;
  const abs = Y.createAbsolutePositionFromRelativePosition(rel, doc);
  if (abs && abs.type instanceof Y.XmlText) return Y.createRelativePositionFromTypeIndex(abs.type, abs.index, assoc);
  return rel;
}

/** The anchor of the ProseMirror range [from, to). */
export function anchorFromRange(doc: Y.Doc, fragment: Y.XmlFragment, mapping: Mapping, from: number, to: number): Anchor {
  const start = relative(doc, fragment, mapping, from, 0);
  const end = relative(doc, fragment, mapping, to, -1);
  return { start: toBase64(Y.encodeRelativePosition(start)), end: toBase64(Y.encodeRelativePosition(end)) };
}

/**
 * Where a relative position is in ProseMirror now. y-tiptap answers null for any position on a
 * character that lands at ProseMirror position 1 or less (its guard against misresolved positions),
 * which is exactly the first character of a section; that one is resolved through the start of its
 * text instead, which needs no item.
 */
function absolute(doc: Y.Doc, fragment: Y.XmlFragment, mapping: Mapping, rel: Y.RelativePosition): number | null {
  const pos = relativePositionToAbsolutePosition(doc, fragment, rel, mapping);
  if (pos !== null) return pos;
  const abs = Y.createAbsolutePositionFromRelativePosition(rel, doc);
  if (!abs || !(abs.type instanceof Y.XmlText) || abs.index !== 0) return null;
  return relativePositionToAbsolutePosition(doc, fragment, Y.createRelativePositionFromTypeIndex(abs.type, 0, -1), mapping);
}

/**
 * The ProseMirror range an anchor points at now, or null when its text was removed (the range
 * collapsed, or the positions no longer resolve).
 */
export function resolveAnchor(doc: Y.Doc, fragment: Y.XmlFragment, mapping: Mapping, anchor: Anchor): { from: number; to: number } | null {
  try {
    const start = Y.decodeRelativePosition(fromBase64(anchor.start));
    const end = Y.decodeRelativePosition(fromBase64(anchor.end));
    const from = absolute(doc, fragment, mapping, start);
    const to = absolute(doc, fragment, mapping, end);
    if (from === null || to === null || from >= to) return null;
    return { from, to };
  } catch {
    return null;
  }
}
