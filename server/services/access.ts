/**
 * Loads the facts the policy module decides on. Every door calls these, then `authorize(...)`.
 */
import { and, eq, sql } from "drizzle-orm";
import { preparedQuery, type Database } from "../../db/index";
import type { Actor, OrganisationKind, Role, SectionFacts, SectionStatus, WorkspaceFacts } from "../policy";

export class NotFound extends Error {
  readonly status = 404;
  constructor(
    readonly kind: string,
    readonly id: string,
  ) {
    super(`No ${kind} with id ${JSON.stringify(id)}.`);
    this.name = "NotFound";
  }
}

// The lookups every request and collab connection makes, built once (see preparedQuery).
const personById = preparedQuery("access_person_by_id", ({ db, t }) =>
  db
    .select({
      id: t.user.id,
      name: t.user.name,
      email: t.user.email,
      isAdmin: t.user.isAdmin,
      disabledAt: t.user.disabledAt,
      organisationId: t.user.organisationId,
      organisationKind: t.organisations.kind,
      organisationName: t.organisations.name,
      organisationShortCode: t.organisations.shortCode,
    })
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
    organisationKind: (row.organisationKind as OrganisationKind | null) ?? null,
    organisationName: row.organisationName ?? null,
    organisationShortCode: row.organisationShortCode ?? null,
  };
}

/** The actor's relation to a workspace; throws NotFound for an unknown workspace. */
export async function loadWorkspaceFacts(database: Database, actor: Actor, workspaceId: string): Promise<WorkspaceFacts> {
  const { db, t } = database;
  const ws = await db.select({ id: t.workspaces.id }).from(t.workspaces).where(eq(t.workspaces.id, workspaceId)).limit(1);
  if (!ws[0]) throw new NotFound("workspace", workspaceId);
  return factsFor(database, actor, workspaceId);
}

async function factsFor(database: Database, actor: Actor, workspaceId: string): Promise<WorkspaceFacts> {
  const [membership, approver] = await Promise.all([
    membershipRole(database, { workspaceId, userId: actor.id }),
    actor.organisationId ? approvingOrganisation(database, { workspaceId, organisationId: actor.organisationId }) : Promise.resolve([]),
  ]);
  return { role: (membership[0]?.role as Role | undefined) ?? null, approverOrganisation: approver.length > 0 };
}

export interface SectionRecord {
  id: string;
  workspaceId: string;
  title: string;
  position: number;
  status: SectionStatus;
  lockedBy: string | null;
  lockedAt: Date | null;
  updatedAt: Date;
}

/** A section and the actor's facts on it; throws NotFound for an unknown section. */
export async function loadSectionFacts(
  database: Database,
  actor: Actor,
  sectionId: string,
): Promise<{ section: SectionRecord; facts: SectionFacts }> {
  const rows = await sectionById(database, { sectionId });
  const section = rows[0];
  if (!section) throw new NotFound("section", sectionId);
  const facts = await factsFor(database, actor, section.workspaceId);
  return {
    section: {
      id: section.id,
      workspaceId: section.workspaceId,
      title: section.title,
      position: section.position,
      status: section.status as SectionStatus,
      lockedBy: section.lockedBy,
      lockedAt: section.lockedAt,
      updatedAt: section.updatedAt,
    },
    facts: { ...facts, status: section.status as SectionStatus },
  };
}
