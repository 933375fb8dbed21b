/**
 * The reads of a workspace's sections as their owners shape them: the templates of its agenda, where a
 * section may move to, the archived sections (still readable to those who could read them), and the
 * sections a link in a text may point to. Each takes the actor and asks the policy.
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull, ne } from "drizzle-orm";
import type { SectionStatus } from "../../app/shared/domain";
import type { Database } from "../../db/index";
import { authorize, can, type Actor } from "../policy";
import { loadWorkspaceFacts } from "../services/access";
import type { SectionLinkTarget } from "../../app/shared/section-links";
import { listWorkspacesFor } from "./workspaces";

export interface TemplateSummary {
  id: string;
  name: string;
  /** Its sections: position (what `sectionCreate`'s `item` names) and title. */
  items: { position: number; title: string }[];
}

export interface SectionShaping {
  /** The templates of the workspace's agenda (for someone who may add sections; else empty). */
  templates: TemplateSummary[];
  /** The other live workspaces of the same agenda the actor owns as well (where a section may move). */
  moveTargets: { id: string; title: string }[];
  /** How many of the workspace's sections are archived (the link to them shows for those who may see it). */
  archivedCount: number;
}

/** What the workspace page offers its owners to shape the sections; nothing for anyone else. */
export async function sectionShaping(database: Database, actor: Actor, workspaceId: string): Promise<SectionShaping> {
  const { db, t } = database;
  const facts = await loadWorkspaceFacts(database, actor, workspaceId);
  authorize(actor, "workspace.view", facts);
  const archived = await db
    .select({ id: t.sections.id })
    .from(t.sections)
    .where(and(eq(t.sections.workspaceId, workspaceId), isNotNull(t.sections.archivedAt)));
  if (!can(actor, "section.create", facts)) return { templates: [], moveTargets: [], archivedCount: archived.length };
  const workspace = (await db.select({ agendaId: t.workspaces.agendaId }).from(t.workspaces).where(eq(t.workspaces.id, workspaceId)).limit(1))[0];
  const agendaId = workspace?.agendaId ?? null;
  if (!agendaId) return { templates: [], moveTargets: [], archivedCount: archived.length };
  const [templates, owned] = await Promise.all([
    db
      .select({ id: t.sectionTemplates.id, name: t.sectionTemplates.name })
      .from(t.sectionTemplates)
      .where(eq(t.sectionTemplates.agendaId, agendaId))
      .orderBy(asc(t.sectionTemplates.name), asc(t.sectionTemplates.id)),
    db
      .select({ id: t.workspaces.id, title: t.workspaces.title })
      .from(t.workspaces)
      .innerJoin(t.memberships, and(eq(t.memberships.workspaceId, t.workspaces.id), eq(t.memberships.userId, actor.id)))
      .where(and(eq(t.workspaces.agendaId, agendaId), ne(t.workspaces.id, workspaceId), isNull(t.workspaces.archivedAt), eq(t.memberships.role, "owner")))
      .orderBy(asc(t.workspaces.position), asc(t.workspaces.title)),
  ]);
  const items = templates.length
    ? await db
        .select({ templateId: t.sectionTemplateItems.templateId, position: t.sectionTemplateItems.position, title: t.sectionTemplateItems.title })
        .from(t.sectionTemplateItems)
        .where(inArray(t.sectionTemplateItems.templateId, templates.map((x) => x.id)))
        .orderBy(asc(t.sectionTemplateItems.position))
    : [];
  return {
    templates: templates.map((x) => ({
      id: x.id,
      name: x.name,
      items: items.filter((i) => i.templateId === x.id).map((i) => ({ position: i.position, title: i.title })),
    })),
    moveTargets: owned,
    archivedCount: archived.length,
  };
}

export interface ArchivedSection {
  id: string;
  title: string;
  status: SectionStatus;
  archivedAt: string;
  /** The policy's answer: whether the actor may restore it. */
  mayRestore: boolean;
}

/** The workspace's archived sections, newest first, for whoever may see the workspace. */
export async function listArchivedSections(database: Database, actor: Actor, workspaceId: string): Promise<ArchivedSection[]> {
  const { db, t } = database;
  const facts = await loadWorkspaceFacts(database, actor, workspaceId);
  authorize(actor, "workspace.view", facts);
  const rows = await db
    .select({ id: t.sections.id, title: t.sections.title, status: t.sections.status, archivedAt: t.sections.archivedAt })
    .from(t.sections)
    .where(and(eq(t.sections.workspaceId, workspaceId), isNotNull(t.sections.archivedAt)))
    .orderBy(desc(t.sections.archivedAt), asc(t.sections.title));
  return rows
    .filter((r) => can(actor, "section.view", { ...facts, status: r.status, sectionArchived: true }))
    .map((r) => ({
      id: r.id,
      title: r.title,
      status: r.status,
      archivedAt: new Date(r.archivedAt!).toISOString(),
      mayRestore: can(actor, "section.restore", { ...facts, status: r.status, sectionArchived: true }),
    }));
}

/**
 * The sections a link in a text of `agendaId` may point to, for `actor` (ADR 031): every live section
 * of the agenda's workspaces they may read, in the agenda's order. The editor's picker lists them, and
 * the pages and exports resolve a stored link's current title from them (a target not in this list
 * keeps its stored text and loses its link).
 */
export async function sectionLinkTargets(database: Database, actor: Actor, agendaId: string | null): Promise<Map<string, SectionLinkTarget>> {
  if (!agendaId) return new Map();
  const workspaces = await listWorkspacesFor(database, actor, { agendaId });
  const targets = new Map<string, SectionLinkTarget>();
  for (const w of workspaces) {
    for (const s of w.sections) {
      if (!can(actor, "section.view", { role: w.role, approverOrganisation: w.approverOrganisation, agendaOwner: w.agendaOwner, archived: false, status: s.status })) continue;
      targets.set(s.id, { id: s.id, title: s.title, workspaceTitle: w.title });
    }
  }
  return targets;
}

/** The link targets (see sectionLinkTargets) for a text in `workspaceId`: those of its agenda. */
export async function sectionLinkTargetsOf(database: Database, actor: Actor, workspaceId: string): Promise<Map<string, SectionLinkTarget>> {
  const { db, t } = database;
  const row = (await db.select({ agendaId: t.workspaces.agendaId }).from(t.workspaces).where(eq(t.workspaces.id, workspaceId)).limit(1))[0];
  return sectionLinkTargets(database, actor, row?.agendaId ?? null);
}
