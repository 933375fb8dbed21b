/**
 * Archiving a section: it leaves the workspace's order, the roll-ups and the exports, its open editors
 * are closed at once (told why), and its text, versions, comments and audit stay readable to those who
 * could read them. Final and published sections are refused until the office reopens them.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { lockSectionLog } from "../collab/store";
import { authorize, type Actor } from "../policy";
import { loadSectionFacts } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import { parseInput } from "../services/errors";
import { runCommand, type CommandDeps } from "./run";
import { idSchema, sectionRowNow } from "./sectionSupport";

export const sectionArchiveInput = z.object({ sectionId: idSchema }).strict();
export type SectionArchiveInput = z.input<typeof sectionArchiveInput>;

export interface SectionArchiveProps {
  /** Who archives; from the session. Only the workspace's owners may. */
  actor: Actor;
  input: SectionArchiveInput;
}

export async function archiveSection(deps: CommandDeps, props: SectionArchiveProps): Promise<void> {
  const { database } = deps;
  const { t } = database;
  const input = parseInput(sectionArchiveInput, props.input);
  await runCommand(deps, {
    load: () => loadSectionFacts(database, props.actor, input.sectionId),
    authorize: ({ facts }) => authorize(props.actor, "section.archive", facts),
    // The section's log too: no edit is stored after the archive commits (the store checks under it).
    lock: async (tx, { section }) => {
      await lockAuditChain(tx);
      await lockSectionLog(database, tx, section.id, "exclusive");
    },
    change: async (tx, { section, facts }) => {
      const now = await sectionRowNow(tx, t, section.id);
      authorize(props.actor, "section.archive", { ...facts, status: now.status, sectionArchived: now.archivedAt !== null });
      const at = new Date();
      await tx.update(t.sections).set({ archivedAt: at, updatedAt: at }).where(eq(t.sections.id, section.id));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "section.archived",
        subjectType: "section",
        subjectId: section.id,
        workspaceId: now.workspaceId,
        data: { title: now.title, status: now.status },
      });
      return { result: { workspaceId: now.workspaceId } };
    },
    emit: ({ workspaceId }, { section }) => deps.events.emit("section.archived", { workspaceId, sectionId: section.id }),
  });
}
