/**
 * Links from one section to another (ADR 031). Stored in the text as an ordinary link mark whose
 * target is the section's own address, `/s/<sectionId>`: a relative URL inside the link mark's
 * allow-list, kept by id so it survives renames and moves. Pages show it as a link with the
 * target's current title; exports as that title (an internal reference).
 */
import { ID_PATTERN } from "./id-pattern";

/** The address of a section's page, as stored in a link to it. */
export function sectionHref(sectionId: string): string {
  return `/s/${sectionId}`;
}

/** The section a link target names, or null when it is not a link to a section. */
export function sectionIdOfHref(href: unknown): string | null {
  if (typeof href !== "string") return null;
  const match = /^\/s\/([^/?#]+)$/.exec(href);
  return match && ID_PATTERN.test(match[1]) ? match[1] : null;
}

/** A section a person may link to (the editor's picker): in their agenda, readable to them. */
export interface SectionLinkTarget {
  id: string;
  title: string;
  workspaceTitle: string;
}
