/**
 * Notifications: one row per person and event, of any kind ("mention", "reply", "resolved"; the
 * review and sign-off commands add their own kinds with their own `data`). `notify` runs inside the
 * command's transaction; after the commit the command calls `announce`, and socket.io tells the
 * person's open pages (server/realtime/comments.ts).
 *
 * A notification about a thread is shown only while its reader may still see the thread: the
 * policy is asked again when the inbox is read, so a thread that is (or became) closed to someone
 * never reaches them through their inbox.
 */
import { and, desc, eq, inArray, isNull, lt, type SQL } from "drizzle-orm";
import type { Database, Db } from "../../db/index";
import type { NotificationView } from "../../app/shared/comments";
import type { NotificationKind } from "../../app/shared/notifications";
import type { DomainEventBus } from "../events";
import { canSection, canThread, type Actor } from "../policy";
import { workspaceStandings } from "./access";

export interface NotifyProps {
  /** Who is told. */
  userId: string;
  /** What happened: one of NOTIFICATION_KINDS (each has its text in both languages). */
  kind: NotificationKind;
  /** Who did it (from the session), or null for the system. */
  actorId: string | null;
  workspaceId?: string | null;
  sectionId?: string | null;
  threadId?: string | null;
  /** Whatever the inbox needs to say it in words (titles, an excerpt); plain data, shown as text. */
  data?: Record<string, unknown>;
}

/** Inserts notifications in the caller's transaction; returns what to `announce` after the commit. */
export async function notify(tx: Db, database: Database, list: NotifyProps[]): Promise<{ userId: string; id: string }[]> {
  const { t } = database;
  const rows = list.map((n) => ({
    id: crypto.randomUUID(),
    userId: n.userId,
    kind: n.kind,
    actorId: n.actorId,
    workspaceId: n.workspaceId ?? null,
    sectionId: n.sectionId ?? null,
    threadId: n.threadId ?? null,
    data: n.data ?? {},
    createdAt: new Date(),
  }));
  if (rows.length) await tx.insert(t.notifications).values(rows);
  return rows.map((r) => ({ userId: r.userId, id: r.id }));
}

/** Tells the realtime layer (after the commit) that these people have something new. */
export function announce(events: DomainEventBus, created: { userId: string; id: string }[]): void {
  for (const n of created) events.emit("notification.created", { userId: n.userId, notificationId: n.id });
}

export interface ListNotificationsProps {
  /** Only unread ones. */
  unread?: boolean;
  /** Older than this notification's time (paging). */
  before?: Date;
  /** At most this many (default 50, at most 200). */
  limit?: number;
}

/**
 * The reader's notifications, newest first, each checked against the policy for its thread or
 * section now. Returns the shown ones and the count of unread ones the reader may see.
 */
export async function listNotifications(
  database: Database,
  actor: Actor,
  props: ListNotificationsProps = {},
): Promise<{ notifications: NotificationView[]; unread: number }> {
  const { db, t } = database;
  const limit = Math.min(Math.max(props.limit ?? 50, 1), 200);
  const where: SQL[] = [eq(t.notifications.userId, actor.id)];
  if (props.unread) where.push(isNull(t.notifications.readAt));
  if (props.before) where.push(lt(t.notifications.createdAt, props.before));
  const rows = await db
    .select({
      n: t.notifications,
      actorName: t.user.name,
      actorOrg: t.organisations.shortCode,
      sectionTitle: t.sections.title,
      workspaceTitle: t.workspaces.title,
    })
    .from(t.notifications)
    .leftJoin(t.user, eq(t.user.id, t.notifications.actorId))
    .leftJoin(t.organisations, eq(t.organisations.id, t.user.organisationId))
    .leftJoin(t.sections, eq(t.sections.id, t.notifications.sectionId))
    .leftJoin(t.workspaces, eq(t.workspaces.id, t.notifications.workspaceId))
    .where(and(...where))
    .orderBy(desc(t.notifications.createdAt))
    .limit(limit);
  const visible = await visibleFilter(database, actor, rows.map((r) => r.n));
  const notifications = rows
    .filter((r) => visible(r.n))
    .map(
      (r): NotificationView => ({
        id: r.n.id,
        kind: r.n.kind,
        workspaceId: r.n.workspaceId,
        sectionId: r.n.sectionId,
        threadId: r.n.threadId,
        actor: r.n.actorId ? { id: r.n.actorId, name: r.actorName ?? "", organisationShortCode: r.actorOrg ?? null } : null,
        sectionTitle: r.sectionTitle ?? null,
        workspaceTitle: r.workspaceTitle ?? null,
        data: (typeof r.n.data === "string" ? JSON.parse(r.n.data) : r.n.data) as Record<string, unknown>,
        readAt: r.n.readAt ? new Date(r.n.readAt).toISOString() : null,
        createdAt: new Date(r.n.createdAt).toISOString(),
      }),
    );
  return { notifications, unread: await unreadCount(database, actor) };
}

