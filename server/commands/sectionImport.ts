/**
 * Bringing a file (DOCX, ODT, Markdown) into a section (ADR 030): as the new text of a section that
 * may still change, or as a new section of a workspace. The file is read only for someone allowed
 * to import, and nothing changes unless all of it fits the editor's schema and the limits.
 */
import { updateYFragment } from "@tiptap/y-tiptap";
import type { Node as PMNode } from "@tiptap/pm/model";
import * as Y from "yjs";
import { z } from "zod";
import { CollabLimits } from "../../app/shared/collab";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { writeDocument, type BlockJSON } from "../document";
import { documentProblem } from "../document-schema";
import { authorize, type Actor } from "../policy";
import { loadSectionFacts, loadWorkspaceFacts } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import { parseInput } from "../services/errors";
import { readImport, ImportRefused } from "../services/imports/index";
import { refuse } from "../services/imports/errors";
import { runCommand } from "./run";
import { idSchema, nextPosition, refuseArchivedWorkspace, SECTION_TITLE_MAX, sectionTitleSchema, workspaceRow } from "./sectionSupport";
import { captureVersion } from "./versionCapture";
import type { VersionDeps } from "./versionRestore";

/** The file as a door received it. */
export interface ImportedFile {
  /** Its name as the person's computer called it (its extension names the format). */
  name: string;
  data: Uint8Array;
}

const fileNameSchema = z.string().trim().min(1).max(255);

/** The file's name without folders or control characters, for versions and the audit log. */
// eslint-disable-next-line no-control-regex -- control characters are what is removed
const cleanName = (name: string) => name.replace(/^.*[\\/]/, "").replace(/[\u0000-\u001f\u007f]/g, "").slice(0, 255) || "file";

/** A scratch copy of the text: proves it is inside the schema and small enough, before anything is stored. */
function checkWritable(doc: PMNode): BlockJSON[] {
  const content = (doc.toJSON() as { content?: BlockJSON[] }).content ?? [];
  const scratch = new Y.Doc();
  try {
    writeDocument(scratch, content);
    const problem = documentProblem(scratch);
    if (problem) throw refuse("import_unreadable", `The file's text does not fit a section (${problem.slice(0, 120)}).`);
    if (Y.encodeStateAsUpdate(scratch).byteLength > CollabLimits.maxMessageBytes) {
      throw refuse("import_too_large", "The file's text is larger than one section holds.");
    }
  } finally {
    scratch.destroy();
  }
  return content;
}

export interface ImportIntoSectionProps {
  /** Who imports; from the session. Editors and owners, while the section is not final. */
  actor: Actor;
  sectionId: string;
  file: ImportedFile;
}

/**
 * Replaces a section's text with a file's: the current text is kept as a version first, then the
 * file's text is written through the live collab room (everyone connected sees it at once, as with a
 * restored version), kept as a version and audited.
 */
