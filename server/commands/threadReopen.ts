import { eq } from "drizzle-orm";
import { authorize, type Actor } from "../policy";
import { CommandError, parseInput } from "../services/errors";
import { loadThread } from "../views/comments";
import { commentInputs, emitThreadChanged } from "./commentSupport";
import { runCommand, type CommandDeps } from "./run";
import { addComment } from "./threadReply";

/** Reopens a resolved thread (`ReopenThreadProps`), with a reply saying why when given. */
export async function reopenThread(deps: CommandDeps, actor: Actor, input: unknown): Promise<{ threadId: string }> {
  const props = parseInput(commentInputs.reopen, input);
  const { database } = deps;
  const mayReopen = ({ thread, facts }: Awaited<ReturnType<typeof loadThread>>) => {
    authorize(actor, "thread.resolve", facts);
    if (!thread.resolvedAt) throw new CommandError("not_resolved", "This thread is open.", 409);
  };
  if (props.body) {
    // A reply that reopens: checked here, then the reply command runs the skeleton (and checks again).
    mayReopen(await loadThread(database, actor, props.threadId));
    const { threadId } = await addComment(deps, actor, props.threadId, props.body, props.mentions, true);
    return { threadId };
  }
  return runCommand(deps, {
    load: () => loadThread(database, actor, props.threadId),
    authorize: mayReopen,
    change: async (tx, { thread }) => {
      await tx
        .update(database.t.commentThreads)
        .set({ resolvedAt: null, resolvedBy: null, resolutionConfirmedAt: null })
        .where(eq(database.t.commentThreads.id, thread.id));
      await tx.insert(database.t.comments).values({ id: crypto.randomUUID(), threadId: thread.id, authorId: actor.id, kind: "reopened", body: "", createdAt: new Date() });
      return { result: { threadId: thread.id } };
    },
    emit: ({ threadId }, { section }) => emitThreadChanged(deps, section, threadId),
  });
}
