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
  /** The new section's title; without one, the file's first heading, else its name. */
  title?: string | null;
  file: ImportedFile;
}

/** Adds a section at the end of the workspace holding the file's text. */
export async function importAsNewSection(deps: VersionDeps, props: ImportAsNewSectionProps): Promise<{ sectionId: string; format: string }> {
  const { database } = deps;
  const { t } = database;
  const input = parseInput(
    z.object({ workspaceId: idSchema, title: sectionTitleSchema.optional(), file: fileNameSchema }).strict(),
    { workspaceId: props.workspaceId, file: props.file.name, ...(props.title?.trim() ? { title: props.title } : {}) },
  );
  const name = cleanName(input.file);
  let read: { content: BlockJSON[]; title: string; format: string } | null = null;
  return runCommand(deps, {
    load: () => loadWorkspaceFacts(database, props.actor, input.workspaceId),
    authorize: (facts) => authorize(props.actor, "section.create", facts),
    prepare: async (facts) => {
      // Read only for someone who may add sections.
      const built = await readImport(props.file.data, name);
      const content = checkWritable(built.doc);
      const fallback = name.replace(/\.[a-z0-9]+$/i, "").trim() || name;
      const title = (input.title ?? built.firstHeading ?? fallback).replace(/\s+/g, " ").trim().slice(0, SECTION_TITLE_MAX);
      read = { content, title, format: built.format };
      return facts;
    },
    lock: (tx) => lockAuditChain(tx),
    change: async (tx) => {
      const file = read!;
      const workspace = await workspaceRow(tx, t, input.workspaceId);
      refuseArchivedWorkspace(workspace);
      const id = crypto.randomUUID();
      await tx.insert(t.sections).values({ id, workspaceId: input.workspaceId, title: file.title, position: await nextPosition(tx, t, input.workspaceId) });
      const doc = new Y.Doc();
      try {
        writeDocument(doc, file.content);
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
        data: { title: file.title, templateId: null, importedFrom: { file: name, format: file.format, bytes: props.file.data.byteLength } },
      });
      return { result: { sectionId: id, format: file.format } };
    },
    emit: ({ sectionId }) => deps.events.emit("section.created", { workspaceId: input.workspaceId, sectionId }),
  });
}

export { ImportRefused };
