/**
 * A section's stored text as HTML, for the server-rendered read-only view. The text is rendered by
 * the editor's own extensions (@tiptap/static-renderer), which escapes text and attributes and keeps
 * the link extension's URL allow-list, so stored content cannot inject markup. Links other than
 * http(s), mailto and another section's page are dropped when the text is read; a link to another
 * section shows that section's current title when the reader may read it (server/services/
 * section-links.ts); a part outside the editor's schema is shown as a placeholder: the page renders
 * whatever the section holds.
 */
import type { Database } from "../../../db/index";
import { toProseMirror } from "../../../server/document";
import type { LinkTargetTitle } from "../../../server/services/section-links";
import { resolveSectionLinks } from "../../../server/services/section-links";
import { loadStoredDoc } from "../../../server/services/section-text";
import { sectionTextHtml } from "../../../server/services/exports/html";

export async function storedSectionHtml(
  database: Database,
  sectionId: string,
  linkTargets: ReadonlyMap<string, LinkTargetTitle> = new Map(),
): Promise<{ html: string; empty: boolean }> {
  const doc = await loadStoredDoc(database, sectionId);
  try {
    const node = resolveSectionLinks(toProseMirror(doc), linkTargets, "page");
    const empty = node.textContent.trim().length === 0 && node.childCount <= 1;
    return { html: sectionTextHtml(node, sectionId), empty };
  } finally {
    doc.destroy();
  }
}
