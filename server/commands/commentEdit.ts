import { eq } from "drizzle-orm";
import { authorize, type Actor } from "../policy";
import { parseInput } from "../services/errors";
import { loadComment, mentionList } from "../views/comments";
import { checkedMentions, commentInputs, emitThreadChanged, replyNotifications } from "./commentSupport";
import { runCommand, type CommandDeps } from "./run";

/** Changes the text of my own comment (`EditCommentProps`); only people newly mentioned are told. */
export async function editComment(deps: CommandDeps, actor: Actor, input: unknown): Promise<{ threadId: string; commentId: string }> {
  const props = parseInput(commentInputs.edit, input);
  const { database } = deps;
  return runCommand(deps, {
    load: () => loadComment(database, actor, props.commentId),
    authorize: ({ commentFacts }) => authorize(actor, "comment.edit", commentFacts),
    prepare: async (loaded) => ({
      ...loaded,
      mentioned: await checkedMentions(database, loaded.section.workspaceId, loaded.section.status, loaded.thread, props.body, props.mentions),
    }),
    change: async (tx, { comment, thread, section, mentioned }) => {
      const before = new Set(mentionList(comment.mentions));
      await tx
        .update(database.t.comments)
        .set({ body: props.body, mentions: mentioned, editedAt: new Date() })
        .where(eq(database.t.comments.id, comment.id));
      const fresh = mentioned.filter((u) => !before.has(u));
      return {
        result: { threadId: thread.id, commentId: comment.id },
        notify: await replyNotifications(database, actor, { section, thread }, props.body, fresh, null),
      };
    },
    emit: ({ threadId }, { section }) => emitThreadChanged(deps, section, threadId),
  });
}
