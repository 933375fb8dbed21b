/**
 * Comment threads on a section's text: start one on a range, reply, edit or delete my comment,
 * resolve, reopen with a reply, confirm a resolution, and the per-workspace activity feed.
 *
 * Every command asks the policy module (thread.view / thread.reply / thread.resolve /
 * comment.edit / comment.delete, section.comment to start a thread), validates its input with zod,
 * changes the database in one transaction with its notifications, and after the commit emits
 * `thread.changed` (and `notification.created`), which socket.io turns into live updates for those
 * who may see the thread (server/realtime/comments.ts).
 *
 * A thread's anchor is a pair of encoded Yjs relative positions in the section's text: starting a
 * thread never changes the document. Reads are filtered by `thread.view`, so an organisation-only
 * thread reaches no one outside that organisation.
 */
import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import * as Y from "yjs";
import { fromBase64 } from "lib0/buffer";
import { z } from "zod";
import { idSchema } from "../../app/shared/ids";
import type { Database } from "../../db/index";
import {
  COMMENT_LIMITS,
  type ActivityItem,
  type CommentKind,
  type CommentView,
  type MemberRef,
  type PersonRef,
  type SectionComments,
  type ThreadView,
} from "../../app/shared/comments";
import type { DomainEventBus } from "../events";
import {
  authorize,
  can,
  canComment,
  canSection,
  canThread,
  resolutionConfirmation,
  threadStart,
  type Actor,
  type SectionFacts,
  type ThreadFacts,
} from "../policy";
import type { SectionStatus } from "../../app/shared/domain";
import { loadActor, loadSectionFacts, loadWorkspaceFacts, NotFound, type SectionRecord } from "./access";
import { CommandError, parseInput } from "./errors";
import { announce, notify, type NotifyProps } from "./notifications";

export interface CommentDeps {
  database: Database;
  events: DomainEventBus;
}

// ── input ────────────────────────────────────────────────────────────────────────────────────────
const id = idSchema;
const body = z
  .string()
  .transform((s) => s.replace(/\r\n?/g, "\n").trim())
  .pipe(z.string().min(1, "write something first").max(COMMENT_LIMITS.body, `at most ${COMMENT_LIMITS.body} characters`));
const mentions = z.array(id).max(COMMENT_LIMITS.mentions, `at most ${COMMENT_LIMITS.mentions} mentions`).default([]);
const relativePosition = z
  .string()
  .min(1)
  .max(COMMENT_LIMITS.anchor)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be base64")
  .refine((value) => {
    try {
      Y.decodeRelativePosition(fromBase64(value));
      return true;
    } catch {
      return false;
    }
  }, "is not an encoded Yjs relative position");

export const commentInputs = {
  createThread: z.strictObject({
    sectionId: id,
    anchor: z.strictObject({ start: relativePosition, end: relativePosition }),
    quote: z.string().max(COMMENT_LIMITS.quote, `at most ${COMMENT_LIMITS.quote} characters`),
    visibility: z.enum(["all", "organisation"]).default("all"),
    body,
    mentions,
  }),
  reply: z.strictObject({ threadId: id, body, mentions, reopen: z.boolean().default(false) }),
  edit: z.strictObject({ commentId: id, body, mentions }),
  delete: z.strictObject({ commentId: id }),
  resolve: z.strictObject({ threadId: id }),
  reopen: z.strictObject({ threadId: id, body: body.optional(), mentions }),
  confirm: z.strictObject({ threadId: id }),
};

// ── loading ──────────────────────────────────────────────────────────────────────────────────────
type ThreadRow = typeof import("../../db/schema.sqlite").commentThreads.$inferSelect;
type CommentRow = typeof import("../../db/schema.sqlite").comments.$inferSelect;

function threadFacts(facts: SectionFacts, thread: Pick<ThreadRow, "visibility" | "organisationId" | "authorId">): ThreadFacts {
  return {
    ...facts,
    visibility: thread.visibility,
    threadOrganisationId: thread.organisationId,
    threadAuthorId: thread.authorId,
  };
}

