/**
 * Loads the facts the policy module decides on. Every door calls these, then `authorize(...)`.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { preparedQuery, type Database } from "../../db/index";
import type { SignedIn } from "../context";
import { NotFound } from "../errors";
import type { Logger } from "../log";
import type { Actor, SectionFacts, WorkspaceFacts } from "../policy";
import type { SectionStatus } from "../../app/shared/domain";
import { personWithOrganisation } from "../views/shapes";

/** An unknown id (server/errors.ts); exported here too, beside the lookups that throw it. */
export { NotFound };

// The lookups every request and collab connection makes, built once (see preparedQuery).
const personById = preparedQuery("access_person_by_id", ({ db, t }) =>
  db
    .select({ ...personWithOrganisation(t), organisationKind: t.organisations.kind })
    .from(t.user)
    .leftJoin(t.organisations, eq(t.organisations.id, t.user.organisationId))
    .where(eq(t.user.id, sql.placeholder("userId")))
    .limit(1),
);
const sectionById = preparedQuery("access_section_by_id", ({ db, t }) =>
  db.select().from(t.sections).where(eq(t.sections.id, sql.placeholder("sectionId"))).limit(1),
);
const membershipRole = preparedQuery("access_membership_role", ({ db, t }) =>
  db
    .select({ role: t.memberships.role })
    .from(t.memberships)
    .where(and(eq(t.memberships.workspaceId, sql.placeholder("workspaceId")), eq(t.memberships.userId, sql.placeholder("userId"))))
    .limit(1),
);
const approvingOrganisation = preparedQuery("access_approving_organisation", ({ db, t }) =>
  db
    .select({ o: t.workspaceApprovers.organisationId })
    .from(t.workspaceApprovers)
    .where(
      and(
        eq(t.workspaceApprovers.workspaceId, sql.placeholder("workspaceId")),
        eq(t.workspaceApprovers.organisationId, sql.placeholder("organisationId")),
      ),
    )
    .limit(1),
);

const workspaceStanding = preparedQuery("access_workspace_standing", ({ db, t }) =>
  db
    .select({
      id: t.workspaces.id,
      agendaId: t.workspaces.agendaId,
      archivedAt: t.workspaces.archivedAt,
      agendaArchivedAt: t.agendas.archivedAt,
      ownerId: t.agendaOwners.userId,
    })
    .from(t.workspaces)
    .leftJoin(t.agendas, eq(t.agendas.id, t.workspaces.agendaId))
    .leftJoin(
      t.agendaOwners,
      and(eq(t.agendaOwners.agendaId, t.workspaces.agendaId), eq(t.agendaOwners.userId, sql.placeholder("userId"))),
    )
    .where(eq(t.workspaces.id, sql.placeholder("workspaceId")))
    .limit(1),
);

/** The actor for a signed-in user id, or null when the person no longer exists or is disabled. */
export async function loadActor(database: Database, userId: string): Promise<(Actor & { name: string; email: string; organisationName: string | null; organisationShortCode: string | null }) | null> {
  const rows = await personById(database, { userId });
  const row = rows[0];
  if (!row || row.disabledAt) return null;
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    isAdmin: Boolean(row.isAdmin),
    organisationId: row.organisationId,
    organisationKind: row.organisationKind ?? null,
    organisationName: row.organisationName ?? null,
    organisationShortCode: row.organisationShortCode ?? null,
  };
}

/** The actor's relation to a workspace; throws NotFound for an unknown workspace. */
export async function loadWorkspaceFacts(database: Database, actor: Actor, workspaceId: string): Promise<WorkspaceFacts> {
  const facts = await factsFor(database, actor, workspaceId);
  if (!facts) throw new NotFound("workspace", workspaceId);
  return facts;
}

/** The actor's relation to a workspace (membership, approving organisation, agenda owner, archived), or null for an unknown one. */
async function factsFor(database: Database, actor: Actor, workspaceId: string): Promise<WorkspaceFacts | null> {
  const standing = await loadWorkspaceStanding(database, actor, workspaceId);
  if (!standing) return null;
  const { agendaId: _agendaId, ...facts } = standing;
  return facts;
}

