/** Undoing a sign-off: only the minister's office reopens a final section, with a reason; it goes back to `draft`. */
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { statusAfter } from "../lifecycle";
import { authorize, type Actor } from "../policy";
import { loadSectionFacts } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import { parseInput } from "../services/errors";
import { membersToTell } from "./reviewSupport";
import { runCommand, type CommandDeps } from "./run";
import { requireStepUp, secondFactorAudit } from "../services/second-factor";
import type { SecondFactorState } from "../policy";

export const reopenReasonSchema = z
  .string()
  .trim()
  .min(3, "Say why the section is reopened.")
  .max(2000, "A reason has at most 2000 characters.");

export interface ReopenProps {
  /** Who reopens; from the session. Only the minister's office may. */
  actor: Actor;
  sectionId: string;
  /** Why; kept with the sign-off and in the audit trail. */
  reason: string;
}

/** Reopens a final section: unlocked, back to draft, the reason kept with the sign-off it undoes. */
export async function reopenSection(deps: CommandDeps, props: ReopenProps): Promise<void> {
  const { database } = deps;
  const { t } = database;
  const reason = parseInput(reopenReasonSchema, props.reason, { field: "reason" });
  let secondFactor: SecondFactorState | undefined;
  await runCommand(deps, {
    load: () => loadSectionFacts(database, props.actor, props.sectionId),
    authorize: async ({ facts }) => {
      authorize(props.actor, "section.reopen", facts);
      secondFactor = await requireStepUp(deps, props.actor, "section.reopen");
    },
    lock: (tx) => lockAuditChain(tx),
    change: async (tx, { section, facts }) => {
      const row = (await tx.select({ status: t.sections.status }).from(t.sections).where(eq(t.sections.id, section.id)).limit(1))[0];
      authorize(props.actor, "section.reopen", { ...facts, status: row.status });
      const now = new Date();
      const last = (
        await tx
          .select({ id: t.signoffs.id, contentHash: t.signoffs.contentHash })
          .from(t.signoffs)
          .where(and(eq(t.signoffs.sectionId, section.id), isNull(t.signoffs.reopenedAt)))
          .orderBy(desc(t.signoffs.createdAt))
          .limit(1)
      )[0];
      if (last) {
        await tx.update(t.signoffs).set({ reopenedAt: now, reopenedBy: props.actor.id, reopenReason: reason }).where(eq(t.signoffs.id, last.id));
      }
      await tx.update(t.sections).set({ status: statusAfter("reopen"), lockedBy: null, lockedAt: null, updatedAt: now }).where(eq(t.sections.id, section.id));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "section.reopened",
        subjectType: "section",
        subjectId: section.id,
        workspaceId: section.workspaceId,
        data: { reason, signoffId: last?.id ?? null, contentHash: last?.contentHash ?? null, ...secondFactorAudit(secondFactor!) },
      });
      const owners = await membersToTell(tx, database, section.workspaceId, { role: "owner" }, props.actor.id);
      return {
        result: undefined,
        notify: owners.map((userId) => ({
          userId,
          kind: "section.reopened",
          actorId: props.actor.id,
          workspaceId: section.workspaceId,
          sectionId: section.id,
          data: { sectionTitle: section.title, reason },
        })),
      };
    },
    emit: (_result, { section }) =>
      deps.events.emit("section.changed", { workspaceId: section.workspaceId, sectionId: section.id, status: statusAfter("reopen"), title: section.title }),
  });
}
