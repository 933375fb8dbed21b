/**
 * The reads of workspaces (ADR 017): the workspaces and sections a person sees (the dashboard, the
 * API, the agenda), decided by the policy module (`workspace.view`); and, for pages that checked
 * `workspace.view` first, one workspace and its members (named `…Unchecked`).
 */
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Database } from "../../db/index";
import { canWorkspace, type Actor } from "../policy";
import type { Role, SectionStatus } from "../../app/shared/domain";
import { sectionSummary, workspaceWithLead } from "./shapes";
import { workspaceFactsFor, type WorkspaceStanding } from "../services/access";

export interface WorkspaceSummary {
  id: string;
  agendaId: string | null;
  position: number;
  /** When it was archived (ISO), or null. */
  archivedAt: string | null;
  agendaOwner: boolean;
  title: string;
  description: string;
  deadline: string | null;
  leadOrganisation: { id: string; name: string; shortCode: string } | null;
  role: Role | null;
  approverOrganisation: boolean;
  sections: { id: string; title: string; status: SectionStatus; position: number; updatedAt: string }[];
}

export interface ListWorkspacesOptions {
  /** Only the workspaces of this agenda. */
  agendaId?: string;
  /** Also archived workspaces (those the policy lets the actor see: their agenda's owners, admins). */
  includeArchived?: boolean;
}

/** Every workspace the actor may see, in agenda order (agendas by position, then workspaces by position), with its sections. */
export async function listWorkspacesFor(database: Database, actor: Actor, options: ListWorkspacesOptions = {}): Promise<WorkspaceSummary[]> {
  const { db, t } = database;
  const [all, facts] = await Promise.all([
    db
      .select({ ...workspaceWithLead(t), position: t.workspaces.position, archivedAt: t.workspaces.archivedAt })
      .from(t.workspaces)
      .leftJoin(t.organisations, eq(t.organisations.id, t.workspaces.leadOrganisationId))
      .leftJoin(t.agendas, eq(t.agendas.id, t.workspaces.agendaId))
      .where(options.agendaId ? eq(t.workspaces.agendaId, options.agendaId) : undefined)
      .orderBy(asc(t.agendas.position), asc(t.agendas.createdAt), asc(t.workspaces.position), asc(t.workspaces.title)),
    workspaceFactsFor(database, actor, options.agendaId ? { agendaId: options.agendaId } : {}),
  ]);
  const factsOf = (w: (typeof all)[number]): WorkspaceStanding =>
    facts.get(w.id) ?? { role: null, approverOrganisation: false, agendaOwner: false, archived: true, agendaId: w.agendaId, workspaceArchived: true, agendaArchived: false };
  const visible = all.filter(
    (w) => (options.includeArchived || !factsOf(w).archived) && canWorkspace(actor, "workspace.view", factsOf(w)),
  );
  if (!visible.length) return [];
  const sections = await db
    .select(sectionSummary(t))
    .from(t.sections)
    // Archived sections count nowhere: not in the roll-ups, the dashboard or the exports.
    .where(and(inArray(t.sections.workspaceId, visible.map((w) => w.id)), isNull(t.sections.archivedAt)))
    .orderBy(asc(t.sections.position));
  return visible.map((w) => ({
    id: w.id,
    agendaId: w.agendaId,
    position: w.position,
    archivedAt: w.archivedAt ? new Date(w.archivedAt).toISOString() : null,
    agendaOwner: factsOf(w).agendaOwner,
    title: w.title,
    description: w.description,
    deadline: w.deadline,
    leadOrganisation: w.leadId ? { id: w.leadId, name: w.leadName ?? "", shortCode: w.leadCode ?? "" } : null,
    role: factsOf(w).role,
    approverOrganisation: factsOf(w).approverOrganisation,
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