/** factsFor with the workspace's agenda (what the collab upgrade's cache drops its entries by), or null for an unknown workspace. */
export async function loadWorkspaceStanding(
  database: Database,
  actor: Actor,
  workspaceId: string,
): Promise<(WorkspaceFacts & { agendaId: string | null }) | null> {
  const [standing, membership, approver] = await Promise.all([
    workspaceStanding(database, { workspaceId, userId: actor.id }),
    membershipRole(database, { workspaceId, userId: actor.id }),
    actor.organisationId ? approvingOrganisation(database, { workspaceId, organisationId: actor.organisationId }) : Promise.resolve([]),
  ]);
  const ws = standing[0];
  if (!ws) return null;
  return {
    role: membership[0]?.role ?? null,
    approverOrganisation: approver.length > 0,
    agendaOwner: ws.ownerId !== null && ws.ownerId !== undefined,
    // An archived agenda archives every workspace in it (ADR 031).
    archived: ws.archivedAt != null || ws.agendaArchivedAt != null,
    agendaId: ws.agendaId ?? null,
  };
}

/** The facts on one workspace of many, with what they were made of. */
export interface WorkspaceStanding extends WorkspaceFacts {
  agendaId: string | null;
  /** The workspace itself was archived (`archived` is also true when its agenda was). */
  workspaceArchived: boolean;
  /** Its agenda was archived. */
  agendaArchived: boolean;
}

/**
 * The actor's facts on many workspaces at once (every workspace, those of one agenda, or the ids
 * given): role, approving organisation, agenda owner, archived (the workspace or its agenda). Every
 * view that lists workspaces builds its facts here, so none of them forgets one (ADR 031).
 */
export async function workspaceFactsFor(
  database: Database,
  actor: Actor,
  scope: { agendaId?: string; workspaceIds?: readonly string[] } = {},
): Promise<Map<string, WorkspaceStanding>> {
  const { db, t } = database;
  if (scope.workspaceIds && !scope.workspaceIds.length) return new Map();
  const where = scope.workspaceIds
    ? inArray(t.workspaces.id, [...scope.workspaceIds])
    : scope.agendaId
      ? eq(t.workspaces.agendaId, scope.agendaId)
      : undefined;
  const [rows, owned, memberships, approvals] = await Promise.all([
    db
      .select({ id: t.workspaces.id, agendaId: t.workspaces.agendaId, archivedAt: t.workspaces.archivedAt, agendaArchivedAt: t.agendas.archivedAt })
      .from(t.workspaces)
      .leftJoin(t.agendas, eq(t.agendas.id, t.workspaces.agendaId))
      .where(where),
    db.select({ agendaId: t.agendaOwners.agendaId }).from(t.agendaOwners).where(eq(t.agendaOwners.userId, actor.id)),
    db.select({ workspaceId: t.memberships.workspaceId, role: t.memberships.role }).from(t.memberships).where(eq(t.memberships.userId, actor.id)),
    actor.organisationId
      ? db.select({ workspaceId: t.workspaceApprovers.workspaceId }).from(t.workspaceApprovers).where(eq(t.workspaceApprovers.organisationId, actor.organisationId))
      : Promise.resolve([] as { workspaceId: string }[]),
  ]);
  const mine = new Set(owned.map((o) => o.agendaId));
  const roles = new Map(memberships.map((m) => [m.workspaceId, m.role]));
  const approverOf = new Set(approvals.map((a) => a.workspaceId));
  return new Map(
    rows.map((r) => [
      r.id,
      {
        role: roles.get(r.id) ?? null,
        approverOrganisation: approverOf.has(r.id),
        agendaOwner: r.agendaId !== null && mine.has(r.agendaId),
        archived: r.archivedAt != null || r.agendaArchivedAt != null,
        agendaId: r.agendaId,
        workspaceArchived: r.archivedAt != null,
        agendaArchived: r.agendaArchivedAt != null,
      },
    ]),
  );
}

/** For many workspaces at once: which agenda each is in, whether it is archived, whether the actor owns its agenda. */
export async function workspaceStandings(
  database: Database,
  actor: Actor,
  workspaceIds: readonly string[],
): Promise<Map<string, { agendaId: string | null; archived: boolean; agendaOwner: boolean }>> {
  return workspaceFactsFor(database, actor, { workspaceIds });
}

export interface SectionRecord {
  id: string;
  workspaceId: string;
  title: string;
  position: number;
  status: SectionStatus;
  lockedBy: string | null;
  lockedAt: Date | null;
  /** When an owner archived it (null: it is part of the workspace). */
  archivedAt: Date | null;
  updatedAt: Date;
}

