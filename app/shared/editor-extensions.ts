/**
 * The document schema of a section, shared by the browser editor and the server (seed, Markdown,
 * content hashes, exports): both must agree on node and mark names. Collaboration supplies its own
 * history, so StarterKit's undo/redo is off.
 */
import type { AnyExtension } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import { TableKit } from "@tiptap/extension-table";

export function documentExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({ undoRedo: false, link: { openOnClick: false, autolink: true, protocols: ["http", "https", "mailto"] } }),
    TableKit.configure({ table: { resizable: false } }),
  ];
}

/** The name of the Y.XmlFragment holding a section's text (tiptap's default). */
export const FRAGMENT = "default";
