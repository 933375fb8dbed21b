/** A person's sessions, for the sessions page (their own) and the admin's people page. */
import { desc, eq } from "drizzle-orm";
import type { Database } from "../../db/index";
import { Forbidden, sessionEnd, type Actor } from "../policy";

export interface SessionView {
  id: string;
  userAgent: string | null;
  ipAddress: string | null;
  createdAt: Date;
  /** When it was last used (kept to within five minutes). */
  lastSeenAt: Date;
  expiresAt: Date;
  /** The session this request came with. */
  current: boolean;
}

/** The sessions of `userId` that `actor` may see (their own, or anyone's for an admin), newest use first. */
export async function listSessions(database: Database, actor: Actor & { sessionId?: string }, userId: string): Promise<SessionView[]> {
  if (!sessionEnd(actor, userId).allowed) throw new Forbidden("admin.people", "forbidden", "Only administrators see someone else's sessions.");
  const { db, t } = database;
  const rows = await db
    .select({
      id: t.session.id,
      userAgent: t.session.userAgent,
      ipAddress: t.session.ipAddress,
      createdAt: t.session.createdAt,
      updatedAt: t.session.updatedAt,
      expiresAt: t.session.expiresAt,
    })
    .from(t.session)
    .where(eq(t.session.userId, userId))
    .orderBy(desc(t.session.updatedAt));
  const now = Date.now();
  return rows
    .filter((r) => r.expiresAt.getTime() > now)
    .map((r) => ({
      id: r.id,
      userAgent: r.userAgent || null,
      ipAddress: r.ipAddress || null,
      createdAt: r.createdAt,
      lastSeenAt: r.updatedAt,
      expiresAt: r.expiresAt,
      current: r.id === actor.sessionId,
    }));
}