export async function importIntoSection(deps: VersionDeps, props: ImportIntoSectionProps) {
  // Not on runCommand (like restoreVersion): the text changes through the live room, between the
  // version of what was there and the transaction that keeps the result.
  const { database, collab } = deps;
  const sectionId = parseInput(z.object({ sectionId: idSchema }), { sectionId: props.sectionId }).sectionId;
  const { section, facts } = await loadSectionFacts(database, props.actor, sectionId);
  authorize(props.actor, "section.import", facts);
  const name = cleanName(parseInput(z.object({ file: fileNameSchema }), { file: props.file.name }).file);
  const built = await readImport(props.file.data, name);
  const content = checkWritable(built.doc);
  if (!collab) throw new Error("Importing into a section needs the collab server.");

  const before = await database.transaction(async (tx) =>
    captureVersion(tx, database, { sectionId: section.id, name: `Vóór import van ${name} / Before importing ${name}`.slice(0, 200), kind: "manual", actorId: props.actor.id }),
  );
  // Asked again right before the write: a sign-off meanwhile locks the text.
  const again = await loadSectionFacts(database, props.actor, sectionId);
  authorize(props.actor, "section.import", again.facts);
  const target = built.doc.type.schema.nodeFromJSON({ type: "doc", content });
  await collab.applyServerChange(section.id, (doc) => {
    updateYFragment(doc, doc.getXmlFragment(FRAGMENT), target, { mapping: new Map(), isOMark: new Map() });
  });
  return database.transaction(async (tx) => {
    const after = await captureVersion(tx, database, { sectionId: section.id, name: `Import: ${name}`.slice(0, 200), kind: "manual", actorId: props.actor.id });
    await appendAudit(tx, {
      actorId: props.actor.id,
      action: "section.imported",
      subjectType: "section",
      subjectId: section.id,
      workspaceId: section.workspaceId,
      data: { file: name, format: built.format, bytes: props.file.data.byteLength, beforeVersionId: before.id, versionId: after.id, contentHash: after.contentHash },
    });
    return { sectionId: section.id, versionId: after.id, beforeVersionId: before.id, contentHash: after.contentHash, format: built.format };
  });
}

export interface ImportAsNewSectionProps {
  /** Who imports; from the session. Only the workspace's owners add sections. */
  actor: Actor;
  workspaceId: string;
  /** The new section's title; without one, the file's first heading, else its name. With `split`, the title of any text before the first heading. */
  title?: string | null;
  file: ImportedFile;
  /** One section per top-level heading of the file (the heading becomes its title), instead of one section. */
  split?: boolean;
  /** Only say which sections the import would add; nothing is written. */
  preview?: boolean;
}

/** Most sections one file may be split into. */
export const MAX_SPLIT_SECTIONS = 100;

interface Part {
  title: string;
  content: BlockJSON[];
}

/** Moves a part's headings as one so that its highest is level 2 (as the builder does for a whole file). */
function rankFromTwo(content: BlockJSON[]): BlockJSON[] {
  const levels: number[] = [];
  const find = (b: BlockJSON) => {
    if (b.type === "heading") levels.push(Number(b.attrs?.level ?? 2));
    b.content?.forEach(find);
  };
  content.forEach(find);
  if (!levels.length) return content;
  const delta = 2 - Math.min(...levels);
  const move = (b: BlockJSON): BlockJSON => ({
    ...b,
    ...(b.type === "heading" ? { attrs: { ...b.attrs, level: Math.min(6, Math.max(1, Number(b.attrs?.level ?? 2) + delta)) } } : {}),
    ...(b.content ? { content: b.content.map(move) } : {}),
  });
  return content.map(move);
}

/** The file's text in parts at its top-level headings (each heading the title of its part, not repeated in its text). */
function splitParts(content: BlockJSON[], leadTitle: string): Part[] {
  const top = content.filter((b) => b.type === "heading").map((b) => Number(b.attrs?.level ?? 2));
  if (!top.length) return [{ title: leadTitle, content }];
  const level = Math.min(...top);
  const parts: Part[] = [];
  let current: Part = { title: leadTitle, content: [] };
  const textOf = (b: BlockJSON): string => (b.text ?? "") + (b.content ?? []).map(textOf).join("");
  for (const block of content) {
    if (block.type === "heading" && Number(block.attrs?.level ?? 2) === level && textOf(block).trim()) {
      if (current.content.length || parts.length === 0) parts.push(current);
      current = { title: textOf(block).replace(/\s+/g, " ").trim().slice(0, SECTION_TITLE_MAX), content: [] };
    } else current.content.push(block);
  }
  parts.push(current);
  // Text before the first heading only when there is any.
  const kept = parts.filter((p, i) => i > 0 || p.content.some((b) => textOf(b).trim() || b.type === "table"));
  if (kept.length > MAX_SPLIT_SECTIONS) throw refuse("import_too_large", `The file would make more than ${MAX_SPLIT_SECTIONS} sections.`);
  return kept.map((p) => ({ title: p.title, content: rankFromTwo(p.content) }));
}

