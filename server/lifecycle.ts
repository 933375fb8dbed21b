/**
 * The section lifecycle, in one place: which status a section has after each step, from which
 * statuses a step can be taken, and when its text is locked. Pure: callers load the status (and,
 * for a review, the latest decisions) and ask. Who may take a step is the policy module's question
 * (server/policy.ts), which asks this one whether the step is possible at all.
 *
 *   request review: draft | in_review → in_review (a new round replaces an open one)
 *   decide:         in_review | approved → approved or in_review (see statusAfterReview)
 *   edit:           in_review | approved → approved or in_review; never while locked
 *   sign off:       approved → final (locked)
 *   reopen:         final → draft
 *   publish:        final → published (locked)
 *
 * `in_review` and `approved` differ only by the decisions: approved exactly while every required
 * organisation's latest decision is an approval of the current text; an edit after approval makes
 * those approvals stale and the section `in_review` again, and it is `approved` again when the text
 * returns to the approved hash.
 */
import type { SectionStatus } from "../app/shared/domain";

/** The steps that change a section's status on purpose (an edit changes it only through the review). */
export type LifecycleStep = "requestReview" | "decide" | "signOff" | "reopen" | "publish";

const from: Record<LifecycleStep, readonly SectionStatus[]> = {
  // An owner opens a round; a new one replaces a round still open.
  requestReview: ["draft", "in_review"],
  // While a round is open; an approved section can still be re-decided until it is signed off.
  decide: ["in_review", "approved"],
  signOff: ["approved"],
  reopen: ["final"],
  publish: ["final"],
};

const to: Record<Exclude<LifecycleStep, "decide">, SectionStatus> = {
  requestReview: "in_review",
  signOff: "final",
  reopen: "draft",
  publish: "published",
};

/** Whether `step` can be taken from `status` (who may take it is the policy's question). */
export function canStep(status: SectionStatus, step: LifecycleStep): boolean {
  return from[step].includes(status);
}

/** The statuses `step` can be taken from (for a database condition that re-checks it). */
export function statusesFrom(step: LifecycleStep): SectionStatus[] {
  return [...from[step]];
}

/** The status a section has after `step` (a review decision: `statusAfterReview`). */
export function statusAfter(step: Exclude<LifecycleStep, "decide">): SectionStatus {
  return to[step];
}

/** Signed off or published: the text is fixed, nothing may change it until the office reopens it. */
export function isLocked(status: SectionStatus): boolean {
  return status === "final" || status === "published";
}

/** A review round is open: in review, or approved and not yet signed off. */
export function isUnderReview(status: SectionStatus): boolean {
  return status === "in_review" || status === "approved";
}

/** One organisation's latest decision in a round, as far as the status is concerned. */
export interface DecisionFacts {
  decision: string;
  contentHash: string;
}

/** An approval that counts: given on exactly the text the section has now. */
export function isFreshApproval(decision: DecisionFacts | null | undefined, currentHash: string): boolean {
  return decision?.decision === "approve" && decision.contentHash === currentHash;
}

/** An approval of a text the section no longer has (it counts again if the text returns to it). */
export function isStaleApproval(decision: DecisionFacts | null | undefined, currentHash: string): boolean {
  return decision?.decision === "approve" && decision.contentHash !== currentHash;
}

/** Every required organisation's latest decision is a fresh approval (and someone is required). */
export function allApproved(
  requiredOrganisationIds: readonly string[],
  latest: ReadonlyMap<string, DecisionFacts>,
  currentHash: string,
): boolean {
  return requiredOrganisationIds.length > 0 && requiredOrganisationIds.every((org) => isFreshApproval(latest.get(org), currentHash));
}

/**
 * The status of a section under review after a decision or an edit: `approved` exactly when every
 * required organisation approved the current text, else `in_review` (an edit after approval makes it so).
 */
export function statusAfterReview(
  requiredOrganisationIds: readonly string[],
  latest: ReadonlyMap<string, DecisionFacts>,
  currentHash: string,
): "approved" | "in_review" {
  return allApproved(requiredOrganisationIds, latest, currentHash) ? "approved" : "in_review";
}

/**
 * Whether a section may be moved to another workspace or archived: not while it is final or
 * published (the office reopens it first), since its place in the signed or published agenda is fixed.
 */
export function canRearrange(status: SectionStatus): boolean {
  return !isLocked(status);
}
