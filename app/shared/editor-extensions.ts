/**
 * The document schema of a section, shared by the browser editor and the server (seed, Markdown,
 * content hashes, exports): both must agree on node and mark names. Collaboration supplies its own
 * history, so StarterKit's undo/redo is off. The suggestion marks (insertion, deletion, and
 * formatChange for suggested bold or italic) are part of it: the collab server's schema guard accepts
 * them, and checks who may add them (ADR 027, 043).
 */
import type { AnyExtension } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import { TableKit } from "@tiptap/extension-table";
import { suggestionExtensions } from "./suggestions";

export function documentExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({ undoRedo: false, link: { openOnClick: false, autolink: true, protocols: ["http", "https", "mailto"] } }),
    TableKit.configure({ table: { resizable: false } }),
    ...suggestionExtensions(),
  ];
}

/** The name of the Y.XmlFragment holding a section's text (tiptap's default). */
export const FRAGMENT = "default";
