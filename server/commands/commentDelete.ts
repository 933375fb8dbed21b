import { eq } from "drizzle-orm";
import { authorize, type Actor } from "../policy";
import { parseInput } from "../services/errors";
import { loadComment } from "../views/comments";
import { commentInputs, emitThreadChanged } from "./commentSupport";
import { runCommand, type CommandDeps } from "./run";

/** Deletes a comment (`DeleteCommentProps`; mine, or any as an owner): it stays in the thread, shown as deleted. */
export async function deleteComment(deps: CommandDeps, actor: Actor, input: unknown): Promise<{ threadId: string; commentId: string }> {
  const props = parseInput(commentInputs.delete, input);
  const { database } = deps;
  return runCommand(deps, {
    load: () => loadComment(database, actor, props.commentId),
    authorize: ({ commentFacts }) => authorize(actor, "comment.delete", commentFacts),
    change: async (tx, { comment, thread }) => {
      await tx
        .update(database.t.comments)
        .set({ body: "", mentions: [], deletedAt: new Date() })
        .where(eq(database.t.comments.id, comment.id));
      return { result: { threadId: thread.id, commentId: comment.id } };
    },
    emit: ({ threadId }, { section }) => emitThreadChanged(deps, section, threadId),
  });
}