/** A section and the actor's facts on it; throws NotFound for an unknown section. */
export async function loadSectionFacts(
  database: Database,
  actor: Actor,
  sectionId: string,
): Promise<{ section: SectionRecord; facts: SectionFacts }> {
  const section = await loadSectionRecord(database, sectionId);
  if (!section) throw new NotFound("section", sectionId);
  const facts = await factsFor(database, actor, section.workspaceId);
  if (!facts) throw new NotFound("section", sectionId);
  return { section, facts: { ...facts, status: section.status, ...(section.archivedAt ? { sectionArchived: true } : {}) } };
}

/** A section's record, or null for an unknown one. */
export async function loadSectionRecord(database: Database, sectionId: string): Promise<SectionRecord | null> {
  const section = (await sectionById(database, { sectionId }))[0];
  if (!section) return null;
  return {
    id: section.id,
    workspaceId: section.workspaceId,
    title: section.title,
    position: section.position,
    status: section.status,
    lockedBy: section.lockedBy,
    lockedAt: section.lockedAt,
    archivedAt: section.archivedAt,
    updatedAt: section.updatedAt,
  };
}

// ── the periodic re-check of open connections ────────────────────────────────────────────────────
// Sessions end without an event (expiry; a sign-out handled by another node while Redis was down),
// and an event can be lost: every open connection, collab and socket.io alike, is checked again on
// one clock. See docs/decisions/012-one-session-watch-for-every-connection.md.

/** What drives the periodic re-check: real time, or (tests) a clock the test ticks itself. */
export interface Clock {
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => Promise<void>): () => void;
}

export const realClock: Clock = {
  every(ms, tick) {
    const timer = setInterval(() => void tick(), ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** One round of checks: each session is asked once per round, whichever connection asks first. */
export interface SessionRound {
  /** The signed-in person for these headers now (cookie or bearer token), or null. */
  actorOf(headers: Headers): Promise<SignedIn | null>;
}

export interface SessionWatchOptions {
  /** How often every open connection's session is checked again (ms); default 30 s. */
  everyMs?: number;
  clock?: Clock;
}

export interface SessionWatch {
  /** Adds a check of open connections to every round; returns the function that removes it. */
  watch(check: (round: SessionRound) => Promise<unknown>): () => void;
  /** Runs a round now, or joins the one running; resolves when it has finished. */
  check(): Promise<void>;
  /** Stops the clock and waits for a running round. */
  close(): Promise<void>;
}

/** A round that asks each session once (by its cookie and Authorization header). */
export function sessionRound(actorFromHeaders: (headers: Headers) => Promise<SignedIn | null>): SessionRound {
  const asked = new Map<string, Promise<SignedIn | null>>();
  return {
    actorOf(headers) {
      const key = `${headers.get("cookie") ?? ""}\n${headers.get("authorization") ?? ""}`;
      let actor = asked.get(key);
      if (!actor) {
        actor = actorFromHeaders(headers);
        asked.set(key, actor);
      }
      return actor;
    },
  };
}

export function createSessionWatch(
  deps: { actorFromHeaders(headers: Headers): Promise<SignedIn | null>; log: Logger },
  options: SessionWatchOptions = {},
): SessionWatch {
  const checks = new Set<(round: SessionRound) => Promise<unknown>>();
  const log = deps.log.child("sessions");
  let running: Promise<void> | undefined;

  async function round(): Promise<void> {
    const current = sessionRound((headers) => deps.actorFromHeaders(headers));
    const results = await Promise.allSettled([...checks].map((check) => check(current)));
    for (const r of results) if (r.status === "rejected") log.error("a session check failed", { error: String(r.reason) });
  }

  function check(): Promise<void> {
    if (running) return running;
    // Assigned before it is cleared: a round with nothing to check may finish at once, and a
    // settled promise left here would answer every later round without checking anything.
    const run = round();
    running = run;
    void run.finally(() => {
      if (running === run) running = undefined;
    });
    return run;
  }

  const stop = (options.clock ?? realClock).every(options.everyMs ?? 30_000, check);
  return {
    watch(fn) {
      checks.add(fn);
      return () => checks.delete(fn);
    },
    check,
    async close() {
      stop();
      await running;
    },
  };
}
