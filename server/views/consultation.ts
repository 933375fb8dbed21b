/**
 * The consultation record (issue #16, ADR 028): for an agenda under consultation, every input from an
 * organisation outside a workspace's lead organisation, and the disposition its owners gave it
 * (adopted, partly adopted, not adopted, with a reason). Inputs are comment threads and suggestions
 * (marks with a string id in the Yjs text, kept with their outcome in the suggestion log, ADR 033).
 * Dispositions are keyed by (workspace, target kind, target id), so either kind fits.
 *
 * An input is external when its thread's organisation is set and is not the workspace's lead
 * organisation, and the thread is visible to all (a thread an organisation keeps to itself is its own
 * note, not an input); threads on archived sections do not count (their text is not published). A
 * workspace without a lead organisation has no external inputs (nobody to be outside of).
 */
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Database, Db } from "../../db/index";
import type { SectionStatus } from "../../app/shared/domain";
import { NotFound } from "../errors";
import {
  authorize,
  can,
  type Actor,
  type ConsultationPublishFacts,
} from "../policy";
import { loadWorkspaceFacts } from "../services/access";

import {
  type DispositionValue,
  type InputKind,
  type SuggestionOutcome,
} from "../../app/shared/consultation";

/** A suggestion as the log keeps it: the change, and whether it was accepted or rejected in the text, by whom, why. */
export interface SuggestionFate {
  change: "insertion" | "deletion" | "replacement" | "format";
  /** A formatting suggestion: what it added and removed ("+bold -italic"). */
  formatting: string;
  outcome: SuggestionOutcome | null;
  reason: string;
  decidedByName: string | null;
  decidedAt: Date | null;
}

/** One input from outside the lead organisation, as the record lists it. */
export interface ExternalInput {
  kind: InputKind;
  /** The thread's id, or the suggestion's mark id. */
  id: string;
  workspaceId: string;
  sectionId: string;
  /** Where the text ended up: the section it is on now. */
  sectionTitle: string;
  sectionStatus: SectionStatus;
  organisationId: string;
  organisationName: string;
  authorName: string | null;
  /** The text it was about (a thread's anchored quote). */
  quote: string;
  /** What it said (a thread's first comment). */
  text: string;
  createdAt: Date;
  /** A suggestion's change and what became of it in the text (null for a thread). */
  suggestion?: SuggestionFate | null;
  disposition: {
    value: DispositionValue;
    reason: string;
    decidedByName: string | null;
    decidedAt: Date;
  } | null;
}

type Input = Omit<ExternalInput, "disposition">;
type Reader = Db | Database["db"];

/** The workspaces' lead organisations (id → lead, null when none). */
async function leadsOf(
  db: Reader,
  database: Database,
  workspaceIds: string[]
): Promise<Map<string, string | null>> {
  const { t } = database;
  const rows = await db
    .select({ id: t.workspaces.id, lead: t.workspaces.leadOrganisationId })
    .from(t.workspaces)
    .where(inArray(t.workspaces.id, workspaceIds));
  return new Map(rows.map((r) => [r.id, r.lead]));
}

/** Comment threads from outside each workspace's lead organisation, oldest first. */
async function externalThreadsUnchecked(
  db: Reader,
  database: Database,
  workspaceIds: string[],
  leads: Map<string, string | null>
): Promise<Input[]> {
  if (!workspaceIds.length) return [];
  const { t } = database;
  const rows = await db
    .select({
      id: t.commentThreads.id,
      workspaceId: t.sections.workspaceId,
      sectionId: t.sections.id,
      sectionTitle: t.sections.title,
      sectionStatus: t.sections.status,
      organisationId: t.commentThreads.organisationId,
      organisationName: t.organisations.name,
      authorName: t.user.name,
      quote: t.commentThreads.quote,
      createdAt: t.commentThreads.createdAt,
    })
    .from(t.commentThreads)
    .innerJoin(t.sections, eq(t.sections.id, t.commentThreads.sectionId))
    .innerJoin(
      t.organisations,
      eq(t.organisations.id, t.commentThreads.organisationId)
    )
    .leftJoin(t.user, eq(t.user.id, t.commentThreads.authorId))
    .where(
      and(
        inArray(t.sections.workspaceId, workspaceIds),
        isNull(t.sections.archivedAt),
        eq(t.commentThreads.visibility, "all")
      )
    )
    .orderBy(asc(t.sections.position), asc(t.commentThreads.createdAt));
  const external = rows.filter((r) => {
    const lead = leads.get(r.workspaceId);
    return lead !== null && lead !== undefined && r.organisationId !== lead;
  });
  if (!external.length) return [];
  const firstComments = await db
    .select({
      threadId: t.comments.threadId,
      body: t.comments.body,
      createdAt: t.comments.createdAt,
    })
    .from(t.comments)
    .where(
      and(
        inArray(
          t.comments.threadId,
          external.map((r) => r.id)
        ),
        eq(t.comments.kind, "comment"),
        isNull(t.comments.deletedAt)
      )
    )
    .orderBy(asc(t.comments.createdAt));
  const first = new Map<string, string>();
  for (const c of firstComments)
    if (!first.has(c.threadId)) first.set(c.threadId, c.body);
  return external.map((r) => ({
    kind: "thread" as const,
    id: r.id,
    workspaceId: r.workspaceId,
    sectionId: r.sectionId,
    sectionTitle: r.sectionTitle,
    sectionStatus: r.sectionStatus,
    organisationId: r.organisationId!,
    organisationName: r.organisationName,
    authorName: r.authorName ?? null,
    quote: r.quote,
    text: first.get(r.id) ?? "",
    createdAt: r.createdAt,
  }));
}

