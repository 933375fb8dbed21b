/**
 * Reading workspaces and sections for a person: the dashboard, the API, the workspace page.
 * Visibility is decided by the policy module (`workspace.view`); this only loads the facts.
 */
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Database } from "../../db/index";
import { canWorkspace, type Actor } from "../policy";
import type { Role, SectionStatus } from "../../app/shared/domain";

export interface WorkspaceSummary {
  id: string;
  title: string;
  description: string;
  deadline: string | null;
  leadOrganisation: { id: string; name: string; shortCode: string } | null;
  role: Role | null;
  approverOrganisation: boolean;
  sections: { id: string; title: string; status: SectionStatus; position: number; updatedAt: string }[];
}

/** Every workspace the actor may see, in agenda order, with its sections. */
export async function listWorkspacesFor(database: Database, actor: Actor): Promise<WorkspaceSummary[]> {
  const { db, t } = database;
  const [all, memberships, approvals] = await Promise.all([
    db
      .select({
        id: t.workspaces.id,
        title: t.workspaces.title,
        description: t.workspaces.description,
        deadline: t.workspaces.deadline,
        leadId: t.organisations.id,
        leadName: t.organisations.name,
        leadCode: t.organisations.shortCode,
      })
      .from(t.workspaces)
      .leftJoin(t.organisations, eq(t.organisations.id, t.workspaces.leadOrganisationId))
      .orderBy(asc(t.workspaces.position), asc(t.workspaces.title)),
    db.select({ workspaceId: t.memberships.workspaceId, role: t.memberships.role }).from(t.memberships).where(eq(t.memberships.userId, actor.id)),
    actor.organisationId
      ? db
          .select({ workspaceId: t.workspaceApprovers.workspaceId })
          .from(t.workspaceApprovers)
          .where(eq(t.workspaceApprovers.organisationId, actor.organisationId))
      : Promise.resolve([] as { workspaceId: string }[]),
  ]);
  const roles = new Map(memberships.map((m) => [m.workspaceId, m.role]));
  const approverOf = new Set(approvals.map((a) => a.workspaceId));
  const visible = all.filter((w) =>
    canWorkspace(actor, "workspace.view", { role: roles.get(w.id) ?? null, approverOrganisation: approverOf.has(w.id) }),
  );
  if (!visible.length) return [];
  const sections = await db
    .select({
      id: t.sections.id,
      workspaceId: t.sections.workspaceId,
      title: t.sections.title,
      status: t.sections.status,
      position: t.sections.position,
      updatedAt: t.sections.updatedAt,
    })
    .from(t.sections)
    // Archived sections count nowhere: not in the roll-ups, the dashboard or the exports.
    .where(and(inArray(t.sections.workspaceId, visible.map((w) => w.id)), isNull(t.sections.archivedAt)))
    .orderBy(asc(t.sections.position));
  return visible.map((w) => ({
    id: w.id,
    title: w.title,
    description: w.description,
    deadline: w.deadline,
    leadOrganisation: w.leadId ? { id: w.leadId, name: w.leadName ?? "", shortCode: w.leadCode ?? "" } : null,
    role: roles.get(w.id) ?? null,
    approverOrganisation: approverOf.has(w.id),
    sections: sections
      .filter((s) => s.workspaceId === w.id)
      .map((s) => ({
        id: s.id,
        title: s.title,
        status: s.status,
        position: s.position,
        updatedAt: new Date(s.updatedAt).toISOString(),
      })),
  }));
}

/** The members of a workspace with their organisation, for the workspace page. */
export async function listMembersUnchecked(database: Database, workspaceId: string) {
  const { db, t } = database;
  return db
    .select({
      userId: t.user.id,
      name: t.user.name,
      email: t.user.email,
      role: t.memberships.role,
      organisationId: t.organisations.id,
      organisationName: t.organisations.name,
      organisationShortCode: t.organisations.shortCode,
      organisationKind: t.organisations.kind,
    })
    .from(t.memberships)
    .innerJoin(t.user, eq(t.user.id, t.memberships.userId))
    .leftJoin(t.organisations, eq(t.organisations.id, t.user.organisationId))
    .where(eq(t.memberships.workspaceId, workspaceId))
    .orderBy(asc(t.user.name));
}

/** A single workspace row, or undefined. */
export async function getWorkspaceUnchecked(database: Database, workspaceId: string) {
  const { db, t } = database;
  const rows = await db.select().from(t.workspaces).where(and(eq(t.workspaces.id, workspaceId))).limit(1);
  return rows[0];
}
