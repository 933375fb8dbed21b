/**
 * Section-to-section links in a text read for output (ADR 031). A link to `/s/<id>` shows the target's
 * current title, whatever text it was inserted with; only for a target the reader may read. A link
 * to a section the reader may not read, or that no longer exists, keeps its stored text and loses its
 * link: no title of an unreadable section ever reaches a page or a file.
 */
import { Fragment, type Mark, type Node as PMNode } from "@tiptap/pm/model";
import { sectionIdOfHref } from "../../app/shared/section-links";

export interface LinkTargetTitle {
  title: string;
}

/**
 * `mode`: "page" keeps the link (a normal link to the section's page); "export" makes it plain text
 * (the title is the reference: a file has no address to follow).
 */
export function resolveSectionLinks(node: PMNode, targets: ReadonlyMap<string, LinkTargetTitle>, mode: "page" | "export"): PMNode {
  if (node.isText) return node;
  if (!node.inlineContent) {
    const children: PMNode[] = [];
    let changed = false;
    node.forEach((child) => {
      const next = resolveSectionLinks(child, targets, mode);
      if (next !== child) changed = true;
      children.push(next);
    });
    return changed ? node.copy(Fragment.fromArray(children)) : node;
  }
  const linkOf = (child: PMNode): Mark | undefined =>
    child.isText ? child.marks.find((m) => m.type.name === "link" && sectionIdOfHref(m.attrs.href) !== null) : undefined;
  const out: PMNode[] = [];
  let changed = false;
  let i = 0;
  const kids: PMNode[] = [];
  node.forEach((child) => kids.push(child));
  while (i < kids.length) {
    const child = kids[i];
    const link = linkOf(child);
    if (!link) {
      out.push(child);
      i++;
      continue;
    }
    // The run of text carrying this same link (its parts may be bold, italic…): one reference.
    let j = i + 1;
    while (j < kids.length && linkOf(kids[j])?.attrs.href === link.attrs.href) j++;
    const target = targets.get(sectionIdOfHref(link.attrs.href)!);
    changed = true;
    if (!target) {
      for (const part of kids.slice(i, j)) out.push(part.mark(link.removeFromSet(part.marks)));
    } else {
      // On a page: a link within Overleg, opened in the same tab.
      const inPage = link.type.create({ ...link.attrs, target: null, rel: null });
      const marks = mode === "page" ? inPage.addToSet(link.removeFromSet(child.marks)) : link.removeFromSet(child.marks);
      out.push(node.type.schema.text(target.title || "…", marks));
    }
    i = j;
  }
  return changed ? node.copy(Fragment.fromArray(out)) : node;
}
