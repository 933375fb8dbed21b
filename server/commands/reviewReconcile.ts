/**
 * Keeping a review's status true to the text. An approval counts only while the section's hash equals
 * the one it was given on; after an edit it is stale, and fresh again when the text returns to that
 * exact hash. `reconcileReviewStatus` moves a section under review between `in_review` and `approved`
 * to match; `watchReviewStatus` runs it shortly after every stored change.
 *
 * Not on `runCommand` (server/commands/run.ts): nobody acts here, so there is no actor to load or
 * authorize; the office is told in the app and by mail when the section is approved again. Its steps still keep the skeleton's order: read outside, then in
 * one transaction lock the audit chain, re-check and write with its audit entry, emit after the commit.
 */
import { eq } from "drizzle-orm";
import type { SectionStatus } from "../../app/shared/domain";
import type { Collab } from "../collab/index";
import type { Services } from "../context";
import { isUnderReview } from "../lifecycle";
import { appendAudit, lockAuditChain } from "../services/audit";
import { announce, notify } from "../services/notifications";
import { readyForSignOff } from "./reviewSupport";
import { latestDecisions, openRound, roundStatus } from "../views/reviews";
import { currentHash } from "../views/versions";
import { enqueueMail, readyForSignOffMails } from "../mail/outbox";
import type { CommandDeps } from "./run";

/**
 * Moves a section under review between `in_review` and `approved` to match its current text: approved
 * exactly when every required organisation approved the current hash. Returns the new status when it
 * changed, else null.
 */
export async function reconcileReviewStatus(deps: CommandDeps, sectionId: string): Promise<SectionStatus | null> {
  const { database, events } = deps;
  const { db, t } = database;
  // Most sections being typed in are not under review: they cost one indexed read, not a hash.
  const before = (await db.select({ status: t.sections.status }).from(t.sections).where(eq(t.sections.id, sectionId)).limit(1))[0];
  if (!before || !isUnderReview(before.status)) return null;
  const hash = await currentHash(database, sectionId);
  const changed = await database.transaction(async (tx) => {
    await lockAuditChain(tx);
    const section = (await tx.select().from(t.sections).where(eq(t.sections.id, sectionId)).limit(1))[0];
    if (!section || !isUnderReview(section.status)) return null;
    const round = await openRound(tx, database, sectionId);
    if (!round) return null;
    const status: SectionStatus = roundStatus(round, await latestDecisions(tx, database, round.id), hash);
    if (status === section.status) return null;
    await tx.update(t.sections).set({ status, updatedAt: new Date() }).where(eq(t.sections.id, sectionId));
    await appendAudit(tx, {
      actorId: null,
      action: status === "approved" ? "review.approvals_fresh" : "review.approvals_stale",
      subjectType: "section",
      subjectId: sectionId,
      workspaceId: section.workspaceId,
      data: { roundId: round.id, contentHash: hash, from: section.status, to: status },
    });
    // Approved again (the text returned to the approved one): the office may sign it now, told in the app and by mail.
    const created = status === "approved" ? await notify(tx, database, await readyForSignOff(tx, database, section, null)) : [];
    const queued = status === "approved" ? await enqueueMail(tx, database, await readyForSignOffMails(tx, database, section, hash)) : 0;
    return { section, status, created, queued };
  });
  if (!changed) return null;
  const { section, status, created, queued } = changed;
  events.emit("section.changed", { workspaceId: section.workspaceId, sectionId, status, title: section.title });
  announce(events, created);
  if (queued) events.emit("mail.queued", { count: queued });
  return status;
}

/**
 * Re-checks the review status of a section shortly after its changes were stored (a burst of typing
 * is checked once). Returns the function that stops watching and waits for checks in progress.
 */
export function watchReviewStatus(services: Pick<Services, "database" | "events" | "log">, collab: Pick<Collab, "onStored">, delayMs = 250): () => Promise<void> {
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  const run = (sectionId: string) => {
    timers.delete(sectionId);
    if (stopped) return;
    const p = reconcileReviewStatus(services, sectionId)
      .catch((error: unknown) => services.log.error("re-checking a review status failed", { sectionId, error: String(error) }))
      .finally(() => running.delete(p));
    running.add(p);
  };
  const off = collab.onStored((sectionId) => {
    if (stopped || timers.has(sectionId)) return;
    const timer = setTimeout(() => run(sectionId), delayMs);
    timer.unref();
    timers.set(sectionId, timer);
  });
  return async () => {
    stopped = true;
    off();
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
    await Promise.allSettled([...running]);
  };
}

