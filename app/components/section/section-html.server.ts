/**
 * A section's stored text as HTML, for the server-rendered read-only view. The text is rendered by
 * the editor's own extensions (@tiptap/static-renderer), which escapes text and attributes and keeps
 * the link extension's URL allow-list, so stored content cannot inject markup. Links other than
 * http(s) and mailto are dropped when the text is read, and a part outside the editor's schema is
 * shown as a placeholder: the page renders whatever the section holds.
 */
import type { Database } from "../../../db/index";
import { toProseMirror } from "../../../server/document";
import { loadStoredDoc } from "../../../server/services/section-text";
import { sectionTextHtml } from "../../../server/services/exports/html";

export async function storedSectionHtml(database: Database, sectionId: string): Promise<{ html: string; empty: boolean }> {
  const doc = await loadStoredDoc(database, sectionId);
  try {
    const node = toProseMirror(doc);
    const empty = node.textContent.trim().length === 0 && node.childCount <= 1;
    return { html: sectionTextHtml(node, sectionId), empty };
  } finally {
    doc.destroy();
  }
}
