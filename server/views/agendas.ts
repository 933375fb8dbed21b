/**
 * The reads of agendas (ADR 017, ADR 024): which agendas a person may see, one agenda with the
 * actor's standing in it (the facts the policy decides on), its owners and its workspaces in order.
 * The agenda's roll-up and exports stay in ./agenda.ts.
 */
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { DocumentLanguage } from "../../app/shared/domain";
import type { Database, Db } from "../../db/index";
import { NotFound } from "../errors";
import { agendaAbilities, authorize, canAgenda, canWorkspace, type Actor, type AgendaAction, type AgendaFacts } from "../policy";
import { listWorkspacesFor, type WorkspaceSummary } from "../views/workspaces";

export interface AgendaRecord {
  id: string;
  title: string;
  description: string;
  /** ISO day (yyyy-mm-dd) or null. */
  publicationDate: string | null;
  language: DocumentLanguage;
  ownerOrganisationId: string | null;
  /** Under consultation: inputs from outside a workspace's lead organisation get a disposition. */
  consultation: boolean;
  /** The office publishes only when every external input has a disposition. */
  requireDispositions: boolean;
  position: number;
}

const columns = (t: Database["t"]) => ({
  id: t.agendas.id,
  title: t.agendas.title,
  description: t.agendas.description,
  publicationDate: t.agendas.publicationDate,
  language: t.agendas.language,
  ownerOrganisationId: t.agendas.ownerOrganisationId,
  consultation: t.agendas.consultation,
  requireDispositions: t.agendas.requireDispositions,
  position: t.agendas.position,
});

/** The actor's facts on several agendas at once (owner; sees a workspace that is not archived). */
async function factsForAgendas(database: Database, actor: Actor, agendaIds: string[]): Promise<Map<string, AgendaFacts>> {
  const { db, t } = database;
  if (!agendaIds.length) return new Map();
  const [owned, workspaces, memberships, approvals] = await Promise.all([
    db.select({ agendaId: t.agendaOwners.agendaId }).from(t.agendaOwners).where(eq(t.agendaOwners.userId, actor.id)),
    db
      .select({ id: t.workspaces.id, agendaId: t.workspaces.agendaId })
      .from(t.workspaces)
      .where(and(inArray(t.workspaces.agendaId, agendaIds), isNull(t.workspaces.archivedAt))),
    db.select({ workspaceId: t.memberships.workspaceId, role: t.memberships.role }).from(t.memberships).where(eq(t.memberships.userId, actor.id)),
    actor.organisationId
      ? db.select({ workspaceId: t.workspaceApprovers.workspaceId }).from(t.workspaceApprovers).where(eq(t.workspaceApprovers.organisationId, actor.organisationId))
      : Promise.resolve([] as { workspaceId: string }[]),
  ]);
  const ownerOf = new Set(owned.map((o) => o.agendaId));
  const roles = new Map(memberships.map((m) => [m.workspaceId, m.role]));
  const approverOf = new Set(approvals.map((a) => a.workspaceId));
  const facts = new Map<string, AgendaFacts>(agendaIds.map((id) => [id, { owner: ownerOf.has(id), seesWorkspace: false }]));
  for (const w of workspaces) {
    const f = w.agendaId ? facts.get(w.agendaId) : undefined;
    if (!f || f.seesWorkspace) continue;
    f.seesWorkspace = canWorkspace(actor, "workspace.view", {
      role: roles.get(w.id) ?? null,
      approverOrganisation: approverOf.has(w.id),
      agendaOwner: f.owner,
      archived: false,
    });
  }
  return facts;
}

/** One agenda and the actor's facts on it; NotFound for an unknown id. */
export async function loadAgendaFacts(database: Database, actor: Actor, agendaId: string): Promise<{ agenda: AgendaRecord; facts: AgendaFacts }> {
  const { db, t } = database;
  const rows = await db.select(columns(t)).from(t.agendas).where(eq(t.agendas.id, agendaId)).limit(1);
  if (!rows[0]) throw new NotFound("agenda", agendaId);
  const facts = (await factsForAgendas(database, actor, [agendaId])).get(agendaId)!;
  return { agenda: rows[0], facts };
}