async function loadThread(database: Database, actor: Actor, threadId: string) {
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
const mentionList = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : typeof value === "string" ? mentionList(JSON.parse(value)) : [];

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
  const orgIds = [...new Set(visible.map((th) => th.organisationId).filter((x): x is string => x !== null))];
  const orgs = orgIds.length
    ? await db
        .select({ id: t.organisations.id, name: t.organisations.name, shortCode: t.organisations.shortCode })
        .from(t.organisations)
        .where(inArray(t.organisations.id, orgIds))
    : [];
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  const who = await people(database, [
    ...visible.flatMap((th) => [th.authorId, th.resolvedBy]),
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
      comments,
      can: {
        reply: canThread(actor, "thread.reply", tf),
        resolve: canThread(actor, "thread.resolve", tf),
        moderate: canThread(actor, "thread.moderate", tf),
      },
    };
  });
}

/** The workspace's members who may be mentioned (not disabled), by name. */
export async function workspaceMembers(database: Database, workspaceId: string): Promise<MemberRef[]> {
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
  const [threads, members] = await Promise.all([
    threadViews(database, actor, section, facts, rows),
    mayComment ? workspaceMembers(database, section.workspaceId) : Promise.resolve([]),
  ]);
  const me = members.find((m) => m.id === actor.id);
  return {
    sectionId,
    workspaceId: section.workspaceId,
    threads,
    members,
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

// ── commands ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Keeps the mentions that name a member of the workspace who may see the thread and whose name
 * the text contains as "@Name"; the rest are dropped silently (a mention is a convenience, not a grant).
 */
async function checkedMentions(
  database: Database,
  workspaceId: string,
  status: SectionStatus,
  thread: Pick<ThreadRow, "visibility" | "organisationId" | "authorId">,
  text: string,
  ids: string[],
): Promise<string[]> {
  const kept: string[] = [];
  for (const userId of new Set(ids)) {
    const person = await loadActor(database, userId);
    if (!person || !text.includes(`@${person.name}`)) continue;
    const facts = await loadWorkspaceFacts(database, person, workspaceId);
    if (facts.role === null) continue;
    if (can(person, "thread.view", threadFacts({ ...facts, status }, thread))) kept.push(userId);
  }
  return kept;
}

function excerpt(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

interface Context {
  section: SectionRecord;
  thread: Pick<ThreadRow, "id" | "visibility" | "organisationId" | "authorId" | "quote">;
}

function notificationBase(ctx: Context, actor: Actor) {
  return {
    actorId: actor.id,
    workspaceId: ctx.section.workspaceId,
    sectionId: ctx.section.id,
    threadId: ctx.thread.id,
  };
}

/** Mentions (minus me) and the thread's author (for a reply by someone else), once each. */
async function replyNotifications(database: Database, actor: Actor, ctx: Context, text: string, mentioned: string[], kind: "reply" | null) {
  const base = notificationBase(ctx, actor);
  const data = { sectionTitle: ctx.section.title, quote: excerpt(ctx.thread.quote, 80), excerpt: excerpt(text) };
  const list: NotifyProps[] = mentioned.filter((u) => u !== actor.id).map((userId) => ({ ...base, userId, kind: "mention", data }));
  const author = ctx.thread.authorId;
  if (kind && author && author !== actor.id && !mentioned.includes(author)) {
    const person = await loadActor(database, author);
    if (person) {
      const facts = await loadWorkspaceFacts(database, person, ctx.section.workspaceId);
      if (can(person, "thread.view", threadFacts({ ...facts, status: ctx.section.status }, ctx.thread))) {
        list.push({ ...base, userId: author, kind, data });
      }
    }
  }
  return list;
}

function changed(deps: CommentDeps, section: SectionRecord, threadId: string, created: { userId: string; id: string }[]) {
  deps.events.emit("thread.changed", { workspaceId: section.workspaceId, sectionId: section.id, threadId });
  announce(deps.events, created);
}

/** Starts a thread on a range of the section's text, with its first comment. */
export async function createThread(deps: CommentDeps, actor: Actor, input: unknown): Promise<{ threadId: string }> {
  const props = parseInput(commentInputs.createThread, input);
  const { database } = deps;
  const { section, facts } = await loadSectionFacts(database, actor, props.sectionId);
  authorize(actor, "section.view", facts);
  authorize(actor, "section.comment", facts);
  const start = threadStart(actor, props.visibility, facts);
  if (!start.allowed) throw new CommandError(start.code, start.reason, 400, "visibility");
  const thread = {
    id: crypto.randomUUID(),
    sectionId: section.id,
    anchorStart: Buffer.from(fromBase64(props.anchor.start)),
    anchorEnd: Buffer.from(fromBase64(props.anchor.end)),
    quote: props.quote,
    visibility: props.visibility,
    organisationId: actor.organisationId,
    authorId: actor.id,
    createdAt: new Date(),
  };
  const mentioned = await checkedMentions(database, section.workspaceId, section.status, thread, props.body, props.mentions);
  const ctx = { section, thread };
  const created = await database.transaction(async (tx) => {
    await tx.insert(database.t.commentThreads).values(thread);
    await tx.insert(database.t.comments).values({
      id: crypto.randomUUID(),
      threadId: thread.id,
      authorId: actor.id,
      kind: "comment",
      body: props.body,
      mentions: mentioned,
      createdAt: thread.createdAt,
    });
    return notify(tx, database, await replyNotifications(database, actor, ctx, props.body, mentioned, null));
  });
  changed(deps, section, thread.id, created);
  return { threadId: thread.id };
}

/** Replies in a thread; with `reopen` (or on a resolved thread the author reopens) it also reopens it. */
export async function reply(deps: CommentDeps, actor: Actor, input: unknown): Promise<{ threadId: string; commentId: string }> {
  const props = parseInput(commentInputs.reply, input);
  return addComment(deps, actor, props.threadId, props.body, props.mentions, props.reopen);
}

async function addComment(deps: CommentDeps, actor: Actor, threadId: string, text: string, ids: string[], reopen: boolean) {
  const { database } = deps;
  const { thread, section, facts } = await loadThread(database, actor, threadId);
  authorize(actor, "thread.reply", facts);
  if (reopen && thread.resolvedAt) authorize(actor, "thread.resolve", facts);
  const mentioned = await checkedMentions(database, section.workspaceId, section.status, thread, text, ids);
  const ctx = { section, thread };
  const commentId = crypto.randomUUID();
  const created = await database.transaction(async (tx) => {
    const now = new Date();
    if (reopen && thread.resolvedAt) {
      await tx
        .update(database.t.commentThreads)
        .set({ resolvedAt: null, resolvedBy: null, resolutionConfirmedAt: null })
        .where(eq(database.t.commentThreads.id, thread.id));
      await tx.insert(database.t.comments).values({ id: crypto.randomUUID(), threadId, authorId: actor.id, kind: "reopened", body: "", createdAt: now });
    }
    await tx.insert(database.t.comments).values({
      id: commentId,
      threadId,
      authorId: actor.id,
      kind: "comment",
      body: text,
      mentions: mentioned,
      createdAt: new Date(now.getTime() + 1),
    });
    return notify(tx, database, await replyNotifications(database, actor, ctx, text, mentioned, "reply"));
  });
  changed(deps, section, thread.id, created);
  return { threadId: thread.id, commentId };
}

async function loadComment(database: Database, actor: Actor, commentId: string) {
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

/** Changes the text of my own comment. */
export async function editComment(deps: CommentDeps, actor: Actor, input: unknown): Promise<{ threadId: string; commentId: string }> {
  const props = parseInput(commentInputs.edit, input);
  const { database } = deps;
  const { comment, thread, section, commentFacts } = await loadComment(database, actor, props.commentId);
  authorize(actor, "comment.edit", commentFacts);
  const mentioned = await checkedMentions(database, section.workspaceId, section.status, thread, props.body, props.mentions);
  const before = new Set(mentionList(comment.mentions));
  const ctx = { section, thread };
  const created = await database.transaction(async (tx) => {
    await tx
      .update(database.t.comments)
      .set({ body: props.body, mentions: mentioned, editedAt: new Date() })
      .where(eq(database.t.comments.id, comment.id));
    // Only people newly mentioned are told.
    const fresh = mentioned.filter((u) => !before.has(u));
    return notify(tx, database, await replyNotifications(database, actor, ctx, props.body, fresh, null));
  });
  changed(deps, section, thread.id, created);
  return { threadId: thread.id, commentId: comment.id };
}

/** Deletes a comment (mine, or any as an owner): it stays in the thread, shown as deleted. */
export async function deleteComment(deps: CommentDeps, actor: Actor, input: unknown): Promise<{ threadId: string; commentId: string }> {
  const props = parseInput(commentInputs.delete, input);
  const { database } = deps;
  const { comment, thread, section, commentFacts } = await loadComment(database, actor, props.commentId);
  authorize(actor, "comment.delete", commentFacts);
  await database.transaction(async (tx) => {
    await tx
      .update(database.t.comments)
      .set({ body: "", mentions: [], deletedAt: new Date() })
      .where(eq(database.t.comments.id, comment.id));
  });
  changed(deps, section, thread.id, []);
  return { threadId: thread.id, commentId: comment.id };
}

/** Resolves a thread; when someone other than its author resolves it, the author is asked to confirm. */
export async function resolveThread(deps: CommentDeps, actor: Actor, input: unknown): Promise<{ threadId: string }> {
  const props = parseInput(commentInputs.resolve, input);
  const { database } = deps;
  const { thread, section, facts } = await loadThread(database, actor, props.threadId);
  authorize(actor, "thread.resolve", facts);
  if (thread.resolvedAt) throw new CommandError("already_resolved", "This thread is already resolved.", 409);
  const ctx = { section, thread };
  const created = await database.transaction(async (tx) => {
    const now = new Date();
    await tx
      .update(database.t.commentThreads)
      .set({ resolvedAt: now, resolvedBy: actor.id, resolutionConfirmedAt: null })
      .where(and(eq(database.t.commentThreads.id, thread.id), isNull(database.t.commentThreads.resolvedAt)));
    await tx.insert(database.t.comments).values({ id: crypto.randomUUID(), threadId: thread.id, authorId: actor.id, kind: "resolved", body: "", createdAt: now });
    const list: NotifyProps[] = [];
    if (thread.authorId && thread.authorId !== actor.id) {
      list.push({ ...notificationBase(ctx, actor), userId: thread.authorId, kind: "resolved", data: { sectionTitle: section.title, quote: excerpt(thread.quote, 80) } });
    }
    return notify(tx, database, list);
  });
  changed(deps, section, thread.id, created);
  return { threadId: thread.id };
}

/** Reopens a resolved thread, with a reply saying why when given. */
export async function reopenThread(deps: CommentDeps, actor: Actor, input: unknown): Promise<{ threadId: string }> {
  const props = parseInput(commentInputs.reopen, input);
  const { database } = deps;
  const { thread, section, facts } = await loadThread(database, actor, props.threadId);
  authorize(actor, "thread.resolve", facts);
  if (!thread.resolvedAt) throw new CommandError("not_resolved", "This thread is open.", 409);
  if (props.body) {
    await addComment(deps, actor, thread.id, props.body, props.mentions, true);
    return { threadId: thread.id };
  }
  await database.transaction(async (tx) => {
    await tx
      .update(database.t.commentThreads)
      .set({ resolvedAt: null, resolvedBy: null, resolutionConfirmedAt: null })
      .where(eq(database.t.commentThreads.id, thread.id));
    await tx.insert(database.t.comments).values({ id: crypto.randomUUID(), threadId: thread.id, authorId: actor.id, kind: "reopened", body: "", createdAt: new Date() });
  });
  changed(deps, section, thread.id, []);
  return { threadId: thread.id };
}

/** The thread's author confirms that someone else resolved it; the thread shows the confirmation. */
export async function confirmResolution(deps: CommentDeps, actor: Actor, input: unknown): Promise<{ threadId: string }> {
  const props = parseInput(commentInputs.confirm, input);
  const { database } = deps;
  const { thread, section, facts } = await loadThread(database, actor, props.threadId);
  const confirmation = resolutionConfirmation(actor, facts);
  if (!confirmation.allowed) throw new CommandError(confirmation.code, confirmation.reason, 409);
  if (!thread.resolvedAt || thread.resolutionConfirmedAt) {
    throw new CommandError("nothing_to_confirm", "This thread has no resolution waiting for confirmation.", 409);
  }
  await database.transaction(async (tx) => {
    const now = new Date();
    await tx.update(database.t.commentThreads).set({ resolutionConfirmedAt: now }).where(eq(database.t.commentThreads.id, thread.id));
    await tx.insert(database.t.comments).values({ id: crypto.randomUUID(), threadId: thread.id, authorId: actor.id, kind: "confirmed", body: "", createdAt: now });
  });
  changed(deps, section, thread.id, []);
  return { threadId: thread.id };
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
