/**
 * Who wrote what (ADR 028): the current text of a section, each part attributed to the person (and
 * their organisation) who last wrote it. Every Yjs item carries the client id it was written with, and
 * the collab server recorded the owner of each client id from the session (table section_clients), so
 * the attribution survives the log being folded into a snapshot. Text written by the server itself
 * (a restored version, a repair) or before the owners were recorded has no author.
 */
import { eq } from "drizzle-orm";
import * as Y from "yjs";
import type { Database } from "../../db/index";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { documentSchema, toProseMirror } from "../document";
import { authorize, type Actor } from "../policy";
import { loadSectionFacts } from "../services/access";
import { loadStoredDoc } from "../services/section-text";
import { diffDocs, plainText, type DiffPart } from "./versions";

/** A stretch of text written with one client id. */
export interface ClientRun {
  text: string;
  clientId: number;
}

/** One text block (paragraph, heading, list item's paragraph, …) of the current text, in order. */
export interface ClientBlock {
  /** The block's node type (paragraph, heading, …). */
  type: string;
  runs: ClientRun[];
}

/** A person who wrote part of the text (null ids when unknown: the server, or from before recording). */
export interface Author {
  /** Key of the author in `runs` ("" for unknown). */
  key: string;
  personId: string | null;
  name: string | null;
  organisationId: string | null;
  organisationName: string | null;
  organisationShortCode: string | null;
}

export interface AuthorshipBlock {
  type: string;
  runs: { text: string; author: string }[];
}

export interface SectionAuthorship {
  blocks: AuthorshipBlock[];
  /** Everyone who wrote part of the current text, the unknown author ("") last if present. */
  authors: Author[];
}

/**
 * The text blocks of `doc` with, for every character, the client id it was written with (pure). Blocks
 * are the editor's text blocks in document order, so joining their texts with "\n" gives the plain text
 * the version compare diffs (server/views/versions.ts plainText).
 */
export function clientRuns(doc: Y.Doc): ClientBlock[] {
  const blocks: ClientBlock[] = [];
  const walk = (element: Y.XmlElement | Y.XmlFragment) => {
    for (const child of element.toArray()) {
      if (!(child instanceof Y.XmlElement)) continue;
      const type = child.nodeName;
      if (documentSchema().nodes[type]?.isTextblock) {
        const block: ClientBlock = { type, runs: [] };
        for (const inline of child.toArray()) if (inline instanceof Y.XmlText) pushText(block, inline);
        blocks.push(block);
      } else {
        walk(child);
      }
    }
  };
  walk(doc.getXmlFragment(FRAGMENT));
  return blocks;
}

function pushText(block: ClientBlock, text: Y.XmlText): void {
  for (let item = text._start; item !== null; item = item.right) {
    if (item.deleted || !(item.content instanceof Y.ContentString)) continue;
    const str = item.content.str;
    const last = block.runs[block.runs.length - 1];
    if (last && last.clientId === item.id.client) last.text += str;
    else block.runs.push({ text: str, clientId: item.id.client });
  }
}

/** The recorded owners of a section's client ids, with their names and organisations. */
export async function clientAuthorsUnchecked(database: Database, sectionId: string): Promise<Map<number, Author>> {
  const { db, t } = database;
  const rows = await db
    .select({
      clientId: t.sectionClients.clientId,
      personId: t.sectionClients.userId,
      name: t.user.name,
      organisationId: t.sectionClients.organisationId,
      organisationName: t.organisations.name,
      organisationShortCode: t.organisations.shortCode,
    })
    .from(t.sectionClients)
    .leftJoin(t.user, eq(t.user.id, t.sectionClients.userId))
    .leftJoin(t.organisations, eq(t.organisations.id, t.sectionClients.organisationId))
    .where(eq(t.sectionClients.sectionId, sectionId));
  return new Map(
    rows.map((r) => [
      Number(r.clientId),
      {
        key: `${r.personId ?? ""}|${r.organisationId ?? ""}`,
        personId: r.personId,
        name: r.name ?? null,
        organisationId: r.organisationId,
        organisationName: r.organisationName ?? null,
        organisationShortCode: r.organisationShortCode ?? null,
      },
    ]),
  );
}

