/**
 * Assigning a comment thread: to one person or one organisation, with an optional due date; or taking
 * the assignment away. The assignee must be able to read the thread (a thread for one organisation is
 * assigned only within it; server/policy.ts, `threadAssignment`). Every assignment, reassignment and
 * unassignment is audited; the new assignee is told, and a person taken off is told too.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../../db/index";
import { can, Forbidden, threadAssignment, type Actor, type AssigneeFacts } from "../policy";
import { loadActor, loadWorkspaceFacts, NotFound } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import { CommandError, parseInput } from "../services/errors";
import type { NotifyProps } from "../services/notifications";
import { excerpt, loadThread, threadFacts, type ThreadRow } from "../views/comments";
import { commentInputs, emitThreadChanged, notificationBase, type AssignThreadProps } from "./commentSupport";
import { runCommand, type CommandDeps } from "./run";

type Loaded = Awaited<ReturnType<typeof loadThread>>;
type ThreadPolicyRow = Pick<ThreadRow, "visibility" | "organisationId" | "authorId">;

/** Whether a person may read the thread now (with their own facts), and is not disabled. */
async function personSees(database: Database, userId: string, workspaceId: string, status: Loaded["section"]["status"], thread: ThreadPolicyRow) {
  const person = await loadActor(database, userId);
  if (!person) return null;
  const facts = await loadWorkspaceFacts(database, person, workspaceId);
  return { person, sees: can(person, "thread.view", threadFacts({ ...facts, status }, thread)) };
}

/** What the policy needs to know about the chosen assignee; NotFound-like refusals for unknown ids. */
async function assigneeFacts(database: Database, loaded: Loaded, assignee: AssignThreadProps["assignee"]): Promise<AssigneeFacts | null> {
  if (assignee === null) return null;
  const { db, t } = database;
  const { section, thread } = loaded;
  if ("userId" in assignee) {
    const seen = await personSees(database, assignee.userId, section.workspaceId, section.status, thread);
    return { kind: "person", id: assignee.userId, seesThread: seen?.sees ?? false };
  }
  const organisation = (await db.select({ id: t.organisations.id }).from(t.organisations).where(eq(t.organisations.id, assignee.organisationId)).limit(1))[0];
  if (!organisation) throw new CommandError("unknown_organisation", "There is no such organisation.", 400, "assignee");
  const [member, approver] = await Promise.all([
    db
      .select({ id: t.user.id })
      .from(t.memberships)
      .innerJoin(t.user, eq(t.user.id, t.memberships.userId))
      .where(and(eq(t.memberships.workspaceId, section.workspaceId), eq(t.user.organisationId, organisation.id), isNull(t.user.disabledAt)))
      .limit(1),
    db
      .select({ id: t.workspaceApprovers.organisationId })
      .from(t.workspaceApprovers)
      .where(and(eq(t.workspaceApprovers.workspaceId, section.workspaceId), eq(t.workspaceApprovers.organisationId, organisation.id)))
      .limit(1),
  ]);
  return { kind: "organisation", id: organisation.id, takesPart: member.length > 0 || approver.length > 0 };
}

/** The members of the workspace in an organisation who may read the thread (to tell them). */
async function organisationReaders(database: Database, loaded: Loaded, organisationId: string, exceptUserId: string): Promise<string[]> {
  const { db, t } = database;
  const rows = await db
    .select({ id: t.user.id })
    .from(t.memberships)
    .innerJoin(t.user, eq(t.user.id, t.memberships.userId))
    .where(and(eq(t.memberships.workspaceId, loaded.section.workspaceId), eq(t.user.organisationId, organisationId), isNull(t.user.disabledAt)));
  const readers: string[] = [];
  for (const row of rows) {
    if (row.id === exceptUserId) continue;
    const seen = await personSees(database, row.id, loaded.section.workspaceId, loaded.section.status, loaded.thread);
    if (seen?.sees) readers.push(row.id);
  }
  return readers;
}

