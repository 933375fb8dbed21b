/**
 * Inviting someone to a workspace (see invitationSupport.ts): the link is shown once, to the inviter,
 * and mailed to the invitee through the outbox (which drops it once sent); the invitation keeps only
 * the token's hash.
 */
import { randomBytes } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import { ROLES, type Role } from "../../app/shared/domain";
import { authorize, type Actor } from "../policy";
import { loadWorkspaceFacts } from "../services/access";
import { appendAudit } from "../services/audit";
import { CommandError } from "../services/errors";
import { hashInvitationToken } from "../views/invitations";
import { INVITATION_TTL_MS, invitationUrl, refuseUnlessPlaceable, type InvitationDeps } from "./invitationSupport";
import { runCommand } from "./run";

export interface CreateInvitationProps {
  /** Who invites; from the session. Needs `workspace.invite` on the workspace. */
  actor: Actor;
  workspaceId: string;
  /** The invitee's email address; the account that accepts must have exactly this one. */
  email: string;
  /** The role they get on accepting. */
  role: Role;
  /**
   * The organisation a new person is created in (people who already have an account keep theirs);
   * one the policy lets the inviter place people in (`invitationPlacement`).
   */
  organisationId: string;
  /** For tests: the moment "now". */
  now?: Date;
}

/**
 * Creates an invitation and returns its link. The token itself is never stored; the link is logged
 * by the invitation's id and returned so the inviter can pass it on, and cannot be shown again.
 */
export async function createInvitation(
  deps: InvitationDeps,
  props: CreateInvitationProps,
): Promise<{ id: string; url: string; token: string; expiresAt: Date }> {
  const { database, env, log } = deps;
  const { t } = database;
  const email = props.email.trim().toLowerCase();
  if (!ROLES.includes(props.role)) throw new CommandError("invalid_role", "Unknown role.", 400, "role");
  const now = props.now ?? new Date();
  const token = randomBytes(32).toString("base64url");
  const id = crypto.randomUUID();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  const url = invitationUrl(env.PUBLIC_URL, token);
  await runCommand(deps, {
    load: () => loadWorkspaceFacts(database, props.actor, props.workspaceId),
    authorize: (facts) => authorize(props.actor, "workspace.invite", facts),
    change: async (tx, facts) => {
      const org = await tx.select({ id: t.organisations.id, kind: t.organisations.kind }).from(t.organisations).where(eq(t.organisations.id, props.organisationId)).limit(1);
      if (!org[0]) throw new CommandError("unknown_organisation", "Choose one of the organisations.", 400, "organisationId");
      refuseUnlessPlaceable(props.actor, facts, { id: org[0].id, kind: org[0].kind });
      const existing = await tx
        .select({ id: t.user.id })
        .from(t.user)
        .innerJoin(t.memberships, and(eq(t.memberships.userId, t.user.id), eq(t.memberships.workspaceId, props.workspaceId)))
        .where(eq(t.user.email, email))
        .limit(1);
      if (existing[0]) throw new CommandError("already_member", "This person is already a member of the workspace.", 409, "email");
      const pending = await tx
        .select({ id: t.invitations.id })
        .from(t.invitations)
        .where(
          and(
            eq(t.invitations.workspaceId, props.workspaceId),
            eq(t.invitations.email, email),
            isNull(t.invitations.acceptedAt),
            isNull(t.invitations.revokedAt),
            gt(t.invitations.expiresAt, now),
          ),
        )
        .limit(1);
      if (pending[0]) {
        throw new CommandError("already_invited", "This address already has an open invitation: revoke it first to send a new one.", 409, "email");
      }
      await tx.insert(t.invitations).values({
        id,
        workspaceId: props.workspaceId,
        email,
        role: props.role,
        organisationId: props.organisationId,
        tokenHash: hashInvitationToken(token),
        invitedBy: props.actor.id,
        createdAt: now,
        expiresAt,
      });
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "invitation.created",
        subjectType: "invitation",
        subjectId: id,
        workspaceId: props.workspaceId,
        data: { email, role: props.role, organisationId: props.organisationId, expiresAt: expiresAt.toISOString() },
      });
      // The invitee gets the link by mail too (server/mail), in their language if they have an
      // account, else in the inviter's; the outbox forgets the link once the mail went out.
      const [invitee] = await tx.select({ locale: t.user.locale }).from(t.user).where(eq(t.user.email, email)).limit(1);
      const [inviter] = await tx.select({ locale: t.user.locale }).from(t.user).where(eq(t.user.id, props.actor.id)).limit(1);
      return {
        result: undefined,
        mail: [{ kind: "invitation", to: email, data: { invitationId: id, url, locale: invitee?.locale ?? inviter?.locale ?? "nl" } }],
      };
    },
  });
  // The link is the inviter's to pass on: the log gets the invitation's id, never the token.
  log.info("invitation created", { invitationId: id, workspaceId: props.workspaceId, role: props.role });
  return { id, url, token, expiresAt };
}