/** One agenda the actor may do `action` on; NotFound for an unknown id, Forbidden (with the reason) otherwise. */
export async function requireAgenda(database: Database, actor: Actor, agendaId: string, action: AgendaAction = "agenda.view") {
  const loaded = await loadAgendaFacts(database, actor, agendaId);
  authorize(actor, action, loaded.facts);
  return loaded;
}

export interface AgendaListItem extends AgendaRecord {
  owner: boolean;
}

/** The agendas the actor may see (`agenda.view`), in their order. */
export async function listAgendasFor(database: Database, actor: Actor): Promise<AgendaListItem[]> {
  const { db, t } = database;
  const rows = await db
    .select(columns(t))
    .from(t.agendas)
    .where(isNull(t.agendas.archivedAt))
    .orderBy(asc(t.agendas.position), asc(t.agendas.createdAt));
  const facts = await factsForAgendas(database, actor, rows.map((r) => r.id));
  return rows.filter((r) => canAgenda(actor, "agenda.view", facts.get(r.id)!)).map((r) => ({ ...r, owner: facts.get(r.id)!.owner }));
}

/** The first agenda the actor may see (where the old one-agenda addresses lead), or null. */
export async function firstAgendaFor(database: Database, actor: Actor): Promise<AgendaListItem | null> {
  return (await listAgendasFor(database, actor))[0] ?? null;
}

export interface AgendaOwnerView {
  userId: string;
  name: string;
  email: string;
}

/** The owners of an agenda (names are shown to whoever may see the agenda). */
export async function agendaOwnersUnchecked(database: Database | { db: Db; t: Database["t"] }, agendaId: string): Promise<AgendaOwnerView[]> {
  const { db, t } = database;
  return db
    .select({ userId: t.user.id, name: t.user.name, email: t.user.email })
    .from(t.agendaOwners)
    .innerJoin(t.user, eq(t.user.id, t.agendaOwners.userId))
    .where(eq(t.agendaOwners.agendaId, agendaId))
    .orderBy(asc(t.user.name));
}

export interface AgendaPage {
  agenda: AgendaRecord & { ownerOrganisation: { id: string; name: string } | null };
  owners: AgendaOwnerView[];
  abilities: Record<AgendaAction, boolean>;
  /** The actor's facts on the agenda (for the reads the page makes next). */
  facts: AgendaFacts;
  /** Its workspaces the actor may see, in order (archived ones too, for its owners and admins). */
  workspaces: WorkspaceSummary[];
}

/** What the agenda page shows the actor; NotFound / Forbidden like `requireAgenda`. */
export async function agendaPage(database: Database, actor: Actor, agendaId: string): Promise<AgendaPage> {
  const { agenda, facts } = await requireAgenda(database, actor, agendaId);
  const { db, t } = database;
  const abilities = agendaAbilities(actor, facts);
  const [owners, workspaces, organisation] = await Promise.all([
    agendaOwnersUnchecked(database, agendaId),
    listWorkspacesFor(database, actor, { agendaId, includeArchived: abilities["agenda.viewArchived"] }),
    agenda.ownerOrganisationId
      ? db.select({ id: t.organisations.id, name: t.organisations.name }).from(t.organisations).where(eq(t.organisations.id, agenda.ownerOrganisationId)).limit(1)
      : Promise.resolve([]),
  ]);
  return { agenda: { ...agenda, ownerOrganisation: organisation[0] ?? null }, owners, abilities, facts, workspaces };
}

export interface PersonChoice {
  id: string;
  name: string;
  email: string;
  organisationShortCode: string | null;
}

/**
 * The people an agenda's owners (or an admin) may name as first members or owners: everyone who is
 * not disabled. Asked with the action the list is for; Forbidden for anyone else.
 */
export async function peopleToChoose(database: Database, actor: Actor, facts: AgendaFacts, action: "agenda.manageWorkspaces" | "agenda.setOwners"): Promise<PersonChoice[]> {
  authorize(actor, action, facts);
  const { db, t } = database;
  const rows = await db
    .select({ id: t.user.id, name: t.user.name, email: t.user.email, disabledAt: t.user.disabledAt, organisationShortCode: t.organisations.shortCode })
    .from(t.user)
    .leftJoin(t.organisations, eq(t.organisations.id, t.user.organisationId))
    .orderBy(asc(t.user.name));
  return rows.filter((r) => !r.disabledAt).map(({ disabledAt: _d, ...r }) => r);
}
