/**
 * An organisation's decision in a review round: `approve` or `request_changes`, always on the exact
 * text the approver saw (its content hash; refused when the text has changed since). Nobody approves
 * their own request (server/policy.ts, `reviewDecision`). The section becomes `approved` exactly when
 * every required organisation's latest decision is a fresh approval of the current text.
 */
import { eq } from "drizzle-orm";
import type { SectionStatus } from "../../app/shared/domain";
import { authorize, reviewDecision, type Actor } from "../policy";
import { loadSectionFacts } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import { CommandError, invalidInput } from "../services/errors";
import { latestDecisions, openRound, roundStatus } from "../views/reviews";
import { currentHash } from "../views/versions";
import { decisionSchema, emitChanged, enforce, hashSchema, membersToTell, noteSchema, parse, readyForSignOff } from "./reviewSupport";
import { readyForSignOffMails } from "../mail/outbox";
import { runCommand, type CommandDeps } from "./run";
import { captureVersion } from "./versionCapture";

export interface DecideReviewProps {
  /** Who decides; from the session. A member of a required organisation, not the one who asked. */
  actor: Actor;
  /** The section under review. */
  sectionId: string;
  /** The organisation's decision. */
  decision: "approve" | "request_changes";
  /** Why; required when asking for changes (at most 4000 characters). */
  note?: string;
  /** The content hash of the text the approver saw; refused when the section has changed since. */
  contentHash: string;
}

/**
 * Records an organisation's decision on the exact text it saw (saved as a "decision" version), then
 * sets the section to `approved` when every required organisation has approved its current hash. The
 * owners are told.
 */
export async function decideReview(deps: CommandDeps, props: DecideReviewProps) {
  const { database } = deps;
  const { t } = database;
  const decision = parse(decisionSchema, props.decision, "decision");
  const note = parse(noteSchema, props.note ?? "", "note");
  const seen = parse(hashSchema, props.contentHash, "contentHash");
  if (decision === "request_changes" && note.length === 0) {
    throw invalidInput("Say which changes you need in the note.", "note");
  }
  return runCommand(deps, {
    load: () => loadSectionFacts(database, props.actor, props.sectionId),
    authorize: ({ facts }) => authorize(props.actor, "section.decideReview", facts),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx, { section, facts }) => {
      const row = (await tx.select({ status: t.sections.status }).from(t.sections).where(eq(t.sections.id, section.id)).limit(1))[0];
      authorize(props.actor, "section.decideReview", { ...facts, status: row.status });
      const round = await openRound(tx, database, section.id);
      if (!round) throw new CommandError("no_open_review", "There is no open review of this section.", 409);
      enforce(
        reviewDecision(props.actor, decision, {
          ...facts,
          status: row.status,
          requestedBy: round.requestedBy,
          requiredOrganisationIds: round.requiredOrganisationIds as string[],
        }),
        "section.decideReview",
        403,
      );
      const organisationId = props.actor.organisationId!;
      const hash = await currentHash(database, section.id);
      if (hash !== seen) {
        throw new CommandError("stale_version", "The text has changed since you opened it; read the current version and decide again.", 409, "contentHash");
      }
      const version = await captureVersion(tx, database, {
        sectionId: section.id,
        name: decision === "approve" ? "Approved" : "Changes requested",
        kind: "decision",
        actorId: props.actor.id,
      });
      const decisionId = crypto.randomUUID();
      const now = new Date();
      await tx.insert(t.reviewDecisions).values({
        id: decisionId,
        roundId: round.id,
        organisationId,
        userId: props.actor.id,
        decision,
        note,
        contentHash: hash,
        createdAt: now,
      });
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "review.decided",
        subjectType: "section",
        subjectId: section.id,
        workspaceId: section.workspaceId,
        data: { roundId: round.id, decisionId, organisationId, decision, note, contentHash: hash, versionId: version.id },
      });
      const status: SectionStatus = roundStatus(round, await latestDecisions(tx, database, round.id), hash);
      if (status !== row.status) await tx.update(t.sections).set({ status, updatedAt: now }).where(eq(t.sections.id, section.id));
      const owners = await membersToTell(tx, database, section.workspaceId, { role: "owner" }, props.actor.id);
      const office = status === "approved" && row.status !== "approved" ? await readyForSignOff(tx, database, section, props.actor.id) : [];
      return {
        result: { decisionId, contentHash: hash, status, versionId: version.id },
        notify: [
          ...owners.map((userId) => ({
            userId,
            kind: "review.decided" as const,
            actorId: props.actor.id,
            workspaceId: section.workspaceId,
            sectionId: section.id,
            data: { sectionTitle: section.title, decision, note, contentHash: hash, status },
          })),
          ...office,
        ],
        // Approved by every required organisation: the minister's office may sign off now.
        mail: status === "approved" && row.status !== "approved" ? await readyForSignOffMails(tx, database, section, hash) : [],
      };
    },
    emit: (result, { section }) => emitChanged(deps.events, section, result.status),
  });
}
