/**
 * The published agenda. When every section of a workspace (or of all workspaces) is final, the
 * minister's office publishes it: the sections become `published`. The agenda (or one workspace of it)
 * can be exported at any time as DOCX, PDF, HTML or Markdown by anyone who may see it; an export of
 * text that is not yet final or published is marked CONCEPT on every page. Every export is audited.
 * `agendaRollup` is the dashboard's view of the whole agenda against its publication date.
 */
import { and, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { daysBetween, todayInNetherlands } from "../../app/shared/dates";
import { EXPORT_FORMATS, type ExportFormat } from "../../app/shared/exports";
import type { Database } from "../../db/index";
import { toMarkdown, toProseMirror } from "../document";
import type { DomainEventBus } from "../events";
import { canStep, isFreshApproval, isLocked, isUnderReview, statusAfter, statusesFrom } from "../lifecycle";
import { authorize, canSection, type Actor } from "../policy";
import type { SectionStatus } from "../../app/shared/domain";
import { loadWorkspaceFacts } from "./access";
import { appendAudit, lockAuditChain } from "./audit";
import type { AuditAnchor } from "./audit-anchor";
import { CommandError, parseInput } from "./errors";
import { agendaDocx } from "./exports/docx";
import { agendaHtml } from "./exports/html";
import { agendaMarkdown } from "./exports/markdown";
import { labelsFor, toBlocks, type Agenda, type AgendaWorkspace } from "./exports/model";
import { agendaPdf } from "./exports/pdf";
import { reviewState, sectionRecord } from "./reviews";
import { currentState } from "../views/versions";
import { listWorkspacesFor } from "./workspaces";

export interface PublishDeps {
  database: Database;
  events: DomainEventBus;
  /** Signs the audit chain's head after a publication (server/services/audit-anchor.ts). */
  auditAnchor?: Pick<AuditAnchor, "checkpoint">;
}

export { EXPORT_FORMATS, type ExportFormat };
export const exportFormatSchema = z.enum(EXPORT_FORMATS, { message: "Choose docx, pdf, html or md." });

/** The workspaces (all the actor may see, or the given ones) with their facts checked. */
async function visibleWorkspaces(database: Database, actor: Actor, workspaceId: string | null) {
  const all = await listWorkspacesFor(database, actor);
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
  /** One workspace, or null for the whole agenda (every workspace the actor may see). */
  workspaceId: string | null;
  locale: "nl" | "en";
}

/** The agenda model every format renders: texts as stored now, the annex from the review record. */
export async function buildAgenda(database: Database, props: BuildAgendaProps): Promise<Agenda> {
  const list = await visibleWorkspaces(database, props.actor, props.workspaceId);
  const workspaces: AgendaWorkspace[] = [];
  let draft = false;
  for (const w of list) {
    const facts = { role: w.role, approverOrganisation: w.approverOrganisation };
    const sections = [];
    for (const s of w.sections) {
      if (!canSection(props.actor, "section.export", { ...facts, status: s.status })) continue;
      const { doc, hash } = await currentState(database, s.id);
      try {
        const node = toProseMirror(doc);
        const record = await sectionRecord(database, s.id);
        sections.push({
          id: s.id,
          title: s.title,
          status: s.status,
          contentHash: hash,
          node,
          blocks: toBlocks(node),
          markdown: toMarkdown(doc),
          decisions: record.decisions.map((d) => ({ ...d, decision: d.decision as "approve" | "request_changes" })),
          signoffs: record.signoffs,
        });
      } finally {
        doc.destroy();
      }
      if (!isLocked(s.status)) draft = true;
    }
    workspaces.push({ id: w.id, title: w.title, description: w.description, sections });
  }
  const l = labelsFor(props.locale);
  const single = props.workspaceId !== null ? workspaces[0] : undefined;
  return {
    title: single ? single.title : l.title,
    subtitle: single ? l.title : l.subtitle,
    generatedAt: new Date(),
    draft: draft || workspaces.every((w) => w.sections.length === 0),
    locale: props.locale,
    workspaces,
  };
}

export interface ExportAgendaProps extends BuildAgendaProps {
  format: ExportFormat;
}

export interface ExportFile {
  body: Buffer;
  contentType: string;
  filename: string;
  draft: boolean;
}

/** Renders the agenda in one format and records the export in the audit trail. */
export async function exportAgenda(deps: PublishDeps, props: ExportAgendaProps): Promise<ExportFile> {
  const { database } = deps;
  const format = parseInput(exportFormatSchema, props.format, { field: "format" });
  const agenda = await buildAgenda(database, props);
  let body: Buffer;
  let contentType: string;
  switch (format) {
    case "docx":
      body = await agendaDocx(agenda);
      contentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
      break;
    case "pdf":
      body = await agendaPdf(agenda);
      contentType = "application/pdf";
      break;
    case "html":
      body = Buffer.from(agendaHtml(agenda), "utf8");
      contentType = "text/html; charset=utf-8";
      break;
    case "md":
      body = Buffer.from(agendaMarkdown(agenda), "utf8");
      contentType = "text/markdown; charset=utf-8";
      break;
  }
  const sections = agenda.workspaces.flatMap((w) => w.sections.map((s) => ({ id: s.id, contentHash: s.contentHash, status: s.status })));
  await database.transaction(async (tx) => {
    await appendAudit(tx, {
      actorId: props.actor.id,
      action: "agenda.exported",
      subjectType: props.workspaceId ? "workspace" : "agenda",
      subjectId: props.workspaceId ?? "agenda",
      workspaceId: props.workspaceId,
      data: { format, draft: agenda.draft, sections },
    });
  });
  const stamp = todayInNetherlands();
  const base = props.workspaceId ? `overleg-${props.workspaceId.slice(0, 8)}` : "overleg-actie-agenda";
  return { body, contentType, filename: `${base}-${stamp}${agenda.draft ? "-concept" : ""}.${format}`, draft: agenda.draft };
}

export interface PublishProps {
  /** Who publishes; from the session. Only the minister's office may. */
  actor: Actor;
  /** One workspace, or null for every workspace. */
  workspaceId: string | null;
}

/** Publishes a workspace (or every workspace) whose sections are all final. */
export async function publishAgenda(deps: PublishDeps, props: PublishProps) {
  const { database, events } = deps;
  const { t } = database;
  if (props.workspaceId !== null) {
    const facts = await loadWorkspaceFacts(database, props.actor, props.workspaceId);
    authorize(props.actor, "workspace.publish", facts);
  } else {
    authorize(props.actor, "workspace.publish", { role: null, approverOrganisation: false });
  }
  const published = await database.transaction(async (tx) => {
    await lockAuditChain(tx);
    const rows = await tx
      .select({ id: t.sections.id, workspaceId: t.sections.workspaceId, title: t.sections.title, status: t.sections.status })
      .from(t.sections)
      .where(props.workspaceId ? eq(t.sections.workspaceId, props.workspaceId) : undefined);
    if (rows.length === 0) throw new CommandError("nothing_to_publish", "There are no sections to publish.", 409);
    const open = rows.filter((r) => !isLocked(r.status));
    if (open.length) {
      throw new CommandError(
        "not_final",
        `Every section must be final before publishing; not yet: ${open.map((r) => r.title).join(", ")}.`,
        409,
      );
    }
    const toPublish = rows.filter((r) => canStep(r.status, "publish"));
    if (toPublish.length === 0) throw new CommandError("already_published", "Everything here is already published.", 409);
    const now = new Date();
    await tx
      .update(t.sections)
      .set({ status: statusAfter("publish"), updatedAt: now })
      .where(and(inArray(t.sections.id, toPublish.map((r) => r.id)), inArray(t.sections.status, statusesFrom("publish"))));
    const hashes: Record<string, string> = {};
    for (const r of toPublish) {
      const signed = await tx
        .select({ contentHash: t.signoffs.contentHash })
        .from(t.signoffs)
        .where(and(eq(t.signoffs.sectionId, r.id), isNull(t.signoffs.reopenedAt)))
        .limit(1);
      hashes[r.id] = signed[0]?.contentHash ?? "";
    }
    await appendAudit(tx, {
      actorId: props.actor.id,
      action: "agenda.published",
      subjectType: props.workspaceId ? "workspace" : "agenda",
      subjectId: props.workspaceId ?? "agenda",
      workspaceId: props.workspaceId,
      data: { sections: hashes },
    });
    return toPublish;
  });
  for (const r of published) {
    events.emit("section.changed", { workspaceId: r.workspaceId, sectionId: r.id, status: statusAfter("publish"), title: r.title });
  }
  for (const ws of new Set(published.map((r) => r.workspaceId))) events.emit("workspace.changed", { workspaceId: ws });
  // The signed head of the audit chain, covering the publication's own event: kept with the
  // publication, it shows later that no audit event up to it was deleted or rewritten.
  const auditCheckpoint = (await deps.auditAnchor?.checkpoint("publication")) ?? null;
  return { count: published.length, auditCheckpoint };
}

export interface SectionReviewSummary {
  id: string;
  title: string;
  status: SectionStatus;
  dueDate: string | null;
  /** Required organisations without a fresh approval. */
  pending: string[];
  /** Of those, the ones past the due date. */
  late: string[];
  /** Organisations whose approval no longer matches the text. */
  stale: string[];
}

/** Each section's review at a glance (for the workspace page and the dashboard). */
export async function workspaceReviewSummary(database: Database, sections: { id: string; title: string; status: SectionStatus }[]): Promise<SectionReviewSummary[]> {
  const today = todayInNetherlands();
  return Promise.all(
    sections.map(async (s) => {
      if (!isUnderReview(s.status)) {
        return { id: s.id, title: s.title, status: s.status, dueDate: null, pending: [], late: [], stale: [] };
      }
      const state = await reviewState(database, s.id, undefined, today);
      const pending = state.organisations.filter((o) => !isFreshApproval(o.decision, state.currentHash));
      return {
        id: s.id,
        title: s.title,
        status: s.status,
        dueDate: state.round?.dueDate ?? null,
        pending: pending.map((o) => o.shortCode || o.name),
        late: state.organisations.filter((o) => o.late).map((o) => o.shortCode || o.name),
        stale: state.organisations.filter((o) => o.decision?.stale).map((o) => o.shortCode || o.name),
      };
    }),
  );
}

export interface AgendaRollup {
  counts: Record<SectionStatus, number>;
  total: number;
  /** The publication date: the earliest workspace deadline. */
  publicationDate: string | null;
  daysLeft: number | null;
  /** Sections not yet final whose workspace deadline has passed. */
  overdueSections: number;
  /** Sections under review with an organisation late on its due date. */
  lateReviews: { sectionId: string; sectionTitle: string; workspaceTitle: string; dueDate: string | null; organisations: string[] }[];
  /** Sections with at least one stale approval. */
  staleApprovals: { sectionId: string; sectionTitle: string; workspaceTitle: string; organisations: string[] }[];
  /** Every section is final or published. */
  readyToPublish: boolean;
  /** Every section is published. */
  published: boolean;
}

/** The whole agenda the actor may see, against its publication date. */
export async function agendaRollup(database: Database, actor: Actor, today = todayInNetherlands()): Promise<AgendaRollup> {
  const list = await listWorkspacesFor(database, actor);
  const counts: Record<SectionStatus, number> = { draft: 0, in_review: 0, approved: 0, final: 0, published: 0 };
  let total = 0;
  let overdueSections = 0;
  const lateReviews: AgendaRollup["lateReviews"] = [];
  const staleApprovals: AgendaRollup["staleApprovals"] = [];
  const deadlines = list.map((w) => w.deadline).filter((d): d is string => Boolean(d)).sort();
  for (const w of list) {
    const summaries = await workspaceReviewSummary(database, w.sections);
    for (const s of summaries) {
      counts[s.status] += 1;
      total += 1;
      if (!isLocked(s.status) && w.deadline && w.deadline < today) overdueSections += 1;
      if (s.late.length) lateReviews.push({ sectionId: s.id, sectionTitle: s.title, workspaceTitle: w.title, dueDate: s.dueDate, organisations: s.late });
      if (s.stale.length) staleApprovals.push({ sectionId: s.id, sectionTitle: s.title, workspaceTitle: w.title, organisations: s.stale });
    }
  }
  const publicationDate = deadlines[0] ?? null;
  const daysLeft = publicationDate ? daysBetween(today, publicationDate) : null;
  return {
    counts,
    total,
    publicationDate,
    daysLeft,
    overdueSections,
    lateReviews,
    staleApprovals,
    readyToPublish: total > 0 && counts.final + counts.published === total,
    published: total > 0 && counts.published === total,
  };
}


