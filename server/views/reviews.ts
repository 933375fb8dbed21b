/**
 * The reads of review rounds (ADR 017): a section's open round measured against its current text, the
 * workspace's approver organisations, and a section's record of decisions and sign-offs for the annex.
 * The commands are in server/commands/review*.ts.
 *
 * These do not take the actor, and their names say so (`reviewStateUnchecked`,
 * `workspaceApproverOrganisationsUnchecked`, `sectionRecordUnchecked`): the review page calls them after
 * `viewSection` checked `section.view`, the agenda view and the sign-off command after their own checks.
 * `openRound` and `latestDecisions` are the steps the review commands read in their transaction.
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import { todayInNetherlands } from "../../app/shared/dates";
import type { Database, Db } from "../../db/index";
import { allApproved, isFreshApproval, isStaleApproval, statusAfterReview } from "../lifecycle";
import { currentHash } from "./versions";

/** The workspace's approver organisations (ids and names), ordered by name. Does not check: see above. */
export async function workspaceApproverOrganisationsUnchecked(database: Database, workspaceId: string) {
  const { db, t } = database;
  return db
    .select({ id: t.organisations.id, name: t.organisations.name, shortCode: t.organisations.shortCode })
    .from(t.workspaceApprovers)
    .innerJoin(t.organisations, eq(t.organisations.id, t.workspaceApprovers.organisationId))
    .where(eq(t.workspaceApprovers.workspaceId, workspaceId))
    .orderBy(asc(t.organisations.name));
}

/** The open review round of a section, or null (read in a command's transaction or outside it). */
export async function openRound(tx: Db | Database["db"], database: Database, sectionId: string) {
  const { t } = database;
  const rows = await tx
    .select()
    .from(t.reviewRounds)
    .where(and(eq(t.reviewRounds.sectionId, sectionId), isNull(t.reviewRounds.closedAt)))
    .orderBy(desc(t.reviewRounds.createdAt))
    .limit(1);
  return rows[0] ?? null;
}

export type Round = NonNullable<Awaited<ReturnType<typeof openRound>>>;

/** The latest decision of each organisation in a round. */
export async function latestDecisions(tx: Db | Database["db"], database: Database, roundId: string) {
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
export function roundStatus(round: Round, latest: Awaited<ReturnType<typeof latestDecisions>>, hash: string) {
  return statusAfterReview(round.requiredOrganisationIds as string[], latest, hash);
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
    userId: string | null;
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
export async function reviewStateUnchecked(database: Database, sectionId: string, hash?: string, today = todayInNetherlands()): Promise<ReviewState> {
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
            userId: d.userId ?? null,
            userName: d.userName ?? null,
            stale: isStaleApproval(d, hash),
          }
        : null,
      late: !fresh && round.dueDate !== null && round.dueDate < today,
    };
  });
  return { organisations, complete: allApproved(required, latest, hash) };
}

/** For the annex: every decision and sign-off of a section, oldest first. Does not check: the agenda view has. */
export async function sectionRecordUnchecked(database: Database, sectionId: string) {
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



/**
 * The record a final or published section was locked with: the sign-off in force (who, when, which text)
 * and the latest decision of each organisation of the round it closed. Null while no sign-off is in force.
 * Does not check: the review and section pages call it after `viewSection` checked `section.view`.
 */
export async function lockedRecordUnchecked(database: Database, sectionId: string) {
  const { db, t } = database;
  const [signoff] = await db
    .select({ userName: t.user.name, contentHash: t.signoffs.contentHash, at: t.signoffs.createdAt })
    .from(t.signoffs)
    .leftJoin(t.user, eq(t.user.id, t.signoffs.userId))
    .where(and(eq(t.signoffs.sectionId, sectionId), isNull(t.signoffs.reopenedAt)))
    .orderBy(desc(t.signoffs.createdAt))
    .limit(1);
  if (!signoff) return null;
  const [round] = await db
    .select()
    .from(t.reviewRounds)
    .where(and(eq(t.reviewRounds.sectionId, sectionId), isNotNull(t.reviewRounds.closedAt)))
    .orderBy(desc(t.reviewRounds.closedAt))
    .limit(1);
  const decisions = round
    ? await (async () => {
        const required = round.requiredOrganisationIds as string[];
        const [orgs, latest] = await Promise.all([
          required.length ? db.select({ id: t.organisations.id, name: t.organisations.name }).from(t.organisations).where(inArray(t.organisations.id, required)) : Promise.resolve([]),
          latestDecisions(db, database, round.id),
        ]);
        const names = new Map(orgs.map((o) => [o.id, o.name]));
        return required.map((id) => {
          const d = latest.get(id);
          return {
            organisationId: id,
            organisation: names.get(id) ?? id,
            decision: (d?.decision ?? null) as "approve" | "request_changes" | null,
            by: d?.userName ?? null,
            at: d ? new Date(d.createdAt) : null,
            note: d?.note ?? "",
            contentHash: d?.contentHash ?? null,
          };
        });
      })()
    : [];
  return { signedOffBy: signoff.userName ?? null, signedOffAt: new Date(signoff.at), contentHash: signoff.contentHash, decisions };
}