const UNKNOWN: Author = { key: "", personId: null, name: null, organisationId: null, organisationName: null, organisationShortCode: null };

/** Attributes `blocks` to the owners in `owners`: runs of one author merged, the authors listed. */
export function attribute(blocks: ClientBlock[], owners: Map<number, Author>): SectionAuthorship {
  const authors = new Map<string, Author>();
  const out = blocks.map((block) => {
    const runs: { text: string; author: string }[] = [];
    for (const run of block.runs) {
      const author = owners.get(run.clientId) ?? UNKNOWN;
      authors.set(author.key, author);
      const last = runs[runs.length - 1];
      if (last && last.author === author.key) last.text += run.text;
      else runs.push({ text: run.text, author: author.key });
    }
    return { type: block.type, runs };
  });
  const list = [...authors.values()].sort((a, b) => {
    if (!a.key || !b.key) return a.key ? -1 : b.key ? 1 : 0;
    return (a.organisationName ?? "").localeCompare(b.organisationName ?? "") || (a.name ?? "").localeCompare(b.name ?? "");
  });
  return { blocks: out, authors: list };
}

/**
 * Who wrote what in a section's current text, for `actor`: whoever may read the section (the policy's
 * `section.view`: the authors are no secret to those who see the text; its live cursors show them too).
 */
export async function sectionAuthorship(
  database: Database,
  actor: Actor,
  sectionId: string,
): Promise<SectionAuthorship & { section: { id: string; title: string; workspaceId: string } }> {
  const { section, facts } = await loadSectionFacts(database, actor, sectionId);
  authorize(actor, "section.view", facts);
  const [doc, owners] = await Promise.all([loadStoredDoc(database, sectionId), clientAuthorsUnchecked(database, sectionId)]);
  try {
    return { section: { id: section.id, title: section.title, workspaceId: section.workspaceId }, ...attribute(clientRuns(doc), owners) };
  } finally {
    doc.destroy();
  }
}

/** A part of a version compare, with who wrote an added part (when it can be told). */
export interface AuthoredDiffPart extends DiffPart {
  /** For an added part: the authors of its characters in the newer text ("Name (ORG)"), in order. */
  authors?: string[];
}

/** How an author is named in the compare: "Name (ORG)", or null when unknown. */
export function authorLabel(author: Author): string | null {
  if (!author.name) return null;
  const organisation = author.organisationShortCode ?? author.organisationName;
  return organisation ? `${author.name} (${organisation})` : author.name;
}

/**
 * The word diff of two versions (diffDocs) with the authors of each added part, read from the newer
 * text's items and the section's recorded owners. When the text blocks cannot be lined up with the
 * diffed text (they always can for the editor's schema), the parts come without authors.
 */
export function diffWithAuthors(older: Y.Doc, newer: Y.Doc, owners: Map<number, Author>): AuthoredDiffPart[] {
  const parts: AuthoredDiffPart[] = diffDocs(older, newer);
  const blocks = clientRuns(newer);
  const keys: (Author | undefined)[] = [];
  let text = "";
  blocks.forEach((block, i) => {
    if (i > 0) {
      text += "\n";
      keys.push(undefined);
    }
    for (const run of block.runs) {
      text += run.text;
      const owner = owners.get(run.clientId);
      for (let n = 0; n < run.text.length; n++) keys.push(owner);
    }
  });
  if (text !== plainText(toProseMirror(newer))) return parts;
  let at = 0;
  for (const part of parts) {
    if (part.op === "removed") continue;
    if (part.op === "added") {
      const names: string[] = [];
      for (let n = at; n < at + part.text.length; n++) {
        const label = keys[n] ? authorLabel(keys[n]!) : null;
        if (label && !names.includes(label)) names.push(label);
      }
      if (names.length) part.authors = names;
    }
    at += part.text.length;
  }
  return parts;
}
