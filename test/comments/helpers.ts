/**
 * Helpers for the comment tests: anchors made as the editor makes them (on a real client's copy of
 * the section, through y-tiptap's mapping), and the comments resource route called over HTTP.
 */
import { initProseMirrorDoc } from "@tiptap/y-tiptap";
import type { Node as PMNode } from "@tiptap/pm/model";
import type * as Y from "yjs";
import { anchorFromRange, resolveAnchor, type Anchor, type Mapping } from "../../app/components/comments/anchors";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { documentSchema } from "../../server/document";

/** The ProseMirror view of a Yjs doc, and its mapping. */
export function view(doc: Y.Doc): { pm: PMNode; mapping: Mapping; fragment: Y.XmlFragment } {
  const fragment = doc.getXmlFragment(FRAGMENT);
  const { doc: pm, mapping } = initProseMirrorDoc(fragment, documentSchema());
  return { pm, mapping: mapping as Mapping, fragment };
}

/** The ProseMirror range of the first occurrence of `phrase`. */
export function findPhrase(pm: PMNode, phrase: string): { from: number; to: number } {
  let found: { from: number; to: number } | null = null;
  pm.descendants((node, pos) => {
    if (found || !node.isText || !node.text) return !found;
    const at = node.text.indexOf(phrase);
    if (at >= 0) found = { from: pos + at, to: pos + at + phrase.length };
    return false;
  });
  if (!found) throw new Error(`"${phrase}" is not in the text`);
  return found;
}

export function anchorOf(doc: Y.Doc, phrase: string): { anchor: Anchor; quote: string } {
  const { pm, mapping, fragment } = view(doc);
  const { from, to } = findPhrase(pm, phrase);
  return { anchor: anchorFromRange(doc, fragment, mapping, from, to), quote: pm.textBetween(from, to, " ") };
}

/** The text an anchor points at now, or null when it was removed. */
export function textAt(doc: Y.Doc, anchor: Anchor): string | null {
  const { pm, mapping, fragment } = view(doc);
  const range = resolveAnchor(doc, fragment, mapping, anchor);
  return range ? pm.textBetween(range.from, range.to, " ") : null;
}

/** POST an intent to /s/<id>/comments with the person's cookie; the status and JSON body. */
export async function post(baseUrl: string, cookie: string, sectionId: string, body: Record<string, unknown>) {
  const res = await fetch(`${baseUrl}/s/${sectionId}/comments`, {
    method: "POST",
    headers: { cookie, origin: baseUrl, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { thread?: { id: string } } };
}

export async function getJson(baseUrl: string, cookie: string, path: string) {
  const res = await fetch(`${baseUrl}${path}`, { headers: { cookie } });
  return { status: res.status, text: await res.text() };
}
