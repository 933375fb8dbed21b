/**
 * Review rounds. An owner asks the workspace's approver organisations to review the section's current
 * version (saved as a "review" version) by a due date; the section is then `in_review`. A member of a
 * required organisation decides `approve` or `request_changes`, always on the exact text they saw: the
 * decision names its content hash and is refused when the text has changed since. An approval counts
 * only while the section's hash equals the one it was given on; after an edit it is stale, and fresh
 * again when the text returns to that exact hash. The section is `approved` exactly when every
 * required organisation's latest decision is a fresh approval; edits move it between `approved` and
 * `in_review` (`reconcileReviewStatus`, run after every stored change by `watchReviewStatus`).
 *
 * Separation of duties (decided by the policy module): the organisation that asks for a review is never
 * its only approver, nobody approves their own request, and a workspace's approving organisations do
 * not change while one of its reviews is open (a refused attempt is audited too).
 */
import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { todayInNetherlands } from "../../app/shared/dates";
import { idSchema } from "../../app/shared/ids";
import type { Database, Db } from "../../db/index";
import type { Collab } from "../collab/index";
import type { Services } from "../context";
import type { DomainEventBus } from "../events";
import { allApproved, isFreshApproval, isStaleApproval, isUnderReview, statusAfter, statusAfterReview } from "../lifecycle";
import {
  approversChange,
  authorize,
  Forbidden,
  reviewDecision,
  reviewRequest,
  type Actor,
  type Verdict,
} from "../policy";
import type { SectionStatus } from "../../app/shared/domain";
import { loadSectionFacts, loadWorkspaceFacts, type SectionRecord } from "./access";
import { appendAudit, lockAuditChain } from "./audit";
import { CommandError, invalidInput, parseInput } from "./errors";
import { announce, notify } from "./notifications";
import { captureVersion } from "../commands/versionCapture";
import { currentHash } from "../views/versions";

export interface ReviewDeps {
  database: Database;
  events: DomainEventBus;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  return parseInput(schema, value, { field });
}

export const dueDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Give the due date as yyyy-mm-dd.")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "That date does not exist.")
  .refine((v) => v >= todayInNetherlands(), "The due date cannot be in the past.");

export const decisionSchema = z.enum(["approve", "request_changes"], { message: "Choose approve or request changes." });
export const noteSchema = z.string().trim().max(4000, "A note has at most 4000 characters.");
export const hashSchema = z.string().regex(/^[0-9a-f]{64}$/, "The version you decided on is missing; reload the page.");

/** The workspace's approver organisations (ids and names), ordered by name. */
export async function workspaceApproverOrganisations(database: Database, workspaceId: string) {
  const { db, t } = database;
  return db
    .select({ id: t.organisations.id, name: t.organisations.name, shortCode: t.organisations.shortCode })
    .from(t.workspaceApprovers)
    .innerJoin(t.organisations, eq(t.organisations.id, t.workspaceApprovers.organisationId))
    .where(eq(t.workspaceApprovers.workspaceId, workspaceId))
    .orderBy(asc(t.organisations.name));
}

async function openRound(tx: Db | Database["db"], database: Database, sectionId: string) {
  const { t } = database;
  const rows = await tx
    .select()
    .from(t.reviewRounds)
    .where(and(eq(t.reviewRounds.sectionId, sectionId), isNull(t.reviewRounds.closedAt)))
    .orderBy(desc(t.reviewRounds.createdAt))
    .limit(1);
  return rows[0] ?? null;
}

type Round = NonNullable<Awaited<ReturnType<typeof openRound>>>;

/** The latest decision of each organisation in a round. */
async function latestDecisions(tx: Db | Database["db"], database: Database, roundId: string) {
  const { t } = database;
  const rows = await tx
    .select({
      id: t.reviewDecisions.id,
      organisationId: t.reviewDecisions.organisationId,
      userId: t.reviewDecisions.userId,
      userName: t.user.name,
      decision: t.reviewDecisions.decision,
      note: t.reviewDecisions.note,
      contentHash: t.reviewDecisions.contentHash,
      createdAt: t.reviewDecisions.createdAt,
    })
    .from(t.reviewDecisions)
    .leftJoin(t.user, eq(t.user.id, t.reviewDecisions.userId))
    .where(eq(t.reviewDecisions.roundId, roundId))
    .orderBy(asc(t.reviewDecisions.createdAt));
  const latest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) latest.set(row.organisationId, row); // later rows replace earlier ones
  return latest;
}

