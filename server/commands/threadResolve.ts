import { and, eq, isNull } from "drizzle-orm";
import { authorize, type Actor } from "../policy";
import { appendAudit, lockAuditChain } from "../services/audit";
import { CommandError, parseInput } from "../services/errors";
import type { NotifyProps } from "../services/notifications";
import { excerpt, loadThread } from "../views/comments";
import { commentInputs, emitThreadChanged, notificationBase } from "./commentSupport";
import { runCommand, type CommandDeps } from "./run";

/** Resolves a thread (`ResolveThreadProps`); when someone other than its author resolves it, the author is asked to confirm. */
export async function resolveThread(deps: CommandDeps, actor: Actor, input: unknown): Promise<{ threadId: string }> {
  const props = parseInput(commentInputs.resolve, input);
  const { database } = deps;
  return runCommand(deps, {
    load: () => loadThread(database, actor, props.threadId),
    authorize: ({ thread, facts }) => {
      authorize(actor, "thread.resolve", facts);
      if (thread.resolvedAt) throw new CommandError("already_resolved", "This thread is already resolved.", 409);
    },
    lock: (tx) => lockAuditChain(tx),
    change: async (tx, { thread, section }) => {
      const now = new Date();
      await tx
        .update(database.t.commentThreads)
        .set({ resolvedAt: now, resolvedBy: actor.id, resolutionConfirmedAt: null })
        .where(and(eq(database.t.commentThreads.id, thread.id), isNull(database.t.commentThreads.resolvedAt)));
      await tx.insert(database.t.comments).values({ id: crypto.randomUUID(), threadId: thread.id, authorId: actor.id, kind: "resolved", body: "", createdAt: now });
      // Resolving ends what the thread asked; with an assignee, it also ends their task.
      await appendAudit(tx, {
        actorId: actor.id,
        action: "thread.resolved",
        subjectType: "thread",
        subjectId: thread.id,
        workspaceId: section.workspaceId,
        data: { sectionId: section.id, assigneeUserId: thread.assigneeUserId, assigneeOrganisationId: thread.assigneeOrganisationId },
      });
      const notify: NotifyProps[] = [];
      if (thread.authorId && thread.authorId !== actor.id) {
        notify.push({
          ...notificationBase({ section, thread }, actor),
          userId: thread.authorId,
          kind: "resolved",
          data: { sectionTitle: section.title, quote: excerpt(thread.quote, 80) },
        });
      }
      return { result: { threadId: thread.id }, notify };
    },
    emit: ({ threadId }, { section }) => emitThreadChanged(deps, section, threadId),
  });
}
