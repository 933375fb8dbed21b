/**
 * Choosing a workspace's approving organisations: whose approval its sections need from the next review
 * round on. Separation of duties (server/policy.ts, `approversChange`): they do not change while a
 * review of one of its sections is open, and the person choosing never leaves their own organisation as
 * the only approver. A refused attempt is kept in the audit record.
 */
import { and, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { idSchema } from "../../app/shared/ids";
import { approversChange, authorize, type Actor, type Verdict } from "../policy";
import { loadWorkspaceFacts } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import { invalidInput } from "../services/errors";
import { enforce, parse } from "./reviewSupport";
import { runCommand, type CommandDeps } from "./run";

export interface SetApproversProps {
  /** Who asks; from the session. Owners (and admins) of the workspace may. */
  actor: Actor;
  /** The workspace whose approvers change. */
  workspaceId: string;
  /** The organisations whose approval the workspace's sections need from the next review round on (at most 50). */
  organisationIds: string[];
}

const organisationIdsSchema = z.array(idSchema).max(50, "At most 50 approving organisations.");

/**
 * Chooses the workspace's approving organisations. Refused, with the refusal audited, while a review of
 * one of its sections is open (its round was asked of the organisations chosen then), and when the
 * person choosing would leave their own organisation as the only approver. The refusal's audit entry
 * commits with the transaction; the refusal is thrown after it.
 */
export async function setWorkspaceApprovers(deps: CommandDeps, props: SetApproversProps): Promise<{ changed: boolean; organisationIds: string[] }> {
  const { database, events } = deps;
  const { t } = database;
  const wanted = [...new Set(parse(organisationIdsSchema, props.organisationIds, "organisationIds"))].sort();
  const outcome = await runCommand(deps, {
    load: () => loadWorkspaceFacts(database, props.actor, props.workspaceId),
    authorize: (facts) => authorize(props.actor, "workspace.update", facts),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx, facts): Promise<{ result: boolean | Verdict }> => {
      const known = wanted.length ? await tx.select({ id: t.organisations.id }).from(t.organisations).where(inArray(t.organisations.id, wanted)) : [];
      if (known.length !== wanted.length) throw invalidInput("Choose existing organisations.", "organisationIds");
      const before = (await tx.select({ id: t.workspaceApprovers.organisationId }).from(t.workspaceApprovers).where(eq(t.workspaceApprovers.workspaceId, props.workspaceId)))
        .map((r) => r.id)
        .sort();
      if (before.join() === wanted.join()) return { result: false };
      const open = await tx
        .select({ sectionId: t.reviewRounds.sectionId })
        .from(t.reviewRounds)
        .innerJoin(t.sections, eq(t.sections.id, t.reviewRounds.sectionId))
        .where(and(eq(t.sections.workspaceId, props.workspaceId), isNull(t.reviewRounds.closedAt)));
      const verdict = approversChange(props.actor, { ...facts, organisationIds: wanted, openReviews: open.length });
      if (!verdict.allowed) {
        // Kept in the record: someone tried to change who approves.
        await appendAudit(tx, {
          actorId: props.actor.id,
          action: "workspace.approvers_change_refused",
          subjectType: "workspace",
          subjectId: props.workspaceId,
          workspaceId: props.workspaceId,
          data: { from: before, to: wanted, code: verdict.code, openReviewSectionIds: open.map((o) => o.sectionId) },
        });
        return { result: verdict };
      }
      await tx.delete(t.workspaceApprovers).where(eq(t.workspaceApprovers.workspaceId, props.workspaceId));
      if (wanted.length) await tx.insert(t.workspaceApprovers).values(wanted.map((organisationId) => ({ workspaceId: props.workspaceId, organisationId })));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "workspace.approvers_changed",
        subjectType: "workspace",
        subjectId: props.workspaceId,
        workspaceId: props.workspaceId,
        data: { from: before, to: wanted },
      });
      return { result: true };
    },
    emit: (result) => {
      if (result === true) events.emit("workspace.changed", { workspaceId: props.workspaceId });
    },
  });
  if (typeof outcome !== "boolean") enforce(outcome, "workspace.update", 409, "organisationIds");
  return { changed: outcome === true, organisationIds: wanted };
}
