/**
 * Moving a section to another workspace of the same agenda (an owner of both), at the end of its order.
 * Its text, versions, comments and review record go with it (they hang on the section's id); who may
 * open it follows the new workspace, so its open editors reconnect and are checked again.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { CommandError } from "../errors";
import { Forbidden, sectionMove, type Actor, type Verdict } from "../policy";
import { loadSectionFacts, loadWorkspaceFacts } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import { parseInput } from "../services/errors";
import { runCommand, type CommandDeps } from "./run";
import { idSchema, nextPosition, sectionRowNow, workspaceRow } from "./sectionSupport";

export const sectionMoveInput = z.object({ sectionId: idSchema, toWorkspaceId: idSchema }).strict();
export type SectionMoveInput = z.input<typeof sectionMoveInput>;

export interface SectionMoveProps {
  /** Who moves; from the session. An owner of both workspaces. */
  actor: Actor;
  input: SectionMoveInput;
}

/** The policy's verdict as the error every door understands. */
function refuse(verdict: Verdict): void {
  if (verdict.allowed) return;
  if (verdict.code === "forbidden" || verdict.code === "locked" || verdict.code === "archived") {
    throw new Forbidden("section.move", verdict.code, verdict.reason);
  }
  throw new CommandError(verdict.code, verdict.reason, 400, "toWorkspaceId");
}

export async function moveSection(deps: CommandDeps, props: SectionMoveProps): Promise<void> {
  const { database } = deps;
  const { db, t } = database;
  const input = parseInput(sectionMoveInput, props.input);
  await runCommand(deps, {
    load: async () => {
      const { section, facts } = await loadSectionFacts(database, props.actor, input.sectionId);
      const target = await loadWorkspaceFacts(database, props.actor, input.toWorkspaceId);
      const [from, to] = await Promise.all([workspaceRow(db, t, section.workspaceId), workspaceRow(db, t, input.toWorkspaceId)]);
      return { section, facts, target, from, to };
    },
    authorize: ({ facts, target, from, to }) =>
      refuse(
        sectionMove(props.actor, {
          section: facts,
          target,
          sameAgenda: from.agendaId !== null && from.agendaId === to.agendaId,
          sameWorkspace: from.id === to.id,
          targetArchived: to.archivedAt !== null,
        }),
      ),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx, { section, facts, target }) => {
      const now = await sectionRowNow(tx, t, section.id);
      if (now.workspaceId !== section.workspaceId) {
        throw new CommandError("moved_meanwhile", "Someone else moved this section meanwhile; nothing was changed.", 409);
      }
      const [from, to] = await Promise.all([workspaceRow(tx, t, now.workspaceId), workspaceRow(tx, t, input.toWorkspaceId)]);
      refuse(
        sectionMove(props.actor, {
          section: { ...facts, status: now.status, archived: now.archivedAt !== null },
          target,
          sameAgenda: from.agendaId !== null && from.agendaId === to.agendaId,
          sameWorkspace: from.id === to.id,
          targetArchived: to.archivedAt !== null,
        }),
      );
      const position = await nextPosition(tx, t, to.id);
      await tx.update(t.sections).set({ workspaceId: to.id, position, updatedAt: new Date() }).where(eq(t.sections.id, section.id));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "section.moved",
        subjectType: "section",
        subjectId: section.id,
        workspaceId: to.id,
        data: { title: now.title, fromWorkspaceId: from.id, toWorkspaceId: to.id },
      });
      return { result: { fromWorkspaceId: from.id, toWorkspaceId: to.id } };
    },
    emit: (moved, { section }) => deps.events.emit("section.moved", { sectionId: section.id, ...moved }),
  });
}
