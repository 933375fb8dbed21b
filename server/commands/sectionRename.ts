/** Renaming a section: its title is its own field, shown once above its text and in the exports. */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { authorize, type Actor } from "../policy";
import { loadSectionFacts } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import { parseInput } from "../services/errors";
import { runCommand, type CommandDeps } from "./run";
import { idSchema, sectionRowNow, sectionTitleSchema } from "./sectionSupport";

export const sectionRenameInput = z.object({ sectionId: idSchema, title: sectionTitleSchema }).strict();
export type SectionRenameInput = z.input<typeof sectionRenameInput>;

export interface SectionRenameProps {
  /** Who renames; from the session. Only the workspace's owners, and not while the section is final. */
  actor: Actor;
  input: SectionRenameInput;
}

export async function renameSection(deps: CommandDeps, props: SectionRenameProps): Promise<void> {
  const { database } = deps;
  const { t } = database;
  const input = parseInput(sectionRenameInput, props.input);
  await runCommand(deps, {
    load: () => loadSectionFacts(database, props.actor, input.sectionId),
    authorize: ({ facts }) => authorize(props.actor, "section.rename", facts),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx, { section, facts }) => {
      const now = await sectionRowNow(tx, t, section.id);
      authorize(props.actor, "section.rename", { ...facts, status: now.status, archived: now.archivedAt !== null });
      if (now.title !== input.title) {
        await tx.update(t.sections).set({ title: input.title, updatedAt: new Date() }).where(eq(t.sections.id, section.id));
        await appendAudit(tx, {
          actorId: props.actor.id,
          action: "section.renamed",
          subjectType: "section",
          subjectId: section.id,
          workspaceId: now.workspaceId,
          data: { from: now.title, to: input.title },
        });
      }
      return { result: { workspaceId: now.workspaceId, status: now.status } };
    },
    emit: ({ workspaceId, status }, { section }) =>
      deps.events.emit("section.changed", { workspaceId, sectionId: section.id, status, title: input.title }),
  });
}
