/** What the membership commands share: reads inside their transaction, under the audit chain's lock. */
import { and, count, eq } from "drizzle-orm";
import type { Role } from "../../app/shared/domain";
import type { Database, Db } from "../../db/index";

/** A person's role in a workspace, read in the caller's transaction (no policy: the command has asked). */
export async function currentRole(tx: Db, database: Database, workspaceId: string, userId: string): Promise<Role | null> {
  const { t } = database;
  const rows = await tx
    .select({ role: t.memberships.role })
    .from(t.memberships)
    .where(and(eq(t.memberships.workspaceId, workspaceId), eq(t.memberships.userId, userId)))
    .limit(1);
  return rows[0]?.role ?? null;
}

/** How many owners a workspace has, read in the caller's transaction. */
export async function ownerCount(tx: Db, database: Database, workspaceId: string): Promise<number> {
  const { t } = database;
  const rows = await tx
    .select({ n: count() })
    .from(t.memberships)
    .where(and(eq(t.memberships.workspaceId, workspaceId), eq(t.memberships.role, "owner")));
  return Number(rows[0]?.n ?? 0);
}
