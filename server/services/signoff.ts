/**
 * The final sign-off and its undoing. The minister's office signs an `approved` section whose current
 * text is exactly the one every required organisation approved; the section becomes `final` and
 * locked (the collab server, told by "section.changed", refuses every change from then on). Only the
 * minister's office reopens a final section, with a reason; it goes back to `draft`.
 */
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/index";
import type { DomainEventBus } from "../events";
import { statusAfter } from "../lifecycle";
import { authorize, type Actor } from "../policy";
import { lockSectionLog } from "../collab/store";
import { loadSectionFacts } from "./access";
import { appendAudit, lockAuditChain } from "./audit";
import { CommandError, parseInput } from "./errors";
import { announce, notify } from "./notifications";
import { hashSchema, membersToTell, reviewState } from "./reviews";
import { captureVersion, currentHash } from "./versions";

export interface SignOffDeps {
  database: Database;
  events: DomainEventBus;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  return parseInput(schema, value, { field });
}

export const reopenReasonSchema = z
  .string()
  .trim()
  .min(3, "Say why the section is reopened.")
  .max(2000, "A reason has at most 2000 characters.");

export interface SignOffProps {
  /** Who signs; from the session. Only the minister's office may. */
  actor: Actor;
  sectionId: string;
  /** The content hash of the text the office saw. */
  contentHash: string;
}

/** Signs an approved section off: saves a "signoff" version, records the sign-off, locks the section. */
export async function signOff(deps: SignOffDeps, props: SignOffProps) {
  const { database, events } = deps;
  const { t } = database;
  const seen = parse(hashSchema, props.contentHash, "contentHash");
  const { section, facts } = await loadSectionFacts(database, props.actor, props.sectionId);
  authorize(props.actor, "section.signOff", facts);
  const result = await database.transaction(async (tx) => {
    await lockAuditChain(tx);
    // Every update stored before this point is in the hash below, and none can be stored after it:
    // appends hold this lock shared and refuse a final section (server/collab/store.ts).
    await lockSectionLog(database, tx, section.id, "exclusive");
    const row = (await tx.select({ status: t.sections.status }).from(t.sections).where(eq(t.sections.id, section.id)).limit(1))[0];
    authorize(props.actor, "section.signOff", { ...facts, status: row.status });
    const hash = await currentHash(database, section.id);
    if (hash !== seen) {
      throw new CommandError("stale_version", "The text has changed since you opened it; read the current version and sign again.", 409, "contentHash");
    }
    const state = await reviewState(database, section.id, hash);
    if (!state.round || !state.complete) {
      throw new CommandError("not_approved", "Not every required organisation has approved the current text.", 409);
    }
    const version = await captureVersion(tx, database, { sectionId: section.id, name: "Signed off", kind: "signoff", actorId: props.actor.id });
    const signoffId = crypto.randomUUID();
    const now = new Date();
    await tx.insert(t.signoffs).values({ id: signoffId, sectionId: section.id, versionId: version.id, contentHash: hash, userId: props.actor.id, createdAt: now });
    await tx.update(t.reviewRounds).set({ closedAt: now }).where(eq(t.reviewRounds.id, state.round.id));
    await tx
      .update(t.sections)
      .set({ status: statusAfter("signOff"), lockedBy: props.actor.id, lockedAt: now, updatedAt: now })
      .where(eq(t.sections.id, section.id));
    await appendAudit(tx, {
      actorId: props.actor.id,
      action: "section.signed_off",
      subjectType: "section",
      subjectId: section.id,
      workspaceId: section.workspaceId,
      data: {
        signoffId,
        versionId: version.id,
        contentHash: hash,
        roundId: state.round.id,
        approvals: state.organisations.map((o) => ({ organisationId: o.organisationId, contentHash: o.decision?.contentHash ?? null })),
      },
    });
    const members = await membersToTell(tx, database, section.workspaceId, {}, props.actor.id);
    const told = await notify(
      tx,
      database,
      members.map((userId) => ({
        userId,
        kind: "section.signed_off",
        actorId: props.actor.id,
        workspaceId: section.workspaceId,
        sectionId: section.id,
        data: { sectionTitle: section.title, contentHash: hash },
      })),
    );
    return { signoffId, versionId: version.id, contentHash: hash, told };
  });
  events.emit("section.changed", { workspaceId: section.workspaceId, sectionId: section.id, status: statusAfter("signOff"), title: section.title });
  announce(events, result.told);
  return result;
}

export interface ReopenProps {
  /** Who reopens; from the session. Only the minister's office may. */
  actor: Actor;
  sectionId: string;
  /** Why; kept with the sign-off and in the audit trail. */
  reason: string;
}

/** Reopens a final section: unlocked, back to draft, the reason kept with the sign-off it undoes. */
export async function reopenSection(deps: SignOffDeps, props: ReopenProps) {
  const { database, events } = deps;
  const { t } = database;
  const reason = parse(reopenReasonSchema, props.reason, "reason");
  const { section, facts } = await loadSectionFacts(database, props.actor, props.sectionId);
  authorize(props.actor, "section.reopen", facts);
  const told = await database.transaction(async (tx) => {
    await lockAuditChain(tx);
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
      data: { reason, signoffId: last?.id ?? null, contentHash: last?.contentHash ?? null },
    });
    const owners = await membersToTell(tx, database, section.workspaceId, { role: "owner" }, props.actor.id);
    return notify(
      tx,
      database,
      owners.map((userId) => ({
        userId,
        kind: "section.reopened",
        actorId: props.actor.id,
        workspaceId: section.workspaceId,
        sectionId: section.id,
        data: { sectionTitle: section.title, reason },
      })),
    );
  });
  events.emit("section.changed", { workspaceId: section.workspaceId, sectionId: section.id, status: statusAfter("reopen"), title: section.title });
  announce(events, told);
}