/**
 * Adds a section at the end of the workspace holding the file's text, or with `split` one section per
 * top-level heading; with `preview`, only answers which sections it would add.
 */
export async function importAsNewSection(
  deps: VersionDeps,
  props: ImportAsNewSectionProps,
): Promise<{ sectionId: string | null; sectionIds: string[]; format: string; sections: { title: string; characters: number }[] }> {
  const { database } = deps;
  const { t } = database;
  const input = parseInput(
    z.object({ workspaceId: idSchema, title: sectionTitleSchema.optional(), file: fileNameSchema }).strict(),
    { workspaceId: props.workspaceId, file: props.file.name, ...(props.title?.trim() ? { title: props.title } : {}) },
  );
  const name = cleanName(input.file);
  let read: { parts: Part[]; format: string } | null = null;
  const summary = (parts: Part[]) => parts.map((p) => ({ title: p.title, characters: p.content.reduce((n, b) => n + JSON.stringify(b).length, 0) }));
  const prepare = async () => {
    // Read only for someone who may add sections.
    const built = await readImport(props.file.data, name);
    const content = checkWritable(built.doc);
    const fallback = name.replace(/\.[a-z0-9]+$/i, "").trim() || name;
    if (props.split) {
      read = { parts: splitParts(content, (input.title ?? fallback).slice(0, SECTION_TITLE_MAX)), format: built.format };
    } else {
      const title = (input.title ?? built.firstHeading ?? fallback).replace(/\s+/g, " ").trim().slice(0, SECTION_TITLE_MAX);
      read = { parts: [{ title, content }], format: built.format };
    }
  };
  if (props.preview) {
    const facts = await loadWorkspaceFacts(database, props.actor, input.workspaceId);
    authorize(props.actor, "section.create", facts);
    await prepare();
    const file = read! as { parts: Part[]; format: string };
    return { sectionId: null, sectionIds: [], format: file.format, sections: summary(file.parts) };
  }
  return runCommand(deps, {
    load: () => loadWorkspaceFacts(database, props.actor, input.workspaceId),
    authorize: (facts) => authorize(props.actor, "section.create", facts),
    prepare: async (facts) => {
      await prepare();
      return facts;
    },
    lock: (tx) => lockAuditChain(tx),
    change: async (tx) => {
      const file = read! as { parts: Part[]; format: string };
      const workspace = await workspaceRow(tx, t, input.workspaceId);
      refuseArchivedWorkspace(workspace);
      let position = await nextPosition(tx, t, input.workspaceId);
      const sectionIds: string[] = [];
      for (const [index, part] of file.parts.entries()) {
        const id = crypto.randomUUID();
        await tx.insert(t.sections).values({ id, workspaceId: input.workspaceId, title: part.title, position: position++ });
        const doc = new Y.Doc();
        try {
          writeDocument(doc, part.content);
          await tx.insert(t.yjsSnapshots).values({ sectionId: id, data: Buffer.from(Y.encodeStateAsUpdate(doc)), upToSeq: 0 });
        } finally {
          doc.destroy();
        }
        await appendAudit(tx, {
          actorId: props.actor.id,
          action: "section.created",
          subjectType: "section",
          subjectId: id,
          workspaceId: input.workspaceId,
          data: { title: part.title, templateId: null, importedFrom: { file: name, format: file.format, bytes: props.file.data.byteLength, ...(props.split ? { part: index + 1, of: file.parts.length } : {}) } },
        });
        sectionIds.push(id);
      }
      return { result: { sectionId: sectionIds[0] ?? null, sectionIds, format: file.format, sections: summary(file.parts) } };
    },
    emit: ({ sectionIds }) => {
      for (const sectionId of sectionIds) deps.events.emit("section.created", { workspaceId: input.workspaceId, sectionId });
    },
  });
}

export { ImportRefused };
