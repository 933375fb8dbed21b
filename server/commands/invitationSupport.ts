/**
 * What the invitation commands share (server/commands/invitation*.ts). Invitations are how people join
 * a workspace. An owner (or an admin) invites an email address with a role and an organisation;
 * Overleg makes a random token, stores only its SHA-256, and shows the link
 * `${PUBLIC_URL}/invite/<token>` once, to the inviter, in the UI, and mails it to the invitee (server/mail). The server
 * log names the invitation by its id, never its token: a log line must not let its reader join.
 *
 * The organisation is where a new person is created, so it decides rights (the minister's office signs
 * off): the policy (`invitationPlacement`) says which organisations an inviter may place a new person
 * in, when the invitation is made and again when a new person accepts it. Someone who already has an
 * account keeps their organisation. A used, revoked or expired link says so and changes nothing.
 * Every step is audited.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { OrganisationKind } from "../../app/shared/domain";
import type { Db } from "../../db/index";
import type { Services } from "../context";
import { authorize, invitationPlacement, type Actor, type WorkspaceFacts } from "../policy";
import { NotFound } from "../services/access";
import { appendAudit } from "../services/audit";
import { CommandError } from "../services/errors";
import { hashInvitationToken, stateOf, type InvitationState } from "../views/invitations";
import { addMemberInTx } from "./memberAdd";

/** How long an invitation link stays valid. */
export const INVITATION_TTL_MS = 14 * 24 * 60 * 60 * 1000;

export type InvitationDeps = Pick<Services, "database" | "events" | "env" | "log" | "auth">;

/** The link an invitee opens. */
export function invitationUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, "")}/invite/${token}`;
}

/** Throws unless the policy lets `actor` place a new person in `organisation` through an invitation. */
export function refuseUnlessPlaceable(actor: Actor, facts: WorkspaceFacts, organisation: { id: string; kind: OrganisationKind } | null): void {
  const verdict = invitationPlacement(actor, facts, organisation);
  if (verdict.allowed) return;
  if (verdict.code === "forbidden") authorize(actor, "workspace.invite", facts);
  throw new CommandError(verdict.code, verdict.reason, 403, "organisationId");
}

const unusable: Record<Exclude<InvitationState, "pending">, string> = {
  accepted: "This invitation has already been used.",
  revoked: "This invitation was withdrawn.",
  expired: "This invitation has expired: ask for a new one.",
};

export function refuse(state: Exclude<InvitationState, "pending">): CommandError {
  return new CommandError(`invitation_${state}`, unusable[state], 410);
}

/**
 * Marks the invitation used inside `tx`, only if it still is pending at this instant (so the same link
 * cannot be used twice, even by two requests at once), and adds the membership.
 */
export async function claim(
  tx: Db,
  deps: InvitationDeps,
  token: string,
  userId: string,
  now: Date,
  newPerson: boolean,
) {
  const { database } = deps;
  const { t } = database;
  const rows = await tx.select().from(t.invitations).where(eq(t.invitations.tokenHash, hashInvitationToken(token))).limit(1);
  const inv = rows[0];
  if (!inv) throw new NotFound("invitation", "(token)");
  const state = stateOf(inv, now);
  if (state !== "pending") throw refuse(state);
  const updated = await tx
    .update(t.invitations)
    .set({ acceptedAt: now })
    .where(and(eq(t.invitations.id, inv.id), isNull(t.invitations.acceptedAt), isNull(t.invitations.revokedAt)))
    .returning({ id: t.invitations.id });
  if (!updated.length) throw refuse("accepted");
  const membership = await addMemberInTx(tx, database, {
    workspaceId: inv.workspaceId,
    userId,
    role: inv.role,
    actorId: userId,
    via: "invitation",
    data: { invitationId: inv.id, invitedBy: inv.invitedBy },
  });
  await appendAudit(tx, {
    actorId: userId,
    action: "invitation.accepted",
    subjectType: "invitation",
    subjectId: inv.id,
    workspaceId: inv.workspaceId,
    data: { email: inv.email, role: inv.role, newPerson },
  });
  return { workspaceId: inv.workspaceId, role: membership.role, changed: membership.changed };
}

