/**
 * Membership commands: change a member's role, remove a member. The policy module decides who may
 * (`workspace.manageMembers`); a workspace never loses its last owner; every change is audited in the
 * same transaction and announced ("membership.changed") after it is committed, so that open
 * connections of that person are checked again.
 */
import { and, count, eq } from "drizzle-orm";
import type { Database, Db } from "../../db/index";
import type { DomainEventBus } from "../events";
import { authorize, type Actor } from "../policy";
import type { Role } from "../../app/shared/domain";
import { loadWorkspaceFacts, NotFound } from "./access";
import { appendAudit, lockAuditChain } from "./audit";
import { CommandError } from "./errors";

/** What membership commands need from the server. */
export interface MembershipDeps {
  database: Database;
  events: DomainEventBus;
}

async function currentRole(tx: Db, database: Database, workspaceId: string, userId: string): Promise<Role | null> {
  const { t } = database;
  const rows = await tx
    .select({ role: t.memberships.role })
    .from(t.memberships)
    .where(and(eq(t.memberships.workspaceId, workspaceId), eq(t.memberships.userId, userId)))
    .limit(1);
  return rows[0]?.role ?? null;
}

async function ownerCount(tx: Db, database: Database, workspaceId: string): Promise<number> {
  const { t } = database;
  const rows = await tx
    .select({ n: count() })
    .from(t.memberships)
    .where(and(eq(t.memberships.workspaceId, workspaceId), eq(t.memberships.role, "owner")));
  return Number(rows[0]?.n ?? 0);
}

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
export async function changeMemberRole(deps: MembershipDeps, props: ChangeRoleProps): Promise<{ from: Role; to: Role }> {
  const { database, events } = deps;
  const { t } = database;
  const result = await database.transaction(async (tx) => {
    await lockAuditChain(tx);
    const facts = await loadWorkspaceFacts(database, props.actor, props.workspaceId);
    authorize(props.actor, "workspace.manageMembers", facts);
    const from = await currentRole(tx, database, props.workspaceId, props.userId);
    if (!from) throw new NotFound("member", props.userId);
    if (from === props.role) return { from, to: props.role, changed: false };
    if (from === "owner" && (await ownerCount(tx, database, props.workspaceId)) <= 1) {
      throw new CommandError("last_owner", "A workspace needs at least one owner: make someone else owner first.");
    }
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
    return { from, to: props.role, changed: true };
  });
  if (result.changed) events.emit("membership.changed", { workspaceId: props.workspaceId, userId: props.userId, role: result.to });
  return { from: result.from, to: result.to };
}

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
 * owner stays. Returns the role the member had.
 */
export async function removeMember(deps: MembershipDeps, props: RemoveMemberProps): Promise<{ role: Role }> {
  const { database, events } = deps;
  const { t } = database;
  const role = await database.transaction(async (tx) => {
    await lockAuditChain(tx);
    const facts = await loadWorkspaceFacts(database, props.actor, props.workspaceId);
    authorize(props.actor, "workspace.manageMembers", facts);
    const from = await currentRole(tx, database, props.workspaceId, props.userId);
    if (!from) throw new NotFound("member", props.userId);
    if (from === "owner" && (await ownerCount(tx, database, props.workspaceId)) <= 1) {
      throw new CommandError("last_owner", "A workspace needs at least one owner: make someone else owner first.");
    }
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
    return from;
  });
  events.emit("membership.changed", { workspaceId: props.workspaceId, userId: props.userId, role: null });
  return { role };
}

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
