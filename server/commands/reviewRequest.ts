/**
 * Asking for a review. An owner asks the workspace's approver organisations to review the section's
 * current version (saved as a "review" version) by a due date; the section is then `in_review`. The
 * organisation that asks is never its only approver (server/policy.ts, `reviewRequest`).
 */
import { asc, eq } from "drizzle-orm";
import { statusAfter } from "../lifecycle";
import { authorize, reviewRequest, type Actor } from "../policy";
import { loadSectionFacts } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import { openRound } from "../views/reviews";
import { dueDateSchema, emitChanged, enforce, membersToTell, parse } from "./reviewSupport";
import { runCommand, type CommandDeps } from "./run";
import { captureVersion } from "./versionCapture";

export interface RequestReviewProps {
  /** Who asks; from the session. Only owners may. */
  actor: Actor;
  /** The section to review. */
  sectionId: string;
  /** The day by which every required organisation should decide (yyyy-mm-dd, not in the past). */
  dueDate: string;
}

/**
 * Opens a review round on the section's current version, for every approver organisation of the
 * workspace. A round still open is closed (its decisions stay in the record). The section becomes
 * `in_review`; the approvers are told.
 */
export async function requestReview(deps: CommandDeps, props: RequestReviewProps) {
  const { database } = deps;
  const { t } = database;
  const dueDate = parse(dueDateSchema, props.dueDate, "dueDate");
  return runCommand(deps, {
    load: () => loadSectionFacts(database, props.actor, props.sectionId),
    authorize: ({ facts }) => authorize(props.actor, "section.requestReview", facts),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx, { section, facts }) => {
      // The status and the approvers may have changed since they were read: decide on them in this transaction.
      const row = (await tx.select({ status: t.sections.status }).from(t.sections).where(eq(t.sections.id, section.id)).limit(1))[0];
      const organisations = await tx
        .select({ id: t.organisations.id })
        .from(t.workspaceApprovers)
        .innerJoin(t.organisations, eq(t.organisations.id, t.workspaceApprovers.organisationId))
        .where(eq(t.workspaceApprovers.workspaceId, section.workspaceId))
        .orderBy(asc(t.organisations.name));
      enforce(
        reviewRequest(props.actor, { ...facts, status: row.status, approverOrganisationIds: organisations.map((o) => o.id) }),
        "section.requestReview",
        409,
      );
      const now = new Date();
      const previous = await openRound(tx, database, section.id);
      if (previous) await tx.update(t.reviewRounds).set({ closedAt: now }).where(eq(t.reviewRounds.id, previous.id));
      const version = await captureVersion(tx, database, { sectionId: section.id, name: "Review requested", kind: "review", actorId: props.actor.id });
      const roundId = crypto.randomUUID();
      const required = organisations.map((o) => o.id);
      await tx.insert(t.reviewRounds).values({
        id: roundId,
        sectionId: section.id,
        versionId: version.id,
        contentHash: version.contentHash,
        requiredOrganisationIds: required,
        requestedBy: props.actor.id,
        dueDate,
        createdAt: now,
      });
      await tx.update(t.sections).set({ status: statusAfter("requestReview"), updatedAt: now }).where(eq(t.sections.id, section.id));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "review.requested",
        subjectType: "section",
        subjectId: section.id,
        workspaceId: section.workspaceId,
        data: { roundId, versionId: version.id, contentHash: version.contentHash, requiredOrganisationIds: required, dueDate, closedRoundId: previous?.id ?? null },
      });
      const approvers = await membersToTell(tx, database, section.workspaceId, { organisationIds: required }, props.actor.id);
      return {
        result: { roundId, versionId: version.id, contentHash: version.contentHash, requiredOrganisationIds: required, dueDate },
        notify: approvers.map((userId) => ({
          userId,
          kind: "review.requested",
          actorId: props.actor.id,
          workspaceId: section.workspaceId,
          sectionId: section.id,
          data: { sectionTitle: section.title, dueDate, contentHash: version.contentHash },
        })),
      };
    },
    emit: (_result, { section }) => emitChanged(deps.events, section, statusAfter("requestReview")),
  });
}
