/**
 * The reads of comment threads (ADR 017): the comments column of a section, one thread, the
 * workspace's activity feed, and the loaders the comment commands start from.
 *
 * Every read takes the actor and filters by `thread.view`, so an organisation-only thread reaches no
 * one outside that organisation; a read that does not check says so in its name (`…Unchecked`).
 * The commands that change threads live in server/commands/ (thread*.ts, comment*.ts).
 */
import { asc, desc, eq, inArray } from "drizzle-orm";
import type { Database } from "../../db/index";
import type {
  ActivityItem,
  CommentKind,
  CommentView,
  MemberRef,
  PersonRef,
  SectionComments,
  ThreadAssignment,
  ThreadView,
} from "../../app/shared/comments";
import {
  authorize,
  canComment,
  canSection,
  canThread,
  threadStart,
  type Actor,
  type SectionFacts,
  type ThreadFacts,
} from "../policy";
import { loadSectionFacts, loadWorkspaceFacts, NotFound, type SectionRecord } from "../services/access";
import { CommandError } from "../services/errors";

// ── loading ──────────────────────────────────────────────────────────────────────────────────────
export type ThreadRow = typeof import("../../db/schema.sqlite").commentThreads.$inferSelect;
export type CommentRow = typeof import("../../db/schema.sqlite").comments.$inferSelect;

export function threadFacts(facts: SectionFacts, thread: Pick<ThreadRow, "visibility" | "organisationId" | "authorId">): ThreadFacts {
  return {
    ...facts,
    visibility: thread.visibility,
    threadOrganisationId: thread.organisationId,
    threadAuthorId: thread.authorId,
  };
}

/** A thread, its section and the facts the policy asks about; NotFound when this actor may not see it. */
export async function loadThread(database: Database, actor: Actor, threadId: string) {
  const { db, t } = database;
  const rows = await db.select().from(t.commentThreads).where(eq(t.commentThreads.id, threadId)).limit(1);
  const thread = rows[0];
  if (!thread) throw new NotFound("thread", threadId);
  const { section, facts } = await loadSectionFacts(database, actor, thread.sectionId);
  const tf = threadFacts(facts, thread);
  // A thread one may not see is, to them, not there at all.
  if (!canThread(actor, "thread.view", tf)) throw new NotFound("thread", threadId);
  return { thread, section, facts: tf };
}

async function people(database: Database, ids: Iterable<string>): Promise<Map<string, PersonRef>> {
  const list = [...new Set(ids)];
  if (!list.length) return new Map();
  const { db, t } = database;
  const rows = await db
    .select({ id: t.user.id, name: t.user.name, org: t.organisations.shortCode })
    .from(t.user)
    .leftJoin(t.organisations, eq(t.organisations.id, t.user.organisationId))
    .where(inArray(t.user.id, list));
  return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name, organisationShortCode: r.org ?? null }]));
}

const iso = (d: Date | number | null | undefined) => (d === null || d === undefined ? null : new Date(d).toISOString());
export const mentionList = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : typeof value === "string" ? mentionList(JSON.parse(value)) : [];