/**
 * Suggestions from outside each workspace's lead organisation (ADR 033), open or decided, from the
 * suggestion log the collab server keeps (server/services/suggestion-log.ts): a suggestion's marks
 * leave the text when it is accepted or rejected, the log keeps it with its outcome. The mark id is the
 * input's id; the deleted text is its quote, the inserted text what it said.
 */
async function externalSuggestionsUnchecked(
  db: Reader,
  database: Database,
  workspaceIds: string[],
  leads: Map<string, string | null>
): Promise<Input[]> {
  if (!workspaceIds.length) return [];
  const { t } = database;
  const rows = await db
    .select({
      id: t.suggestionLog.suggestionId,
      workspaceId: t.sections.workspaceId,
      sectionId: t.sections.id,
      sectionTitle: t.sections.title,
      sectionStatus: t.sections.status,
      organisationId: t.suggestionLog.organisationId,
      organisationName: t.organisations.name,
      authorName: t.suggestionLog.authorName,
      kind: t.suggestionLog.kind,
      inserted: t.suggestionLog.inserted,
      deleted: t.suggestionLog.deleted,
      formatting: t.suggestionLog.formatting,
      createdAt: t.suggestionLog.createdAt,
      outcome: t.suggestionLog.outcome,
      reason: t.suggestionLog.reason,
      decidedBy: t.suggestionLog.decidedBy,
      decidedAt: t.suggestionLog.decidedAt,
    })
    .from(t.suggestionLog)
    .innerJoin(t.sections, eq(t.sections.id, t.suggestionLog.sectionId))
    .innerJoin(
      t.organisations,
      eq(t.organisations.id, t.suggestionLog.organisationId)
    )
    .where(
      and(
        inArray(t.sections.workspaceId, workspaceIds),
        isNull(t.sections.archivedAt)
      )
    )
    .orderBy(asc(t.sections.position), asc(t.suggestionLog.createdAt));
  const external = rows.filter((r) => {
    const lead = leads.get(r.workspaceId);
    return lead !== null && lead !== undefined && r.organisationId !== lead;
  });
  const deciderIds = [
    ...new Set(
      external.map((r) => r.decidedBy).filter((id): id is string => Boolean(id))
    ),
  ];
  const deciders = deciderIds.length
    ? await db
        .select({ id: t.user.id, name: t.user.name })
        .from(t.user)
        .where(inArray(t.user.id, deciderIds))
    : [];
  const nameOf = new Map(deciders.map((d) => [d.id, d.name]));
  return external.map((r) => ({
    kind: "suggestion" as const,
    id: r.id,
    workspaceId: r.workspaceId,
    sectionId: r.sectionId,
    sectionTitle: r.sectionTitle,
    sectionStatus: r.sectionStatus,
    organisationId: r.organisationId!,
    organisationName: r.organisationName,
    authorName: r.authorName || null,
    quote: r.deleted,
    text: r.inserted,
    createdAt: r.createdAt,
    suggestion: {
      change: r.kind,
      formatting: r.formatting,
      outcome: r.outcome ?? null,
      reason: r.reason,
      decidedByName: r.decidedBy ? nameOf.get(r.decidedBy) ?? null : null,
      decidedAt: r.decidedAt ?? null,
    },
  }));
}

/** Every external input of the workspaces with its disposition (no policy check: callers check). */
export async function listExternalInputsUnchecked(
  database: Database,
  workspaceIds: string[],
  db: Reader = database.db
): Promise<ExternalInput[]> {
  if (!workspaceIds.length) return [];
  const { t } = database;
  // Each workspace's lead organisation, read once for both kinds of input.
  const leads = await leadsOf(db, database, workspaceIds);
  const [threads, suggestions, decided] = await Promise.all([
    externalThreadsUnchecked(db, database, workspaceIds, leads),
    externalSuggestionsUnchecked(db, database, workspaceIds, leads),
    db
      .select({
        workspaceId: t.dispositions.workspaceId,
        kind: t.dispositions.targetKind,
        id: t.dispositions.targetId,
        value: t.dispositions.disposition,
        reason: t.dispositions.reason,
        decidedByName: t.user.name,
        decidedAt: t.dispositions.decidedAt,
      })
      .from(t.dispositions)
      .leftJoin(t.user, eq(t.user.id, t.dispositions.decidedBy))
      .where(inArray(t.dispositions.workspaceId, workspaceIds)),
  ]);
  const key = (workspaceId: string, kind: string, id: string) =>
    `${workspaceId}\u0000${kind}\u0000${id}`;
  const byKey = new Map(
    decided.map((d) => [key(d.workspaceId, d.kind, d.id), d])
  );
  return [...threads, ...suggestions].map((input) => {
    const d = byKey.get(key(input.workspaceId, input.kind, input.id));
    return {
      ...input,
      disposition: d
        ? {
            value: d.value,
            reason: d.reason,
            decidedByName: d.decidedByName ?? null,
            decidedAt: d.decidedAt,
          }
        : null,
    };
  });
}

