/**
 * The reads of the agenda (ADR 017): the agenda model every export renders (only what the actor may
 * see), the review summary of a workspace's sections (`…Unchecked`: the caller passes sections the
 * actor may see), and the dashboard's view of the whole agenda against its publication date.
 * Publishing and exporting are commands (server/commands/agendaPublish.ts, agendaExport.ts).
 */
import { and, eq, inArray, isNotNull, isNull, or } from "drizzle-orm";
import { daysBetween, todayInNetherlands } from "../../app/shared/dates";
import type { SectionStatus } from "../../app/shared/domain";
import type { Database } from "../../db/index";
import { toProseMirror } from "../document";
import { isFreshApproval, isLocked, isUnderReview } from "../lifecycle";
import { authorize, canSection, canThread, type Actor, type SectionFacts } from "../policy";
import { loadWorkspaceFacts } from "../services/access";
import { documentLanguage, labelsFor, sectionLevel, sectionText, statusLabel, type Agenda, type AgendaSection, type AgendaWorkspace } from "../services/exports/model";
import { reviewStateUnchecked, sectionRecordUnchecked } from "./reviews";
import { listWorkspacesFor, type WorkspaceSummary } from "./workspaces";
import { excerpt, threadFacts } from "./comments";
import { currentState } from "./versions";
import { sectionLinkTargets } from "./sections";
import { resolveSectionLinks } from "../services/section-links";

/** The workspaces (all the actor may see in the agenda, or the given one) with their facts checked. */
async function visibleWorkspaces(database: Database, actor: Actor, workspaceId: string | null, agendaId: string | undefined) {
  const all = await listWorkspacesFor(database, actor, agendaId ? { agendaId } : {});
  if (workspaceId === null) return all;
  const one = all.filter((w) => w.id === workspaceId);
  if (one.length === 0) {
    // Unknown → 404; known but not visible → 403 (the policy says why).
    const facts = await loadWorkspaceFacts(database, actor, workspaceId);
    authorize(actor, "workspace.view", facts);
  }
  return one;
}

export interface BuildAgendaProps {
  actor: Actor;
  /** One workspace, or null for the whole agenda (every workspace the actor may see in it). */
  workspaceId: string | null;
  /** The agenda (for the whole agenda); a workspace's own agenda otherwise. */
  agendaId?: string;
}

/** The agenda an export is of: the one named, else the workspace's; its title and text language. */
async function agendaOfExport(database: Database, props: BuildAgendaProps): Promise<{ id: string; title: string; language: "nl" | "en" } | null> {
  const { db, t } = database;
  let agendaId = props.agendaId ?? null;
  if (!agendaId && props.workspaceId) {
    const ws = await db.select({ agendaId: t.workspaces.agendaId }).from(t.workspaces).where(eq(t.workspaces.id, props.workspaceId)).limit(1);
    agendaId = ws[0]?.agendaId ?? null;
  }
  if (!agendaId) return null;
  const rows = await db.select({ id: t.agendas.id, title: t.agendas.title, language: t.agendas.language }).from(t.agendas).where(eq(t.agendas.id, agendaId)).limit(1);
  return rows[0] ?? null;
}

/**
 * The agenda model every format renders: texts as stored now, the annex from the review record, in
 * the document's own language, its agenda's (whoever downloads it).
 */
