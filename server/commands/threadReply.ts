import { eq } from "drizzle-orm";
import { authorize, type Actor } from "../policy";
import { parseInput } from "../services/errors";
import { loadThread } from "../views/comments";
import { checkedMentions, commentInputs, emitThreadChanged, replyNotifications } from "./commentSupport";
import { runCommand, type CommandDeps } from "./run";

/** Replies in a thread (`ReplyProps`); with `reopen` on a resolved thread it also reopens it. */
export async function reply(deps: CommandDeps, actor: Actor, input: unknown): Promise<{ threadId: string; commentId: string }> {
  const props = parseInput(commentInputs.reply, input);
  return addComment(deps, actor, props.threadId, props.body, props.mentions, props.reopen);
}

/** A comment in a thread, reopening it first when asked and resolved; also used by reopenThread. */
export async function addComment(deps: CommandDeps, actor: Actor, threadId: string, text: string, ids: string[], reopen: boolean) {
  const { database } = deps;
  return runCommand(deps, {
    load: () => loadThread(database, actor, threadId),
    authorize: ({ thread, facts }) => {
      authorize(actor, "thread.reply", facts);
      if (reopen && thread.resolvedAt) authorize(actor, "thread.resolve", facts);
    },
    prepare: async (loaded) => ({
      ...loaded,
      mentioned: await checkedMentions(database, loaded.section.workspaceId, loaded.section.status, loaded.thread, text, ids),
    }),
    change: async (tx, { thread, section, mentioned }) => {
      const commentId = crypto.randomUUID();
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
      return {
        result: { threadId: thread.id, commentId },
        notify: await replyNotifications(database, actor, { section, thread }, text, mentioned, "reply"),
      };
    },
    emit: (result, { section }) => emitThreadChanged(deps, section, result.threadId),
  });
}
