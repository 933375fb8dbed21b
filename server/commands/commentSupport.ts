/**
 * What the comment commands share (ADR 017): their input schemas, the check of mentions, the
 * notifications a comment sends, and the event every change of a thread emits after its commit.
 */
import * as Y from "yjs";
import { fromBase64 } from "lib0/buffer";
import { z } from "zod";
import { idSchema } from "../../app/shared/ids";
import { COMMENT_LIMITS } from "../../app/shared/comments";
import type { SectionStatus } from "../../app/shared/domain";
import type { Database } from "../../db/index";
import { can, type Actor } from "../policy";
import { loadActor, loadWorkspaceFacts, type SectionRecord } from "../services/access";
import type { NotifyProps } from "../services/notifications";
import { excerpt, threadFacts, type ThreadRow } from "../views/comments";
import { dueDateSchema } from "./reviewSupport";
import type { CommandDeps } from "./run";

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

/**
 * The props of each comment command, as the browser sends them. A command parses its input with its
 * schema first (the input comes from the client); the parsed props are the schema's output type.
 */
export const commentInputs = {
  createThread: z.strictObject({
    /** The section whose text the thread is on. */
    sectionId: id,
    /** The commented range: two encoded Yjs relative positions (base64) in the section's text. */
    anchor: z.strictObject({ start: relativePosition, end: relativePosition }),
    /** The text of the range when the thread was started, shown when the anchor is gone. */
    quote: z.string().max(COMMENT_LIMITS.quote, `at most ${COMMENT_LIMITS.quote} characters`),
    /** "organisation": only the author's organisation sees the thread. */
    visibility: z.enum(["all", "organisation"]).default("all"),
    /** The first comment. */
    body,
    /** The people named as "@Name" in the body (user ids). */
    mentions,
  }),
  reply: z.strictObject({
    threadId: id,
    body,
    mentions,
    /** Reopen a resolved thread with this reply. */
    reopen: z.boolean().default(false),
  }),
  edit: z.strictObject({ commentId: id, body, mentions }),
  delete: z.strictObject({ commentId: id }),
  resolve: z.strictObject({ threadId: id }),
  reopen: z.strictObject({
    threadId: id,
    /** Why the thread is reopened, posted as a reply; optional. */
    body: body.optional(),
    mentions,
  }),
  confirm: z.strictObject({ threadId: id }),
  assign: z.strictObject({
    threadId: id,
    /** Whom the thread is assigned to: one person or one organisation; null takes the assignment away. */
    assignee: z.union([z.strictObject({ userId: id }), z.strictObject({ organisationId: id })]).nullable(),
    /** The day the assignee is asked to act by (yyyy-mm-dd, not in the past); optional. */
    dueDate: dueDateSchema.nullable().default(null),
  }),
};

export type CreateThreadProps = z.output<typeof commentInputs.createThread>;
export type ReplyProps = z.output<typeof commentInputs.reply>;
export type EditCommentProps = z.output<typeof commentInputs.edit>;
export type DeleteCommentProps = z.output<typeof commentInputs.delete>;
export type ResolveThreadProps = z.output<typeof commentInputs.resolve>;
export type ReopenThreadProps = z.output<typeof commentInputs.reopen>;
export type ConfirmResolutionProps = z.output<typeof commentInputs.confirm>;
export type AssignThreadProps = z.output<typeof commentInputs.assign>;

// ── mentions and notifications ──────────────────────────────────────────────────────────────────
type ThreadPolicyRow = Pick<ThreadRow, "visibility" | "organisationId" | "authorId">;

/**
 * Keeps the mentions that name a member of the workspace who may see the thread and whose name
 * the text contains as "@Name"; the rest are dropped silently (a mention is a convenience, not a grant).
 */
export async function checkedMentions(
  database: Database,
  workspaceId: string,
  status: SectionStatus,
  thread: ThreadPolicyRow,
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

/** The section and thread a comment command works on. */
export interface ThreadContext {
  section: SectionRecord;
  thread: Pick<ThreadRow, "id" | "visibility" | "organisationId" | "authorId" | "quote">;
}

export function notificationBase(ctx: ThreadContext, actor: Actor) {
  return {
    actorId: actor.id,
    workspaceId: ctx.section.workspaceId,
    sectionId: ctx.section.id,
    threadId: ctx.thread.id,
  };
}

/** Mentions (minus me) and the thread's author (for a reply by someone else), once each. */
export async function replyNotifications(
  database: Database,
  actor: Actor,
  ctx: ThreadContext,
  text: string,
  mentioned: string[],
  kind: "reply" | null,
): Promise<NotifyProps[]> {
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

/** After the commit: socket.io tells those who may see the thread (server/realtime/comments.ts). */
export function emitThreadChanged(deps: CommandDeps, section: SectionRecord, threadId: string): void {
  deps.events.emit("thread.changed", { workspaceId: section.workspaceId, sectionId: section.id, threadId });
}