export async function buildAgenda(database: Database, props: BuildAgendaProps): Promise<Agenda> {
  const list = await visibleWorkspaces(database, props.actor, props.workspaceId, props.agendaId);
  const agenda = await agendaOfExport(database, props);
  const language = documentLanguage(agenda);
  const heading = props.workspaceId === null;
  const level = sectionLevel(heading);
  const read: { workspace: Omit<AgendaWorkspace, "sections">; sections: Omit<AgendaSection, "statusLabel">[] }[] = [];
  let draft = false;
  // Links to other sections: their current title, for those the reader may read (ADR 031).
  const linkTargets = await sectionLinkTargets(database, props.actor, agenda?.id ?? null);
  for (const w of list) {
    const facts = { role: w.role, approverOrganisation: w.approverOrganisation, agendaOwner: w.agendaOwner, archived: w.archivedAt !== null };
    const sections: Omit<AgendaSection, "statusLabel">[] = [];
    for (const s of w.sections) {
      if (!canSection(props.actor, "section.export", { ...facts, status: s.status })) continue;
      const { doc, hash } = await currentState(database, s.id);
      try {
        const text = sectionText(resolveSectionLinks(toProseMirror(doc), linkTargets, "export"), { sectionId: s.id, title: s.title, level });
        const record = await sectionRecordUnchecked(database, s.id);
        sections.push({
          id: s.id,
          title: s.title,
          status: s.status,
          contentHash: hash,
          level,
          ...text,
          decisions: record.decisions.map((d) => ({ ...d, decision: d.decision as "approve" | "request_changes" })),
          signoffs: record.signoffs,
        });
      } finally {
        doc.destroy();
      }
      if (!isLocked(s.status)) draft = true;
    }
    read.push({ workspace: { id: w.id, title: w.title, description: w.description, heading }, sections });
  }
  draft ||= read.every((w) => w.sections.length === 0);
  const workspaces: AgendaWorkspace[] = read.map(({ workspace, sections }) => ({
    ...workspace,
    sections: sections.map((s) => ({ ...s, statusLabel: statusLabel(s.status, draft, language) })),
  }));
  const l = labelsFor(language);
  const single = props.workspaceId !== null ? workspaces[0] : undefined;
  const agendaTitle = agenda?.title ?? l.title;
  return {
    title: single ? single.title : agendaTitle,
    subtitle: single ? agendaTitle : l.subtitle,
    generatedAt: new Date(),
    draft,
    language,
    workspaces,
  };
}

export interface SectionReviewSummary {
  id: string;
  title: string;
  status: SectionStatus;
  dueDate: string | null;
  /** Required organisations without a fresh approval that did not ask for changes. */
  pending: string[];
  /** Of those, the ones past the due date. */
  late: string[];
  /** Organisations whose approval no longer matches the text. */
  stale: string[];
  /** Organisations whose latest decision asks for changes: who asked and why. */
  changesRequested: ChangeRequest[];
}

/** An organisation's request for changes in an open review round (its latest decision). */
export interface ChangeRequest {
  organisation: string;
  by: string | null;
  note: string;
  at: string;
}

/** Each section's review at a glance (for the workspace page and the dashboard). */
export async function workspaceReviewSummaryUnchecked(database: Database, sections: { id: string; title: string; status: SectionStatus }[]): Promise<SectionReviewSummary[]> {
  const today = todayInNetherlands();
  return Promise.all(
    sections.map(async (s) => {
      if (!isUnderReview(s.status)) {
        return { id: s.id, title: s.title, status: s.status, dueDate: null, pending: [], late: [], stale: [], changesRequested: [] };
      }
      const state = await reviewStateUnchecked(database, s.id, undefined, today);
      // Waiting for: those without a fresh approval, except those who asked for changes (they wait for the owners).
      const pending = state.organisations.filter((o) => !isFreshApproval(o.decision, state.currentHash) && o.decision?.decision !== "request_changes");
      return {
        id: s.id,
        title: s.title,
        status: s.status,
        dueDate: state.round?.dueDate ?? null,
        pending: pending.map((o) => o.shortCode || o.name),
        late: state.organisations.filter((o) => o.late).map((o) => o.shortCode || o.name),
        stale: state.organisations.filter((o) => o.decision?.stale).map((o) => o.shortCode || o.name),
        changesRequested: state.organisations.flatMap((o) =>
          o.decision?.decision === "request_changes"
            ? [{ organisation: o.shortCode || o.name, by: o.decision.userName, note: o.decision.note, at: o.decision.at.toISOString() }]
            : [],
        ),
      };
    }),
  );
}

export interface AgendaRollup {
  counts: Record<SectionStatus, number>;
  total: number;
  /** The publication date: the agenda's own, else the earliest workspace deadline. */
  publicationDate: string | null;
  daysLeft: number | null;
  /** Sections not yet final whose workspace deadline has passed. */
  overdueSections: number;
  /** Sections under review with an organisation late on its due date. */
  lateReviews: { sectionId: string; sectionTitle: string; workspaceTitle: string; dueDate: string | null; organisations: string[] }[];
  /** Sections with at least one stale approval. */
  staleApprovals: { sectionId: string; sectionTitle: string; workspaceTitle: string; organisations: string[] }[];
  /** Sections under review for which an organisation asked for changes: who and why. */
  changesRequested: { sectionId: string; sectionTitle: string; workspaceTitle: string; requests: ChangeRequest[] }[];
  /** Per workspace: its sections per status and what waits in it, each a link to the filtered list. */
  byWorkspace: RollupWorkspace[];
  /** Per lead organisation: the same counters over the workspaces it leads. */
  byOrganisation: RollupOrganisation[];
  /** Per workspace, its open assigned threads the actor may read: to whom, by when, overdue or not. */
  assignedThreads: { workspaceId: string; workspaceTitle: string; threads: AssignedThread[] }[];
  /** Every section is final or published. */
  readyToPublish: boolean;
  /** Every section is published. */
  published: boolean;
}