/** The status the round's latest decisions give a section whose text has `hash` (server/lifecycle.ts). */
function roundStatus(round: Round, latest: Awaited<ReturnType<typeof latestDecisions>>, hash: string) {
  return statusAfterReview(round.requiredOrganisationIds as string[], latest, hash);
}

/**
 * The members of a workspace to tell about a review step: those of the given organisations, or with
 * the given role; never the person who did it.
 */
export async function membersToTell(
  tx: Db,
  database: Database,
  workspaceId: string,
  who: { organisationIds?: string[]; role?: "owner" },
  exceptUserId: string,
): Promise<string[]> {
  const { t } = database;
  const rows = await tx
    .select({ userId: t.memberships.userId, role: t.memberships.role, organisationId: t.user.organisationId })
    .from(t.memberships)
    .innerJoin(t.user, eq(t.user.id, t.memberships.userId))
    .where(and(eq(t.memberships.workspaceId, workspaceId), isNull(t.user.disabledAt)));
  return rows
    .filter((r) => r.userId !== exceptUserId)
    .filter((r) => (who.role ? r.role === who.role : true))
    .filter((r) => (who.organisationIds ? r.organisationId !== null && who.organisationIds.includes(r.organisationId) : true))
    .map((r) => r.userId);
}

/** Throws the policy's refusal: Forbidden when the person may not act here at all, else a CommandError naming the rule. */
function enforce(verdict: Verdict, action: "section.requestReview" | "section.decideReview" | "workspace.update", status: 403 | 409, field?: string): void {
  if (verdict.allowed) return;
  if (verdict.code === "forbidden") throw new Forbidden(action, "forbidden", verdict.reason);
  throw new CommandError(verdict.code, verdict.reason, status, field);
}

function emitChanged(events: DomainEventBus, section: SectionRecord, status: SectionStatus) {
  events.emit("section.changed", { workspaceId: section.workspaceId, sectionId: section.id, status, title: section.title });
}

export interface RequestReviewProps {
  /** Who asks; from the session. Only owners may. */
  actor: Actor;
  sectionId: string;
  /** The day by which every required organisation should decide (yyyy-mm-dd). */
  dueDate: string;
}

/**
 * Opens a review round on the section's current version, for every approver organisation of the
 * workspace. A round still open is closed (its decisions stay in the record). The section becomes
 * `in_review`.
 */
export async function requestReview(deps: ReviewDeps, props: RequestReviewProps) {
  const { database, events } = deps;
  const { t } = database;
  const dueDate = parse(dueDateSchema, props.dueDate, "dueDate");
  const { section, facts } = await loadSectionFacts(database, props.actor, props.sectionId);
  authorize(props.actor, "section.requestReview", facts);
  const result = await database.transaction(async (tx) => {
    await lockAuditChain(tx);
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
    const told = await notify(
      tx,
      database,
      approvers.map((userId) => ({
        userId,
        kind: "review.requested",
        actorId: props.actor.id,
        workspaceId: section.workspaceId,
        sectionId: section.id,
        data: { sectionTitle: section.title, dueDate, contentHash: version.contentHash },
      })),
    );
    return { roundId, versionId: version.id, contentHash: version.contentHash, requiredOrganisationIds: required, dueDate, told };
  });
  emitChanged(events, section, statusAfter("requestReview"));
  announce(events, result.told);
  return result;
}

export interface DecideReviewProps {
  /** Who decides; from the session. A member of a required organisation. */
  actor: Actor;
  sectionId: string;
  decision: "approve" | "request_changes";
  note?: string;
  /** The content hash of the text the approver saw; refused when the section has changed since. */
  contentHash: string;
}

