import { and, eq } from "drizzle-orm";
import type { Role } from "../../app/shared/domain";
import { authorize, type Actor } from "../policy";
import { loadWorkspaceFacts } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import { memberUnderLock } from "./memberSupport";
import { runCommand, type CommandDeps } from "./run";

export interface RemoveMemberProps {
  /** Who asks; from the session. */
  actor: Actor;
  /** The workspace to remove the member from. */
  workspaceId: string;
  /** Who is removed (may be the actor themself, leaving the workspace). */
  userId: string;
}

/**
 * Removes a member from a workspace. Same rules as `changeMemberRole`: the policy decides, the last
 * owner stays, the removal is audited and announced ("membership.changed") after the commit. Returns
 * the role the member had.
 */
export async function removeMember(deps: CommandDeps, props: RemoveMemberProps): Promise<{ role: Role }> {
  const { database } = deps;
  const { t } = database;
  const role = await runCommand(deps, {
    load: () => loadWorkspaceFacts(database, props.actor, props.workspaceId),
    authorize: (facts) => authorize(props.actor, "workspace.manageMembers", facts),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx) => {
      const from = await memberUnderLock(tx, database, props, () => true);
      await tx
        .delete(t.memberships)
        .where(and(eq(t.memberships.workspaceId, props.workspaceId), eq(t.memberships.userId, props.userId)));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "membership.removed",
        subjectType: "membership",
        subjectId: `${props.workspaceId}:${props.userId}`,
        workspaceId: props.workspaceId,
        data: { userId: props.userId, role: from },
      });
      return { result: from };
    },
    emit: () => deps.events.emit("membership.changed", { workspaceId: props.workspaceId, userId: props.userId, role: null }),
  });
  return { role };
}
