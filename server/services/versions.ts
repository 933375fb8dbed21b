/**
 * Versions of a section: a Yjs snapshot (the full state, as an update) plus the content hash of its
 * text. Named versions are made on demand; the review, decision and sign-off commands make their own
 * (`captureVersion`, in their transaction). Any version can be read and compared with any other or
 * with the current text, word by word. Restoring a version never rewrites history: its text is
 * written as a new change through the live collab room, so everyone connected sees it at once.
 */
import { diffWordsWithSpace } from "diff";
import { and, desc, eq } from "drizzle-orm";
import { updateYFragment } from "@tiptap/y-tiptap";
import type { Node as PMNode } from "@tiptap/pm/model";
import * as Y from "yjs";
import { z } from "zod";
import type { Database, Db } from "../../db/index";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import type { Collab } from "../collab/index";
import { contentHash, toProseMirror } from "../document";
import type { DomainEventBus } from "../events";
import { authorize, type Actor } from "../policy";
import { loadSectionFacts, NotFound } from "./access";
import { appendAudit } from "./audit";
import { parseInput } from "./errors";
import { loadStoredDoc } from "./section-text";

export type VersionKind = "manual" | "review" | "decision" | "signoff" | "restore";

export interface VersionDeps {
  database: Database;
  events: DomainEventBus;
  /** The live documents; restoring needs it. */
  collab?: Pick<Collab, "applyServerChange">;
}

const bytes = (b: Uint8Array | Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** The section's current text as stored, and its hash. The caller destroys the doc. */
export async function currentState(database: Database, sectionId: string): Promise<{ doc: Y.Doc; hash: string }> {
  const doc = await loadStoredDoc(database, sectionId);
  return { doc, hash: contentHash(doc) };
}

/** The current content hash of a section. */
export async function currentHash(database: Database, sectionId: string): Promise<string> {
  const { doc, hash } = await currentState(database, sectionId);
  doc.destroy();
  return hash;
}

export interface CaptureProps {
  sectionId: string;
  name: string;
  kind: VersionKind;
  /** Who caused it (from the session), or null. */
  actorId: string | null;
}

/** Stores the section's current state as a version, inside the caller's transaction. */
export async function captureVersion(
  tx: Db,
  database: Database,
  props: CaptureProps,
): Promise<{ id: string; contentHash: string; createdAt: Date }> {
  const { t } = database;
  const { doc, hash } = await currentState(database, props.sectionId);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  const id = crypto.randomUUID();
  const createdAt = new Date();
  await tx.insert(t.versions).values({
    id,
    sectionId: props.sectionId,
    name: props.name,
    kind: props.kind,
    state: Buffer.from(state.buffer, state.byteOffset, state.byteLength),
    contentHash: hash,
    createdBy: props.actorId,
    createdAt,
  });
  return { id, contentHash: hash, createdAt };
}

export const versionNameSchema = z
  .string()
  .trim()
  .min(1, "Give the version a name.")
  .max(120, "A version name has at most 120 characters.");

function parse<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  return parseInput(schema, value, { field });
}

export interface CreateVersionProps {
  /** Who asks; from the session. */
  actor: Actor;
  sectionId: string;
  /** What the version is called ("Sent to the working group"). */
  name: string;
}

/** Saves a named version of the section's current text. Editors and owners may. */
export async function createVersion(deps: VersionDeps, props: CreateVersionProps) {
  const { database } = deps;
  const name = parse(versionNameSchema, props.name, "name");
  const { section, facts } = await loadSectionFacts(database, props.actor, props.sectionId);
  authorize(props.actor, "section.createVersion", facts);
  return database.transaction(async (tx) => {
    const version = await captureVersion(tx, database, { sectionId: section.id, name, kind: "manual", actorId: props.actor.id });
    await appendAudit(tx, {
      actorId: props.actor.id,
      action: "version.created",
      subjectType: "section",
      subjectId: section.id,
      workspaceId: section.workspaceId,
      data: { versionId: version.id, name, contentHash: version.contentHash },
    });
    return version;
  });
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
export async function listVersions(database: Database, sectionId: string): Promise<VersionSummary[]> {
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
export async function loadVersion(database: Database, sectionId: string, versionId: string): Promise<VersionSummary & { doc: Y.Doc }> {
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
export async function findVersionByHash(database: Database, sectionId: string, hash: string): Promise<string | null> {
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
  const a = plainText(toProseMirror(older));
  const b = plainText(toProseMirror(newer));
  return diffWordsWithSpace(a, b).map((part) => ({
    op: part.added ? "added" : part.removed ? "removed" : "same",
    text: part.value,
  }));
}

export interface RestoreVersionProps {
  /** Who asks; from the session. */
  actor: Actor;
  sectionId: string;
  versionId: string;
}

/**
 * Writes a version's text into the live section as a new change (the smallest change that makes the
 * text equal to the version's), saves the result as a "restore" version and audits it. Editors and
 * owners may, while the section is not final.
 */
export async function restoreVersion(deps: VersionDeps, props: RestoreVersionProps) {
  const { database, collab } = deps;
  const { section, facts } = await loadSectionFacts(database, props.actor, props.sectionId);
  authorize(props.actor, "section.restoreVersion", facts);
  const version = await loadVersion(database, section.id, props.versionId);
  let target: PMNode;
  try {
    target = toProseMirror(version.doc);
  } finally {
    version.doc.destroy();
  }
  if (!collab) throw new Error("Restoring a version needs the collab server.");
  await collab.applyServerChange(section.id, (doc) => {
    updateYFragment(doc, doc.getXmlFragment(FRAGMENT), target, { mapping: new Map(), isOMark: new Map() });
  });
  const result = await database.transaction(async (tx) => {
    const restored = await captureVersion(tx, database, {
      sectionId: section.id,
      name: version.name,
      kind: "restore",
      actorId: props.actor.id,
    });
    await appendAudit(tx, {
      actorId: props.actor.id,
      action: "version.restored",
      subjectType: "section",
      subjectId: section.id,
      workspaceId: section.workspaceId,
      data: { versionId: version.id, name: version.name, contentHash: restored.contentHash, restoredVersionId: restored.id },
    });
    return restored;
  });
  return { ...result, from: version.id };
}