/**
 * Records an organisation's decision on the exact text it saw (saved as a "decision" version), then
 * sets the section to `approved` when every required organisation has approved its current hash.
 */
export async function decideReview(deps: ReviewDeps, props: DecideReviewProps) {
  const { database, events } = deps;
  const { t } = database;
  const decision = parse(decisionSchema, props.decision, "decision");
  const note = parse(noteSchema, props.note ?? "", "note");
  const seen = parse(hashSchema, props.contentHash, "contentHash");
  if (decision === "request_changes" && note.length === 0) {
    throw invalidInput("Say which changes you need in the note.", "note");
  }
  const { section, facts } = await loadSectionFacts(database, props.actor, props.sectionId);
  authorize(props.actor, "section.decideReview", facts);
  const result = await database.transaction(async (tx) => {
    await lockAuditChain(tx);
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
    const told = await notify(
      tx,
      database,
      owners.map((userId) => ({
        userId,
        kind: "review.decided",
        actorId: props.actor.id,
        workspaceId: section.workspaceId,
        sectionId: section.id,
        data: { sectionTitle: section.title, decision, note, contentHash: hash, status },
      })),
    );
    return { decisionId, contentHash: hash, status, versionId: version.id, told };
  });
  emitChanged(events, section, result.status);
  announce(events, result.told);
  return result;
}

/**
 * Moves a section under review between `in_review` and `approved` to match its current text: approved
 * exactly when every required organisation approved the current hash. Returns the new status when it
 * changed, else null.
 */
export async function reconcileReviewStatus(deps: ReviewDeps, sectionId: string): Promise<SectionStatus | null> {
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
    return { section, status };
  });
  if (!changed) return null;
  const { section, status } = changed;
  events.emit("section.changed", { workspaceId: section.workspaceId, sectionId, status, title: section.title });
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

export interface OrganisationReview {
  organisationId: string;
  name: string;
  shortCode: string;
  decision: {
    decision: "approve" | "request_changes";
    note: string;
    contentHash: string;
    at: Date;
    userName: string | null;
    /** An approval of a hash the section no longer has. */
    stale: boolean;
  } | null;
  /** No fresh approval and the due date has passed. */
  late: boolean;
}

export interface ReviewState {
  round: {
    id: string;
    versionId: string;
    contentHash: string;
    dueDate: string | null;
    createdAt: Date;
    requestedBy: string | null;
  } | null;
  currentHash: string;
  organisations: OrganisationReview[];
  /** Every required organisation approved the current hash. */
  complete: boolean;
}

/** The open review round of a section as everyone sees it, measured against its current text. */
export async function reviewState(database: Database, sectionId: string, hash?: string, today = todayInNetherlands()): Promise<ReviewState> {
  const current = hash ?? (await currentHash(database, sectionId));
  const round = await openRound(database.db, database, sectionId);
  if (!round) return { round: null, currentHash: current, organisations: [], complete: false };
  return {
    round: {
      id: round.id,
      versionId: round.versionId,
      contentHash: round.contentHash,
      dueDate: round.dueDate,
      createdAt: new Date(round.createdAt),
      requestedBy: round.requestedBy,
    },
    currentHash: current,
    ...(await organisationsOf(database, round, current, today)),
  };
}

async function organisationsOf(database: Database, round: Round, hash: string, today: string) {
  const { db, t } = database;
  const required = round.requiredOrganisationIds as string[];
  const [orgs, latest] = await Promise.all([
    required.length
      ? db.select({ id: t.organisations.id, name: t.organisations.name, shortCode: t.organisations.shortCode }).from(t.organisations).where(inArray(t.organisations.id, required))
      : Promise.resolve([]),
    latestDecisions(db, database, round.id),
  ]);
  const byId = new Map(orgs.map((o) => [o.id, o]));
  const organisations: OrganisationReview[] = required.map((id) => {
    const d = latest.get(id);
    const fresh = isFreshApproval(d, hash);
    return {
      organisationId: id,
      name: byId.get(id)?.name ?? id,
      shortCode: byId.get(id)?.shortCode ?? "",
      decision: d
        ? {
            decision: d.decision as "approve" | "request_changes",
            note: d.note,
            contentHash: d.contentHash,
            at: new Date(d.createdAt),
            userName: d.userName ?? null,
            stale: isStaleApproval(d, hash),
          }
        : null,
      late: !fresh && round.dueDate !== null && round.dueDate < today,
    };
  });
  return { organisations, complete: allApproved(required, latest, hash) };
}