/** How many unread notifications the reader may see. */
export async function unreadCount(database: Database, actor: Actor): Promise<number> {
  const { db, t } = database;
  const rows = await db
    .select()
    .from(t.notifications)
    .where(and(eq(t.notifications.userId, actor.id), isNull(t.notifications.readAt)))
    .limit(1000);
  const visible = await visibleFilter(database, actor, rows);
  return rows.filter(visible).length;
}

/**
 * Marks the reader's notifications read: the given ids, those about one section, or all of them. Returns the unread count;
 * with `events`, the reader's open pages are told the new count.
 */
export async function markRead(database: Database, actor: Actor, ids: string[] | "all" | { sectionId: string }, events?: DomainEventBus): Promise<number> {
  const { db, t } = database;
  const mine = eq(t.notifications.userId, actor.id);
  const unread = isNull(t.notifications.readAt);
  if (ids === "all") await db.update(t.notifications).set({ readAt: new Date() }).where(and(mine, unread));
  else if ("sectionId" in ids) await db.update(t.notifications).set({ readAt: new Date() }).where(and(mine, unread, eq(t.notifications.sectionId, ids.sectionId)));
  else if (ids.length) await db.update(t.notifications).set({ readAt: new Date() }).where(and(mine, unread, inArray(t.notifications.id, ids)));
  events?.emit("notifications.read", { userId: actor.id });
  return unreadCount(database, actor);
}

type Row = { threadId: string | null; sectionId: string | null; workspaceId: string | null };

/** A predicate: may the reader see what this notification is about, now? */
async function visibleFilter(database: Database, actor: Actor, rows: Row[]): Promise<(row: Row) => boolean> {
  const { db, t } = database;
  const workspaceIds = [...new Set(rows.map((r) => r.workspaceId).filter((id): id is string => id !== null))];
  const threadIds = [...new Set(rows.map((r) => r.threadId).filter((id): id is string => id !== null))];
  const sectionIds = [...new Set(rows.map((r) => r.sectionId).filter((id): id is string => id !== null))];
  const [memberships, approvers, threads, sections] = await Promise.all([
    workspaceIds.length
      ? db
          .select({ workspaceId: t.memberships.workspaceId, role: t.memberships.role })
          .from(t.memberships)
          .where(and(eq(t.memberships.userId, actor.id), inArray(t.memberships.workspaceId, workspaceIds)))
      : [],
    workspaceIds.length && actor.organisationId
      ? db
          .select({ workspaceId: t.workspaceApprovers.workspaceId })
          .from(t.workspaceApprovers)
          .where(and(eq(t.workspaceApprovers.organisationId, actor.organisationId), inArray(t.workspaceApprovers.workspaceId, workspaceIds)))
      : [],
    threadIds.length
      ? db
          .select({
            id: t.commentThreads.id,
            visibility: t.commentThreads.visibility,
            organisationId: t.commentThreads.organisationId,
            authorId: t.commentThreads.authorId,
          })
          .from(t.commentThreads)
          .where(inArray(t.commentThreads.id, threadIds))
      : [],
    sectionIds.length
      ? db.select({ id: t.sections.id, status: t.sections.status }).from(t.sections).where(inArray(t.sections.id, sectionIds))
      : [],
  ]);
  const roles = new Map(memberships.map((m) => [m.workspaceId, m.role]));
  const approving = new Set(approvers.map((a) => a.workspaceId));
  const standings = await workspaceStandings(database, actor, workspaceIds);
  const threadById = new Map(threads.map((x) => [x.id, x]));
  const statusById = new Map(sections.map((s) => [s.id, s.status]));
  return (row) => {
    if (!row.workspaceId) return !row.threadId && !row.sectionId;
    const standing = standings.get(row.workspaceId);
    if (!standing) return false;
    const facts = {
      role: roles.get(row.workspaceId) ?? null,
      approverOrganisation: approving.has(row.workspaceId),
      agendaOwner: standing.agendaOwner,
      archived: standing.archived,
      status: (row.sectionId ? statusById.get(row.sectionId) : undefined) ?? ("draft" as const),
    };
    if (row.sectionId && !statusById.has(row.sectionId)) return false;
    if (!canSection(actor, "section.view", facts)) return false;
    if (!row.threadId) return true;
    const thread = threadById.get(row.threadId);
    if (!thread) return false;
    return canThread(actor, "thread.view", {
      ...facts,
      visibility: thread.visibility,
      threadOrganisationId: thread.organisationId,
      threadAuthorId: thread.authorId,
    });
  };
}