export interface ConsultationRecord {
  workspace: {
    id: string;
    title: string;
    agendaId: string | null;
    leadOrganisationName: string | null;
  };
  consultation: boolean;
  requireDispositions: boolean;
  inputs: ExternalInput[];
  /** The actor may give dispositions (workspace.dispose). */
  mayDispose: boolean;
}

/** The workspace's consultation record for `actor` (workspace.consultation); no inputs when its agenda is not under consultation. */
export async function consultationRecord(
  database: Database,
  actor: Actor,
  workspaceId: string
): Promise<ConsultationRecord> {
  const facts = await loadWorkspaceFacts(database, actor, workspaceId);
  authorize(actor, "workspace.consultation", facts);
  const { db, t } = database;
  const [ws] = await db
    .select({
      id: t.workspaces.id,
      title: t.workspaces.title,
      agendaId: t.workspaces.agendaId,
      leadOrganisationName: t.organisations.name,
      consultation: t.agendas.consultation,
      requireDispositions: t.agendas.requireDispositions,
    })
    .from(t.workspaces)
    .leftJoin(t.agendas, eq(t.agendas.id, t.workspaces.agendaId))
    .leftJoin(
      t.organisations,
      eq(t.organisations.id, t.workspaces.leadOrganisationId)
    )
    .where(eq(t.workspaces.id, workspaceId))
    .limit(1);
  if (!ws) throw new NotFound("workspace", workspaceId);
  return {
    workspace: {
      id: ws.id,
      title: ws.title,
      agendaId: ws.agendaId,
      leadOrganisationName: ws.leadOrganisationName ?? null,
    },
    consultation: Boolean(ws.consultation),
    requireDispositions: Boolean(ws.consultation && ws.requireDispositions),
    inputs: ws.consultation
      ? await listExternalInputsUnchecked(database, [workspaceId])
      : [],
    mayDispose: can(actor, "workspace.dispose", facts),
  };
}

/**
 * What publishing needs (server/policy.ts consultationPublish), read in the publishing transaction:
 * the agenda's consultation settings and the external inputs of `workspaceIds` without a disposition.
 */
export async function consultationPublishFactsUnchecked(
  database: Database,
  db: Reader,
  agendaId: string | null,
  workspaceIds: string[]
): Promise<ConsultationPublishFacts> {
  const { t } = database;
  const [agenda] = agendaId
    ? await db
        .select({
          consultation: t.agendas.consultation,
          requireDispositions: t.agendas.requireDispositions,
        })
        .from(t.agendas)
        .where(eq(t.agendas.id, agendaId))
        .limit(1)
    : [];
  if (!agenda?.consultation || !agenda.requireDispositions)
    return {
      consultation: Boolean(agenda?.consultation),
      requireDispositions: Boolean(agenda?.requireDispositions),
      undisposed: [],
    };
  const inputs = await listExternalInputsUnchecked(database, workspaceIds, db);
  return {
    consultation: true,
    requireDispositions: true,
    undisposed: inputs
      .filter((i) => i.disposition === null)
      .map((i) => ({
        sectionTitle: i.sectionTitle,
        organisationName: i.organisationName,
      })),
  };
}

/**
 * The workspaces of an agenda whose consultation record `actor` may read (workspace.consultation), in
 * their order; the annex (reactienota) is built from these only.
 */
export async function consultationWorkspaces(
  database: Database,
  actor: Actor,
  agendaId: string
): Promise<{ id: string; title: string }[]> {
  const { db, t } = database;
  const rows = await db
    .select({ id: t.workspaces.id, title: t.workspaces.title })
    .from(t.workspaces)
    .where(
      and(eq(t.workspaces.agendaId, agendaId), isNull(t.workspaces.archivedAt))
    )
    .orderBy(asc(t.workspaces.position));
  const allowed: { id: string; title: string }[] = [];
  for (const ws of rows) {
    const facts = await loadWorkspaceFacts(database, actor, ws.id);
    if (can(actor, "workspace.consultation", facts)) allowed.push(ws);
  }
  return allowed;
}
