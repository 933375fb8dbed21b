/**
 * Restoring a version never rewrites history: its text is written as a new change through the live
 * collab room, so everyone connected sees it at once.
 */
import { updateYFragment } from "@tiptap/y-tiptap";
import type { Node as PMNode } from "@tiptap/pm/model";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import type { Collab } from "../collab/index";
import { toProseMirror } from "../document";
import { authorize, type Actor } from "../policy";
import { loadSectionFacts } from "../services/access";
import { appendAudit } from "../services/audit";
import { loadVersionUnchecked } from "../views/versions";
import type { CommandDeps } from "./run";
import { captureVersion } from "./versionCapture";

export interface VersionDeps extends CommandDeps {
  /** The live documents; restoring needs it. */
  collab?: Pick<Collab, "applyServerChange">;
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
  // Not on runCommand: the text is changed through the live collab room (its own write path and
  // transaction) before this command's transaction keeps the result as a version.
  const { database, collab } = deps;
  const { section, facts } = await loadSectionFacts(database, props.actor, props.sectionId);
  authorize(props.actor, "section.restoreVersion", facts);
  const version = await loadVersionUnchecked(database, section.id, props.versionId);
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
