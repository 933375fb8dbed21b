/**
 * The reads of agendas (ADR 017, ADR 024): which agendas a person may see, one agenda with the
 * actor's standing in it (the facts the policy decides on), its owners and its workspaces in order.
 * The agenda's roll-up and exports stay in ./agenda.ts.
 */
import { and, asc, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import type { DocumentLanguage } from "../../app/shared/domain";
import type { Database, Db } from "../../db/index";
import { NotFound } from "../errors";
import { agendaAbilities, agendaRestore, authorize, canAgenda, canSection, canWorkspace, workspaceRestore, type Actor, type AgendaAction, type AgendaFacts } from "../policy";
import { listWorkspacesFor, type WorkspaceSummary } from "../views/workspaces";
import { workspaceFactsFor } from "../services/access";

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
  /** When the whole agenda was archived (ADR 031), or null. */
  archivedAt: Date | null;
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
  archivedAt: t.agendas.archivedAt,
});

/** The actor's facts on several agendas at once (owner; sees a workspace that is not archived). */
async function factsForAgendas(database: Database, actor: Actor, agendaIds: string[]): Promise<Map<string, AgendaFacts>> {
  const { db, t } = database;
  if (!agendaIds.length) return new Map();
  const [owned, archivedRows, workspaces] = await Promise.all([
    db.select({ agendaId: t.agendaOwners.agendaId }).from(t.agendaOwners).where(eq(t.agendaOwners.userId, actor.id)),
    db.select({ id: t.agendas.id }).from(t.agendas).where(and(inArray(t.agendas.id, agendaIds), isNotNull(t.agendas.archivedAt))),
    workspaceFactsFor(database, actor, agendaIds.length === 1 ? { agendaId: agendaIds[0] } : {}),
  ]);
  const ownerOf = new Set(owned.map((o) => o.agendaId));
  const archived = new Set(archivedRows.map((a) => a.id));
  const facts = new Map<string, AgendaFacts>(
    agendaIds.map((id) => [id, { owner: ownerOf.has(id), seesWorkspace: false, archived: archived.has(id) }]),
  );
  for (const w of workspaces.values()) {
    const f = w.agendaId ? facts.get(w.agendaId) : undefined;
    if (!f || f.seesWorkspace || w.archived) continue;
    f.seesWorkspace = canWorkspace(actor, "workspace.view", w);
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

/** The agendas the actor may see (`agenda.view`), in their order; archived ones only when asked (admin page). */
export async function listAgendasFor(database: Database, actor: Actor, options: { includeArchived?: boolean } = {}): Promise<AgendaListItem[]> {
  const { db, t } = database;
  const rows = await db
    .select(columns(t))
    .from(t.agendas)
    .where(options.includeArchived ? undefined : isNull(t.agendas.archivedAt))
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

/** What an archived workspace's pages say (ADR 031): archived on its own or with its agenda, and whether the reader may restore it. */
export interface ArchiveNotice {
  /** "workspace": the workspace itself was archived; "agenda": its whole agenda was. */
  scope: "workspace" | "agenda";
  agendaId: string | null;
  /** The reader may restore it (workspaceRestore or agendaRestore says yes). */
  mayRestore: boolean;
}

/** The notice for a workspace's pages, or null when it is not archived. For pages that checked `workspace.view` first. */
export async function archiveNotice(database: Database, actor: Actor, workspaceId: string): Promise<ArchiveNotice | null> {
  const standing = (await workspaceFactsFor(database, actor, { workspaceIds: [workspaceId] })).get(workspaceId);
  if (!standing?.archived) return null;
  const agenda = standing.agendaId ? (await loadAgendaFacts(database, actor, standing.agendaId)).facts : { owner: false, seesWorkspace: false };
  if (standing.agendaArchived) {
    return { scope: "agenda", agendaId: standing.agendaId, mayRestore: agendaRestore(actor, { agenda }).allowed };
  }
  return { scope: "workspace", agendaId: standing.agendaId, mayRestore: workspaceRestore(actor, { agenda, archived: true }).allowed };
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

export interface AgendaReadingSection {
  id: string;
  title: string;
  status: WorkspaceSummary["sections"][number]["status"];
  /** The policy's answer: whether the reader may edit it (the link to its page says "edit"). */
  mayEdit: boolean;
}

export interface AgendaReading {
  agenda: AgendaRecord;
  /** Every workspace the reader may read, in order, with its live sections in order. */
  workspaces: { id: string; title: string; description: string; sections: AgendaReadingSection[] }[];
}

/**
 * The whole agenda as one reading view (ADR 031): every live section of every workspace the reader
 * may read, in the agenda's order, with what they may do. NotFound / Forbidden like `requireAgenda`;
 * an archived agenda reads as it was, for those who still see it (its owners and admins).
 */
export async function agendaReading(database: Database, actor: Actor, agendaId: string): Promise<AgendaReading> {
  const { agenda, facts } = await requireAgenda(database, actor, agendaId);
  const workspaces = await listWorkspacesFor(database, actor, { agendaId, includeArchived: facts.archived === true });
  return {
    agenda,
    workspaces: workspaces
      .filter((w) => w.archivedAt === null)
      .map((w) => {
        const ws = { role: w.role, approverOrganisation: w.approverOrganisation, agendaOwner: w.agendaOwner, archived: facts.archived === true };
        return {
          id: w.id,
          title: w.title,
          description: w.description,
          sections: w.sections
            .filter((s) => canSection(actor, "section.view", { ...ws, status: s.status }))
            .map((s) => ({ id: s.id, title: s.title, status: s.status, mayEdit: canSection(actor, "section.edit", { ...ws, status: s.status }) })),
        };
      }),
  };
}
