/**
 * The policy decides who may change roles (`workspace.manageMembers`); a workspace never loses its
 * last owner; the change is audited in its transaction and announced ("membership.changed") after the
 * commit, so that open connections of that person are checked again.
 */
import { and, eq } from "drizzle-orm";
import type { Role } from "../../app/shared/domain";
import { authorize, type Actor } from "../policy";
import { loadWorkspaceFacts } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import { memberUnderLock } from "./memberSupport";
import { runCommand, type CommandDeps } from "./run";

export interface ChangeRoleProps {
  /** Who asks; from the session. */
  actor: Actor;
  /** The workspace the membership belongs to. */
  workspaceId: string;
  /** Whose role changes. */
  userId: string;
  /** The new role. */
  role: Role;
}

/**
 * Gives a member another role. Throws Forbidden unless the actor may manage members, NotFound for an
 * unknown workspace or a person who is not a member, and CommandError("last_owner") when this would
 * leave the workspace without an owner. Returns the previous role.
 */
export async function changeMemberRole(deps: CommandDeps, props: ChangeRoleProps): Promise<{ from: Role; to: Role }> {
  const { database } = deps;
  const { t } = database;
  const result = await runCommand(deps, {
    load: () => loadWorkspaceFacts(database, props.actor, props.workspaceId),
    authorize: (facts) => authorize(props.actor, "workspace.manageMembers", facts),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx) => {
      const from = await memberUnderLock(tx, database, props, () => props.role !== "owner");
      if (from === props.role) return { result: { from, to: props.role, changed: false } };
      await tx
        .update(t.memberships)
        .set({ role: props.role })
        .where(and(eq(t.memberships.workspaceId, props.workspaceId), eq(t.memberships.userId, props.userId)));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "membership.role_changed",
        subjectType: "membership",
        subjectId: `${props.workspaceId}:${props.userId}`,
        workspaceId: props.workspaceId,
        data: { userId: props.userId, from, to: props.role },
      });
      return { result: { from, to: props.role, changed: true } };
    },
    emit: ({ changed, to }) => {
      if (changed) deps.events.emit("membership.changed", { workspaceId: props.workspaceId, userId: props.userId, role: to });
    },
  });
  return { from: result.from, to: result.to };
}