/** The counters of one workspace (or one organisation's workspaces) in the roll-up. */
export interface RollupCounters {
  counts: Record<SectionStatus, number>;
  total: number;
  /** Sections with changes requested in their open review. */
  changesRequested: number;
  /** Open assigned threads the actor may read, and of those the ones past their due date. */
  assigned: number;
  assignedOverdue: number;
}

export interface RollupWorkspace extends RollupCounters {
  id: string;
  title: string;
  lead: { id: string; name: string } | null;
}

export interface RollupOrganisation extends RollupCounters {
  /** The lead organisation, or null for workspaces without one. */
  id: string | null;
  name: string | null;
  workspaces: number;
}

/** An open thread assigned to a person or an organisation, as the roll-up lists it. */
export interface AssignedThread {
  threadId: string;
  sectionId: string;
  sectionTitle: string;
  quote: string;
  /** The person or the organisation asked to act. */
  assignee: { kind: "person" | "organisation"; name: string };
  dueDate: string | null;
  overdue: boolean;
  href: string;
}

function emptyCounters(): RollupCounters {
  return { counts: { draft: 0, in_review: 0, approved: 0, final: 0, published: 0 }, total: 0, changesRequested: 0, assigned: 0, assignedOverdue: 0 };
}

function addCounters(into: RollupCounters, from: RollupCounters): void {
  for (const s of Object.keys(from.counts) as SectionStatus[]) into.counts[s] += from.counts[s];
  into.total += from.total;
  into.changesRequested += from.changesRequested;
  into.assigned += from.assigned;
  into.assignedOverdue += from.assignedOverdue;
}

function sectionFacts(w: WorkspaceSummary, status: SectionStatus): SectionFacts {
  return { role: w.role, approverOrganisation: w.approverOrganisation, agendaOwner: w.agendaOwner, archived: w.archivedAt !== null, status };
}

/** The open assigned threads in these workspaces that the actor may read (`thread.view`), per workspace. */
export async function assignedThreadsIn(database: Database, actor: Actor, workspaces: WorkspaceSummary[], today: string): Promise<Map<string, AssignedThread[]>> {
  const { db, t } = database;
  const index = new Map(workspaces.flatMap((w) => w.sections.map((s) => [s.id, { w, s }] as const)));
  const out = new Map<string, AssignedThread[]>();
  if (index.size === 0) return out;
  const rows = await db
    .select({ th: t.commentThreads, personName: t.user.name, organisationName: t.organisations.name })
    .from(t.commentThreads)
    .leftJoin(t.user, eq(t.user.id, t.commentThreads.assigneeUserId))
    .leftJoin(t.organisations, eq(t.organisations.id, t.commentThreads.assigneeOrganisationId))
    .where(
      and(
        inArray(t.commentThreads.sectionId, [...index.keys()]),
        isNull(t.commentThreads.resolvedAt),
        or(isNotNull(t.commentThreads.assigneeUserId), isNotNull(t.commentThreads.assigneeOrganisationId)),
      ),
    );
  for (const { th, personName, organisationName } of rows) {
    const at = index.get(th.sectionId);
    if (!at || !canThread(actor, "thread.view", threadFacts(sectionFacts(at.w, at.s.status), th))) continue;
    const assignee = th.assigneeUserId ? { kind: "person" as const, name: personName ?? "" } : { kind: "organisation" as const, name: organisationName ?? "" };
    const list = out.get(at.w.id) ?? [];
    list.push({
      threadId: th.id,
      sectionId: at.s.id,
      sectionTitle: at.s.title,
      quote: excerpt(th.quote, 80),
      assignee,
      dueDate: th.assignmentDueDate,
      overdue: th.assignmentDueDate !== null && th.assignmentDueDate < today,
      href: `/s/${at.s.id}?thread=${encodeURIComponent(th.id)}`,
    });
    out.set(at.w.id, list);
  }
  for (const list of out.values()) list.sort((a, b) => (a.dueDate ?? "9999-12-31").localeCompare(b.dueDate ?? "9999-12-31") || a.sectionTitle.localeCompare(b.sectionTitle));
  return out;
}

