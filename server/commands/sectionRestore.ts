/** Restoring an archived section: it comes back at the end of its workspace's order, editable again. */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { authorize, type Actor } from "../policy";
import { loadSectionFacts } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import { parseInput } from "../services/errors";
import { runCommand, type CommandDeps } from "./run";
import { idSchema, nextPosition, refuseArchivedWorkspace, sectionRowNow, workspaceRow } from "./sectionSupport";

export const sectionRestoreInput = z.object({ sectionId: idSchema }).strict();
export type SectionRestoreInput = z.input<typeof sectionRestoreInput>;

export interface SectionRestoreProps {
  /** Who restores; from the session. Only the workspace's owners may. */
  actor: Actor;
  input: SectionRestoreInput;
}

export async function restoreSection(deps: CommandDeps, props: SectionRestoreProps): Promise<void> {
  const { database } = deps;
  const { t } = database;
  const input = parseInput(sectionRestoreInput, props.input);
  await runCommand(deps, {
    load: () => loadSectionFacts(database, props.actor, input.sectionId),
    authorize: ({ facts }) => authorize(props.actor, "section.restore", facts),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx, { section, facts }) => {
      const now = await sectionRowNow(tx, t, section.id);
      authorize(props.actor, "section.restore", { ...facts, status: now.status, sectionArchived: now.archivedAt !== null });
      refuseArchivedWorkspace(await workspaceRow(tx, t, now.workspaceId));
      const position = await nextPosition(tx, t, now.workspaceId);
      await tx.update(t.sections).set({ archivedAt: null, position, updatedAt: new Date() }).where(eq(t.sections.id, section.id));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "section.restored",
        subjectType: "section",
        subjectId: section.id,
        workspaceId: now.workspaceId,
        data: { title: now.title },
      });
      return { result: { workspaceId: now.workspaceId } };
    },
    emit: ({ workspaceId }) => deps.events.emit("workspace.changed", { workspaceId }),
  });
}