function refuse(verdict: ReturnType<typeof threadAssignment>): void {
  if (verdict.allowed) return;
  if (verdict.code === "forbidden") throw new Forbidden("thread.assign", "forbidden", verdict.reason);
  throw new CommandError(verdict.code, verdict.reason, verdict.code === "thread_resolved" ? 409 : 400, "assignee");
}

/** Assigns, reassigns or unassigns a thread (`AssignThreadProps`). */
export async function assignThread(deps: CommandDeps, actor: Actor, input: unknown): Promise<{ threadId: string }> {
  const props = parseInput(commentInputs.assign, input);
  const { database } = deps;
  const { t } = database;
  return runCommand(deps, {
    load: () => loadThread(database, actor, props.threadId),
    authorize: ({ thread, facts }) => refuse(threadAssignment(actor, { ...facts, resolved: thread.resolvedAt !== null }, null)),
    prepare: async (loaded) => {
      const assignee = await assigneeFacts(database, loaded, props.assignee);
      refuse(threadAssignment(actor, { ...loaded.facts, resolved: loaded.thread.resolvedAt !== null }, assignee));
      const organisationName =
        assignee?.kind === "organisation"
          ? ((await database.db.select({ name: t.organisations.name }).from(t.organisations).where(eq(t.organisations.id, assignee.id)).limit(1))[0]?.name ?? null)
          : null;
      const told =
        assignee?.kind === "organisation" ? await organisationReaders(database, loaded, assignee.id, actor.id) : assignee && assignee.id !== actor.id ? [assignee.id] : [];
      return { ...loaded, assignee, organisationName, told };
    },
    lock: (tx) => lockAuditChain(tx),
    change: async (tx, { thread, section, facts, assignee, organisationName, told }) => {
      // Under the lock: the thread as it is now (resolved, or assigned, meanwhile).
      const now = (await tx.select().from(t.commentThreads).where(eq(t.commentThreads.id, thread.id)).limit(1))[0];
      if (!now) throw new NotFound("thread", thread.id);
      refuse(threadAssignment(actor, { ...facts, resolved: now.resolvedAt !== null }, assignee));
      const before = { userId: now.assigneeUserId, organisationId: now.assigneeOrganisationId, dueDate: now.assignmentDueDate };
      const after = {
        userId: assignee?.kind === "person" ? assignee.id : null,
        organisationId: assignee?.kind === "organisation" ? assignee.id : null,
        dueDate: assignee ? props.dueDate : null,
      };
      const wasAssigned = before.userId !== null || before.organisationId !== null;
      const same = before.userId === after.userId && before.organisationId === after.organisationId;
      if (same && before.dueDate === after.dueDate) return { result: { threadId: thread.id } };
      const at = new Date();
      await tx
        .update(t.commentThreads)
        .set({
          assigneeUserId: after.userId,
          assigneeOrganisationId: after.organisationId,
          assignmentDueDate: after.dueDate,
          assignedBy: assignee ? actor.id : null,
          assignedAt: assignee ? at : null,
        })
        .where(eq(t.commentThreads.id, thread.id));
      await appendAudit(tx, {
        actorId: actor.id,
        action: !assignee ? "thread.unassigned" : wasAssigned && !same ? "thread.reassigned" : "thread.assigned",
        subjectType: "thread",
        subjectId: thread.id,
        workspaceId: section.workspaceId,
        data: { sectionId: section.id, from: before, to: after },
      });
      const base = notificationBase({ section, thread }, actor);
      const data = { sectionTitle: section.title, quote: excerpt(thread.quote, 80), dueDate: after.dueDate, ...(organisationName ? { organisationName } : {}) };
      const notify: NotifyProps[] = same ? [] : told.map((userId) => ({ ...base, userId, kind: "thread.assigned" as const, data }));
      if (!same && before.userId && before.userId !== actor.id && before.userId !== after.userId) {
        notify.push({ ...base, userId: before.userId, kind: "thread.unassigned", data: { sectionTitle: section.title, quote: excerpt(thread.quote, 80) } });
      }
      return { result: { threadId: thread.id }, notify };
    },
    emit: ({ threadId }, { section }) => emitThreadChanged(deps, section, threadId),
  });
}