export interface AgendaRollupOptions {
  /** One agenda (its publication date counts); without it every workspace the actor may see. */
  agendaId?: string;
  /** Only the workspaces this organisation leads ("none": those without a lead organisation). */
  leadOrganisationId?: string;
  today?: string;
}

/** Whether a workspace is led by the organisation a filter names ("none": by no organisation). */
export function ledBy(w: { leadOrganisation: { id: string } | null }, organisation: string | undefined): boolean {
  if (!organisation) return true;
  return organisation === "none" ? w.leadOrganisation === null : w.leadOrganisation?.id === organisation;
}

/** The agenda (or all agendas) the actor may see, against its publication date. */
export async function agendaRollup(database: Database, actor: Actor, options: AgendaRollupOptions = {}): Promise<AgendaRollup> {
  const today = options.today ?? todayInNetherlands();
  const list = (await listWorkspacesFor(database, actor, options.agendaId ? { agendaId: options.agendaId } : {})).filter((w) => ledBy(w, options.leadOrganisationId));
  let agendaDate: string | null = null;
  if (options.agendaId) {
    const { db, t } = database;
    const rows = await db.select({ d: t.agendas.publicationDate }).from(t.agendas).where(eq(t.agendas.id, options.agendaId)).limit(1);
    agendaDate = rows[0]?.d ?? null;
  }
  const counts: Record<SectionStatus, number> = { draft: 0, in_review: 0, approved: 0, final: 0, published: 0 };
  let total = 0;
  let overdueSections = 0;
  const lateReviews: AgendaRollup["lateReviews"] = [];
  const staleApprovals: AgendaRollup["staleApprovals"] = [];
  const changesRequested: AgendaRollup["changesRequested"] = [];
  const deadlines = list.map((w) => w.deadline).filter((d): d is string => Boolean(d)).sort();
  const assigned = await assignedThreadsIn(database, actor, list, today);
  const byWorkspace: RollupWorkspace[] = [];
  const byOrganisation = new Map<string | null, RollupOrganisation>();
  for (const w of list) {
    const summaries = await workspaceReviewSummaryUnchecked(database, w.sections);
    const threads = assigned.get(w.id) ?? [];
    const mine: RollupWorkspace = {
      id: w.id,
      title: w.title,
      lead: w.leadOrganisation ? { id: w.leadOrganisation.id, name: w.leadOrganisation.name } : null,
      ...emptyCounters(),
      assigned: threads.length,
      assignedOverdue: threads.filter((x) => x.overdue).length,
    };
    for (const s of summaries) {
      mine.counts[s.status] += 1;
      mine.total += 1;
      if (s.changesRequested.length) mine.changesRequested += 1;
    }
    byWorkspace.push(mine);
    const leadId = w.leadOrganisation?.id ?? null;
    const org = byOrganisation.get(leadId) ?? { id: leadId, name: w.leadOrganisation?.name ?? null, workspaces: 0, ...emptyCounters() };
    org.workspaces += 1;
    addCounters(org, mine);
    byOrganisation.set(leadId, org);
    for (const s of summaries) {
      counts[s.status] += 1;
      total += 1;
      if (!isLocked(s.status) && w.deadline && w.deadline < today) overdueSections += 1;
      if (s.late.length) lateReviews.push({ sectionId: s.id, sectionTitle: s.title, workspaceTitle: w.title, dueDate: s.dueDate, organisations: s.late });
      if (s.stale.length) staleApprovals.push({ sectionId: s.id, sectionTitle: s.title, workspaceTitle: w.title, organisations: s.stale });
      if (s.changesRequested.length) changesRequested.push({ sectionId: s.id, sectionTitle: s.title, workspaceTitle: w.title, requests: s.changesRequested });
    }
  }
  const publicationDate = agendaDate ?? deadlines[0] ?? null;
  const daysLeft = publicationDate ? daysBetween(today, publicationDate) : null;
  return {
    counts,
    total,
    publicationDate,
    daysLeft,
    overdueSections,
    lateReviews,
    staleApprovals,
    changesRequested,
    byWorkspace,
    byOrganisation: [...byOrganisation.values()].sort((a, b) => (a.name === null ? 1 : b.name === null ? -1 : a.name.localeCompare(b.name))),
    assignedThreads: byWorkspace.flatMap((w) => {
      const threads = assigned.get(w.id) ?? [];
      return threads.length ? [{ workspaceId: w.id, workspaceTitle: w.title, threads }] : [];
    }),
    readyToPublish: total > 0 && counts.final + counts.published === total,
    published: total > 0 && counts.published === total,
  };
}


