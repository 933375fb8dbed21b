import { eq } from "drizzle-orm";
import { resolutionConfirmation, type Actor } from "../policy";
import { CommandError, parseInput } from "../services/errors";
import { loadThread } from "../views/comments";
import { commentInputs, emitThreadChanged } from "./commentSupport";
import { runCommand, type CommandDeps } from "./run";

/** The thread's author confirms that someone else resolved it (`ConfirmResolutionProps`); the thread shows the confirmation. */
export async function confirmResolution(deps: CommandDeps, actor: Actor, input: unknown): Promise<{ threadId: string }> {
  const props = parseInput(commentInputs.confirm, input);
  const { database } = deps;
  return runCommand(deps, {
    load: () => loadThread(database, actor, props.threadId),
    authorize: ({ thread, facts }) => {
      const confirmation = resolutionConfirmation(actor, facts);
      if (!confirmation.allowed) throw new CommandError(confirmation.code, confirmation.reason, 409);
      if (!thread.resolvedAt || thread.resolutionConfirmedAt) {
        throw new CommandError("nothing_to_confirm", "This thread has no resolution waiting for confirmation.", 409);
      }
    },
    change: async (tx, { thread }) => {
      const now = new Date();
      await tx.update(database.t.commentThreads).set({ resolutionConfirmedAt: now }).where(eq(database.t.commentThreads.id, thread.id));
      await tx.insert(database.t.comments).values({ id: crypto.randomUUID(), threadId: thread.id, authorId: actor.id, kind: "confirmed", body: "", createdAt: now });
      return { result: { threadId: thread.id } };
    },
    emit: ({ threadId }, { section }) => emitThreadChanged(deps, section, threadId),
  });
}
