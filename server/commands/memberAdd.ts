import { and, eq } from "drizzle-orm";
import type { Role } from "../../app/shared/domain";
import type { Database, Db } from "../../db/index";
import { appendAudit, lockAuditChain } from "../services/audit";
import { currentRole } from "./memberSupport";

export interface AddMemberProps {
  /** The workspace to join. */
  workspaceId: string;
  /** Who joins. */
  userId: string;
  /** Their role. */
  role: Role;
  /** Who is responsible (the inviter or the admin), for the audit trail. */
  actorId: string | null;
  /** Why, for the audit trail ("invitation"). */
  via: string;
  /** Extra audit data (the invitation id). */
  data?: Record<string, unknown>;
}

/**
 * Adds a member inside an open transaction (used by invitations). The caller has checked the right to
 * do so and emits "membership.changed" after its commit. An existing member keeps the higher of their
 * role and the new one. Returns the role they have afterwards and whether anything changed.
 */
export async function addMemberInTx(tx: Db, database: Database, props: AddMemberProps): Promise<{ role: Role; changed: boolean }> {
  const { t } = database;
  const rank: Record<Role, number> = { viewer: 1, commenter: 2, editor: 3, owner: 4 };
  await lockAuditChain(tx);
  const from = await currentRole(tx, database, props.workspaceId, props.userId);
  if (from && rank[from] >= rank[props.role]) return { role: from, changed: false };
  if (from) {
    await tx
      .update(t.memberships)
      .set({ role: props.role })
      .where(and(eq(t.memberships.workspaceId, props.workspaceId), eq(t.memberships.userId, props.userId)));
  } else {
    await tx.insert(t.memberships).values({ workspaceId: props.workspaceId, userId: props.userId, role: props.role });
  }
  await appendAudit(tx, {
    actorId: props.actorId,
    action: from ? "membership.role_changed" : "membership.added",
    subjectType: "membership",
    subjectId: `${props.workspaceId}:${props.userId}`,
    workspaceId: props.workspaceId,
    data: { ...props.data, userId: props.userId, ...(from ? { from, to: props.role } : { role: props.role }), via: props.via },
  });
  return { role: props.role, changed: true };
}
