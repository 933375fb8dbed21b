/**
 * The reads of versions (ADR 017): a section's current text and hash, its versions, one version, the
 * version with a given hash, and the word diff of two texts. These take a section id, not the actor:
 * the pages that call them have checked `section.view` first (`viewSection`). The reads of versions say
 * so in their names (`listVersionsUnchecked`, `loadVersionUnchecked`, `findVersionByHashUnchecked`);
 * `currentHash` and `currentText` read the section's own current text for callers that checked
 * (the commands are in server/commands/version*.ts).
 */
import { diffWordsWithSpace } from "diff";
import { and, desc, eq } from "drizzle-orm";
import type { Node as PMNode } from "@tiptap/pm/model";
import * as Y from "yjs";
import type { Database } from "../../db/index";
import { listSuggestions } from "../../app/shared/suggestions";
import { contentHash, toProseMirror } from "../document";
import type { OpenSuggestionFacts } from "../policy";
import { NotFound } from "../services/access";
import { loadStoredDoc } from "../services/section-text";

export type VersionKind = "manual" | "review" | "decision" | "signoff" | "restore";

const bytes = (b: Uint8Array | Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** The section's current text as stored, and its hash. The caller destroys the doc. */
export async function currentState(database: Database, sectionId: string): Promise<{ doc: Y.Doc; hash: string }> {
  const doc = await loadStoredDoc(database, sectionId);
  return { doc, hash: contentHash(doc) };
}

/** The current content hash of a section and the suggestions still open in its text (ADR 027). */
export async function currentHashAndSuggestions(database: Database, sectionId: string): Promise<{ hash: string; openSuggestions: OpenSuggestionFacts[] }> {
  const { doc, hash } = await currentState(database, sectionId);
  try {
    const openSuggestions = listSuggestions(toProseMirror(doc)).map((s) => ({ kind: s.kind, name: s.name, organisation: s.organisation, text: s.inserted || s.deleted || s.formatted }));
    return { hash, openSuggestions };
  } finally {
    doc.destroy();
  }
}

/** The current content hash of a section. */
export async function currentHash(database: Database, sectionId: string): Promise<string> {
  const { doc, hash } = await currentState(database, sectionId);
  doc.destroy();
  return hash;
}

export interface VersionSummary {
  id: string;
  name: string;
  kind: VersionKind;
  contentHash: string;
  createdAt: Date;
  createdBy: string | null;
  createdByName: string | null;
}

/** A section's versions, newest first (without their state). */
export async function listVersionsUnchecked(database: Database, sectionId: string): Promise<VersionSummary[]> {
  const { db, t } = database;
  const rows = await db
    .select({
      id: t.versions.id,
      name: t.versions.name,
      kind: t.versions.kind,
      contentHash: t.versions.contentHash,
      createdAt: t.versions.createdAt,
      createdBy: t.versions.createdBy,
      createdByName: t.user.name,
    })
    .from(t.versions)
    .leftJoin(t.user, eq(t.user.id, t.versions.createdBy))
    .where(eq(t.versions.sectionId, sectionId))
    .orderBy(desc(t.versions.createdAt));
  return rows.map((r) => ({ ...r, kind: r.kind as VersionKind, createdAt: new Date(r.createdAt), createdByName: r.createdByName ?? null }));
}

/** One version of a section with its document; NotFound unless it belongs to that section. The caller destroys the doc. */
export async function loadVersionUnchecked(database: Database, sectionId: string, versionId: string): Promise<VersionSummary & { doc: Y.Doc }> {
  const { db, t } = database;
  const rows = await db
    .select({ version: t.versions, createdByName: t.user.name })
    .from(t.versions)
    .leftJoin(t.user, eq(t.user.id, t.versions.createdBy))
    .where(and(eq(t.versions.id, versionId), eq(t.versions.sectionId, sectionId)))
    .limit(1);
  const row = rows[0];
  if (!row) throw new NotFound("version", versionId);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytes(row.version.state));
  const v = row.version;
  return {
    id: v.id,
    name: v.name,
    kind: v.kind as VersionKind,
    contentHash: v.contentHash,
    createdAt: new Date(v.createdAt),
    createdBy: v.createdBy,
    createdByName: row.createdByName ?? null,
    doc,
  };
}

/** The newest version of a section with this content hash (the text someone approved), or null. */
export async function findVersionByHashUnchecked(database: Database, sectionId: string, hash: string): Promise<string | null> {
  const { db, t } = database;
  const rows = await db
    .select({ id: t.versions.id })
    .from(t.versions)
    .where(and(eq(t.versions.sectionId, sectionId), eq(t.versions.contentHash, hash)))
    .orderBy(desc(t.versions.createdAt))
    .limit(1);
  return rows[0]?.id ?? null;
}

/** The text of a document as plain text: one line per block, list items and table cells on their own lines. */
export function plainText(node: PMNode): string {
  const lines: string[] = [];
  node.descendants((child) => {
    if (child.isTextblock) {
      lines.push(child.textContent);
      return false;
    }
    return true;
  });
  return lines.join("\n");
}

export interface DiffPart {
  /** "same", "added" (in the newer text only) or "removed" (in the older text only). */
  op: "same" | "added" | "removed";
  text: string;
}

/** A word-level diff of two documents' texts (insertions and deletions of whole words). */
export function diffDocs(older: Y.Doc, newer: Y.Doc): DiffPart[] {
  return diffTexts(toProseMirror(older), toProseMirror(newer));
}

/** The word diff of two ProseMirror documents' plain texts. */
export function diffTexts(older: PMNode, newer: PMNode): DiffPart[] {
  const a = plainText(older);
  const b = plainText(newer);
  return diffWordsWithSpace(a, b).map((part) => ({
    op: part.added ? "added" : part.removed ? "removed" : "same",
    text: part.value,
  }));
}

