/** What the membership commands share: reads inside their transaction, under the audit chain's lock. */
import { and, count, eq } from "drizzle-orm";
import type { Role } from "../../app/shared/domain";
import type { Database, Db } from "../../db/index";
import { authorize, type Actor } from "../policy";
import { loadWorkspaceFacts, NotFound } from "../services/access";
import { CommandError } from "../services/errors";

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

/**
 * The checks both membership commands make under the lock: the actor may still manage members (their
 * own role may have changed since it was read), `userId` is a member (else NotFound), and a change that
 * takes the member's owner role away (`leavesOwner`) never leaves the workspace without an owner.
 * Returns the member's role before the change.
 */
export async function memberUnderLock(
  tx: Db,
  database: Database,
  props: { actor: Actor; workspaceId: string; userId: string },
  leavesOwner: (from: Role) => boolean,
): Promise<Role> {
  authorize(props.actor, "workspace.manageMembers", await loadWorkspaceFacts(database, props.actor, props.workspaceId));
  const from = await currentRole(tx, database, props.workspaceId, props.userId);
  if (!from) throw new NotFound("member", props.userId);
  if (from === "owner" && leavesOwner(from) && (await ownerCount(tx, database, props.workspaceId)) <= 1) {
    throw new CommandError("last_owner", "A workspace needs at least one owner: make someone else owner first.");
  }
  return from;
}