/** The text on one line, cut at `max` characters. */
export function excerpt(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The views of these threads (all in one section) for one reader; threads they may not see are left out. */
async function threadViews(
  database: Database,
  actor: Actor,
  section: SectionRecord,
  facts: SectionFacts,
  threads: ThreadRow[],
): Promise<ThreadView[]> {
  const { db, t } = database;
  const visible = threads.filter((th) => canThread(actor, "thread.view", threadFacts(facts, th)));
  if (!visible.length) return [];
  const commentRows = await db
    .select()
    .from(t.comments)
    .where(inArray(t.comments.threadId, visible.map((th) => th.id)))
    .orderBy(asc(t.comments.createdAt), asc(t.comments.id));
  const orgIds = [...new Set(visible.flatMap((th) => [th.organisationId, th.assigneeOrganisationId]).filter((x): x is string => x !== null))];
  const orgs = orgIds.length
    ? await db
        .select({ id: t.organisations.id, name: t.organisations.name, shortCode: t.organisations.shortCode })
        .from(t.organisations)
        .where(inArray(t.organisations.id, orgIds))
    : [];
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  const who = await people(database, [
    ...visible.flatMap((th) => [th.authorId, th.resolvedBy, th.assigneeUserId, th.assignedBy]),
    ...commentRows.flatMap((c) => [c.authorId, ...mentionList(c.mentions)]),
  ].filter((x): x is string => x !== null));
  const byThread = new Map<string, CommentRow[]>();
  for (const c of commentRows) byThread.set(c.threadId, [...(byThread.get(c.threadId) ?? []), c]);

  return visible.map((th): ThreadView => {
    const tf = threadFacts(facts, th);
    const comments = (byThread.get(th.id) ?? []).map((c): CommentView => {
      const cf = { ...tf, commentAuthorId: c.authorId };
      const deleted = c.deletedAt !== null;
      const isComment = c.kind === "comment";
      return {
        id: c.id,
        kind: c.kind as CommentKind,
        author: c.authorId ? (who.get(c.authorId) ?? null) : null,
        body: deleted ? null : c.body,
        deleted,
        mentions: deleted ? [] : mentionList(c.mentions).flatMap((m) => (who.has(m) ? [who.get(m)!] : [])),
        createdAt: iso(c.createdAt)!,
        editedAt: iso(c.editedAt),
        can: {
          edit: isComment && !deleted && canComment(actor, "comment.edit", cf),
          delete: isComment && !deleted && canComment(actor, "comment.delete", cf),
        },
      };
    });
    const org = th.organisationId ? orgById.get(th.organisationId) : undefined;
    const resolvedByOther = th.resolvedAt !== null && th.resolvedBy !== th.authorId;
    return {
      id: th.id,
      sectionId: section.id,
      workspaceId: section.workspaceId,
      anchor: th.anchorStart && th.anchorEnd ? { start: Buffer.from(th.anchorStart).toString("base64"), end: Buffer.from(th.anchorEnd).toString("base64") } : null,
      quote: th.quote,
      visibility: th.visibility,
      organisation: org ? { id: org.id, name: org.name, shortCode: org.shortCode } : null,
      author: th.authorId ? (who.get(th.authorId) ?? null) : null,
      createdAt: iso(th.createdAt)!,
      resolved: th.resolvedAt ? { at: iso(th.resolvedAt)!, by: th.resolvedBy ? (who.get(th.resolvedBy) ?? null) : null } : null,
      resolutionConfirmedAt: iso(th.resolutionConfirmedAt),
      asksMeToConfirm: resolvedByOther && th.resolutionConfirmedAt === null && canThread(actor, "thread.confirmResolution", tf),
      mentionsMe: comments.some((c) => c.mentions.some((m) => m.id === actor.id)),
      assignment: assignmentOf(th, who, orgById),
      assignedToMe: th.assigneeUserId === actor.id || (th.assigneeOrganisationId !== null && th.assigneeOrganisationId === actor.organisationId),
      comments,
      can: {
        reply: canThread(actor, "thread.reply", tf),
        resolve: canThread(actor, "thread.resolve", tf),
        assign: canThread(actor, "thread.assign", tf),
        moderate: canThread(actor, "thread.moderate", tf),
      },
    };
  });
}

function assignmentOf(
  th: ThreadRow,
  who: Map<string, PersonRef>,
  orgById: Map<string, { id: string; name: string; shortCode: string }>,
): ThreadAssignment | null {
  if (!th.assigneeUserId && !th.assigneeOrganisationId) return null;
  const org = th.assigneeOrganisationId ? orgById.get(th.assigneeOrganisationId) : undefined;
  return {
    person: th.assigneeUserId ? (who.get(th.assigneeUserId) ?? null) : null,
    organisation: org ? { id: org.id, name: org.name, shortCode: org.shortCode } : null,
    dueDate: th.assignmentDueDate,
    by: th.assignedBy ? (who.get(th.assignedBy) ?? null) : null,
    at: iso(th.assignedAt),
  };
}

/** The organisations a thread of this workspace may be assigned to: its members' and its approving ones, by name. Asks no policy: the caller has. */
export async function workspaceOrganisationsUnchecked(database: Database, workspaceId: string) {
  const { db, t } = database;
  const [members, approvers] = await Promise.all([
    db
      .select({ id: t.organisations.id, name: t.organisations.name, shortCode: t.organisations.shortCode })
      .from(t.memberships)
      .innerJoin(t.user, eq(t.user.id, t.memberships.userId))
      .innerJoin(t.organisations, eq(t.organisations.id, t.user.organisationId))
      .where(eq(t.memberships.workspaceId, workspaceId)),
    db
      .select({ id: t.organisations.id, name: t.organisations.name, shortCode: t.organisations.shortCode })
      .from(t.workspaceApprovers)
      .innerJoin(t.organisations, eq(t.organisations.id, t.workspaceApprovers.organisationId))
      .where(eq(t.workspaceApprovers.workspaceId, workspaceId)),
  ]);
  const byId = new Map([...members, ...approvers].map((o) => [o.id, o]));
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The workspace's members who may be mentioned (not disabled), by name; asks no policy: the caller has. */
export async function workspaceMembersUnchecked(database: Database, workspaceId: string): Promise<MemberRef[]> {
  const { db, t } = database;
  const rows = await db
    .select({ id: t.user.id, name: t.user.name, organisationId: t.user.organisationId, org: t.organisations.shortCode, disabledAt: t.user.disabledAt })
    .from(t.memberships)
    .innerJoin(t.user, eq(t.user.id, t.memberships.userId))
    .leftJoin(t.organisations, eq(t.organisations.id, t.user.organisationId))
    .where(eq(t.memberships.workspaceId, workspaceId));
  return rows
    .filter((r) => !r.disabledAt)
    .map((r) => ({ id: r.id, name: r.name, organisationId: r.organisationId, organisationShortCode: r.org ?? null }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Everything the comments column of a section shows to this reader. */
export async function sectionComments(database: Database, actor: Actor, sectionId: string): Promise<SectionComments> {
  const { section, facts } = await loadSectionFacts(database, actor, sectionId);
  authorize(actor, "section.view", facts);
  const { db, t } = database;
  const rows = await db
    .select()
    .from(t.commentThreads)
    .where(eq(t.commentThreads.sectionId, sectionId))
    .orderBy(asc(t.commentThreads.createdAt), asc(t.commentThreads.id));
  const mayComment = canSection(actor, "section.comment", facts);
  const [threads, members, organisations] = await Promise.all([
    threadViews(database, actor, section, facts, rows),
    mayComment ? workspaceMembersUnchecked(database, section.workspaceId) : Promise.resolve([]),
    mayComment ? workspaceOrganisationsUnchecked(database, section.workspaceId) : Promise.resolve([]),
  ]);
  const me = members.find((m) => m.id === actor.id);
  return {
    sectionId,
    workspaceId: section.workspaceId,
    threads,
    members,
    organisations,
    me: { id: actor.id, organisationId: actor.organisationId, organisationShortCode: me?.organisationShortCode ?? null },
    can: { comment: mayComment, organisationOnly: threadStart(actor, "organisation", facts).allowed },
  };
}

/** One thread as this reader sees it, or null when they may not see it (or it does not exist). */
export async function threadView(database: Database, actor: Actor, threadId: string): Promise<ThreadView | null> {
  try {
    const { thread, section, facts } = await loadThread(database, actor, threadId);
    const [view] = await threadViews(database, actor, section, facts, [thread]);
    return view ?? null;
  } catch (error) {
    if (error instanceof NotFound) return null;
    throw error;
  }
}

/** A comment that can still be changed, with its thread; NotFound when this actor may not see the thread. */
export async function loadComment(database: Database, actor: Actor, commentId: string) {
  const { db, t } = database;
  const rows = await db.select().from(t.comments).where(eq(t.comments.id, commentId)).limit(1);
  const comment = rows[0];
  if (!comment) throw new NotFound("comment", commentId);
  const loaded = await loadThread(database, actor, comment.threadId).catch((error: unknown) => {
    throw error instanceof NotFound ? new NotFound("comment", commentId) : error;
  });
  if (comment.kind !== "comment") throw new CommandError("not_a_comment", "Only comments can be changed, not the thread's history.", 409);
  if (comment.deletedAt) throw new CommandError("deleted", "This comment was deleted.", 409);
  return { comment, ...loaded, commentFacts: { ...loaded.facts, commentAuthorId: comment.authorId } };
}

// ── activity ─────────────────────────────────────────────────────────────────────────────────────

/** The workspace's discussion, newest first: what this reader may see of it. */
export async function workspaceActivity(database: Database, actor: Actor, workspaceId: string, limit = 50): Promise<ActivityItem[]> {
  const facts = await loadWorkspaceFacts(database, actor, workspaceId);
  authorize(actor, "workspace.view", facts);
  const { db, t } = database;
  const rows = await db
    .select({ c: t.comments, th: t.commentThreads, sectionTitle: t.sections.title, status: t.sections.status })
    .from(t.comments)
    .innerJoin(t.commentThreads, eq(t.commentThreads.id, t.comments.threadId))
    .innerJoin(t.sections, eq(t.sections.id, t.commentThreads.sectionId))
    .where(eq(t.sections.workspaceId, workspaceId))
    .orderBy(desc(t.comments.createdAt), desc(t.comments.id))
    .limit(Math.min(Math.max(limit, 1), 200) * 4);
  const seen = rows
    .filter((r) => canThread(actor, "thread.view", threadFacts({ ...facts, status: r.status }, r.th)))
    .slice(0, Math.min(Math.max(limit, 1), 200));
  const who = await people(database, seen.map((r) => r.c.authorId).filter((x): x is string => x !== null));
  return seen.map((r) => ({
    id: r.c.id,
    // The comment that started a thread was written at the thread's own moment.
    kind: r.c.kind === "comment" && new Date(r.c.createdAt).getTime() === new Date(r.th.createdAt).getTime() ? "thread" : (r.c.kind as CommentKind),
    at: iso(r.c.createdAt)!,
    actor: r.c.authorId ? (who.get(r.c.authorId) ?? null) : null,
    sectionId: r.th.sectionId,
    sectionTitle: r.sectionTitle,
    threadId: r.th.id,
    quote: excerpt(r.th.quote, 80),
    visibility: r.th.visibility,
    excerpt: r.c.kind === "comment" && !r.c.deletedAt ? excerpt(r.c.body) : null,
  }));
}