/** For the annex: every decision and sign-off of a section, oldest first. */
export async function sectionRecord(database: Database, sectionId: string) {
  const { db, t } = database;
  const [decisions, signoffs] = await Promise.all([
    db
      .select({
        organisationName: t.organisations.name,
        userName: t.user.name,
        decision: t.reviewDecisions.decision,
        contentHash: t.reviewDecisions.contentHash,
        at: t.reviewDecisions.createdAt,
      })
      .from(t.reviewDecisions)
      .innerJoin(t.reviewRounds, eq(t.reviewRounds.id, t.reviewDecisions.roundId))
      .leftJoin(t.organisations, eq(t.organisations.id, t.reviewDecisions.organisationId))
      .leftJoin(t.user, eq(t.user.id, t.reviewDecisions.userId))
      .where(eq(t.reviewRounds.sectionId, sectionId))
      .orderBy(asc(t.reviewDecisions.createdAt)),
    db
      .select({
        userName: t.user.name,
        contentHash: t.signoffs.contentHash,
        at: t.signoffs.createdAt,
        reopenedAt: t.signoffs.reopenedAt,
        reopenReason: t.signoffs.reopenReason,
      })
      .from(t.signoffs)
      .leftJoin(t.user, eq(t.user.id, t.signoffs.userId))
      .where(eq(t.signoffs.sectionId, sectionId))
      .orderBy(asc(t.signoffs.createdAt)),
  ]);
  return {
    decisions: decisions.map((d) => ({ ...d, at: new Date(d.at) })),
    signoffs: signoffs.map((s) => ({ ...s, at: new Date(s.at), reopenedAt: s.reopenedAt ? new Date(s.reopenedAt) : null })),
  };
}


export interface SetApproversProps {
  /** Who asks; from the session. Owners (and admins) of the workspace may. */
  actor: Actor;
  workspaceId: string;
  /** The organisations whose approval the workspace's sections need from the next review round on. */
  organisationIds: string[];
}

const organisationIdsSchema = z.array(idSchema).max(50, "At most 50 approving organisations.");

/**
 * Chooses the workspace's approving organisations. Refused, with the refusal audited, while a review of
 * one of its sections is open (its round was asked of the organisations chosen then), and when the
 * person choosing would leave their own organisation as the only approver.
 */
export async function setWorkspaceApprovers(deps: ReviewDeps, props: SetApproversProps) {
  const { database, events } = deps;
  const { t } = database;
  const wanted = [...new Set(parse(organisationIdsSchema, props.organisationIds, "organisationIds"))].sort();
  const facts = await loadWorkspaceFacts(database, props.actor, props.workspaceId);
  authorize(props.actor, "workspace.update", facts);
  const outcome = await database.transaction(async (tx): Promise<boolean | Verdict> => {
    await lockAuditChain(tx);
    const known = wanted.length ? await tx.select({ id: t.organisations.id }).from(t.organisations).where(inArray(t.organisations.id, wanted)) : [];
    if (known.length !== wanted.length) throw invalidInput("Choose existing organisations.", "organisationIds");
    const before = (await tx.select({ id: t.workspaceApprovers.organisationId }).from(t.workspaceApprovers).where(eq(t.workspaceApprovers.workspaceId, props.workspaceId)))
      .map((r) => r.id)
      .sort();
    if (before.join() === wanted.join()) return false;
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
      return verdict;
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
    return true;
  });
  if (typeof outcome !== "boolean") enforce(outcome, "workspace.update", 409, "organisationIds");
  const changed = outcome === true;
  if (changed) events.emit("workspace.changed", { workspaceId: props.workspaceId });
  return { changed, organisationIds: wanted };
}
