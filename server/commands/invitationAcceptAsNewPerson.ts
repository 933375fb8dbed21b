/**
 * Someone without an account accepts an invitation (see invitationSupport.ts): they are created in the
 * invitation's organisation, join the workspace, and are signed in.
 *
 * Not on `runCommand` (server/commands/run.ts): the account is made through better-auth, outside any
 * transaction of ours, before the transaction that claims the link (and is deleted again when the claim
 * fails); a refusal of the placement is audited in a transaction of its own and then thrown; and the
 * sign-in follows the commit. The steps keep the skeleton's order otherwise: load and check, one
 * transaction for the change and its audit entries, emit after the commit.
 */
import { eq } from "drizzle-orm";
import type { Role } from "../../app/shared/domain";
import { createPerson } from "../auth";
import { invitationPlacement } from "../policy";
import { loadActor, loadWorkspaceFacts, NotFound } from "../services/access";
import { appendAudit } from "../services/audit";
import { CommandError } from "../services/errors";
import { findInvitation } from "../views/invitations";
import { claim, refuse, type InvitationDeps } from "./invitationSupport";

/**
 * Asks the policy again, as a new person accepts, whether the inviter may place them in the
 * invitation's organisation: the invitation may have been made under an older rule, the inviter may
 * have lost the right to invite, or the organisation may have become the minister's office since.
 * A refusal is audited and changes nothing else.
 */
async function refuseUnlessStillPlaceable(deps: InvitationDeps, invitationId: string): Promise<void> {
  const { database, log } = deps;
  const { db, t } = database;
  const rows = await db
    .select({
      workspaceId: t.invitations.workspaceId,
      email: t.invitations.email,
      invitedBy: t.invitations.invitedBy,
      organisationId: t.invitations.organisationId,
      kind: t.organisations.kind,
    })
    .from(t.invitations)
    .leftJoin(t.organisations, eq(t.organisations.id, t.invitations.organisationId))
    .where(eq(t.invitations.id, invitationId))
    .limit(1);
  const inv = rows[0];
  if (!inv) throw new NotFound("invitation", invitationId);
  const inviter = inv.invitedBy ? await loadActor(database, inv.invitedBy) : null;
  const organisation = inv.organisationId && inv.kind ? { id: inv.organisationId, kind: inv.kind } : null;
  const verdict = inviter
    ? invitationPlacement(inviter, await loadWorkspaceFacts(database, inviter, inv.workspaceId), organisation)
    : ({ allowed: false, code: "inviter_gone", reason: "The person who invited you no longer has an account." } as const);
  if (verdict.allowed) return;
  await database.transaction((tx) =>
    appendAudit(tx, {
      actorId: null,
      action: "invitation.refused",
      subjectType: "invitation",
      subjectId: invitationId,
      workspaceId: inv.workspaceId,
      data: { email: inv.email, organisationId: inv.organisationId, invitedBy: inv.invitedBy, code: verdict.code },
    }),
  );
  log.warn("an invitation was refused as a new person accepted it", { invitationId, code: verdict.code });
  throw new CommandError("invitation_not_allowed", `This invitation can no longer be used (${verdict.reason}) Ask for a new invitation.`, 403);
}

export interface AcceptAsNewPersonProps {
  /** The token from the link. */
  token: string;
  /** The name they choose. */
  name: string;
  /** The password they choose (checked by the form's schema: 12 to 128 characters). */
  password: string;
  /** The request's headers, passed on to better-auth for the sign-in (client address, user agent). */
  headers: Headers;
  /** For tests: the moment "now". */
  now?: Date;
}

/**
 * Someone without an account accepts: they are created in the invitation's organisation with the
 * invitation's email, join the workspace, and are signed in. Returns the Set-Cookie headers of the new
 * session for the door to forward.
 */
export async function acceptInvitationAsNewPerson(
  deps: InvitationDeps,
  props: AcceptAsNewPersonProps,
): Promise<{ workspaceId: string; role: Role; userId: string; setCookie: string[] }> {
  const { database, auth, log } = deps;
  const { db, t } = database;
  const now = props.now ?? new Date();
  const view = await findInvitation(deps, props.token, now);
  if (view.state !== "pending") throw refuse(view.state);
  if (view.accountExists) {
    throw new CommandError("account_exists", "An account with this email address already exists: sign in to accept.", 409);
  }
  await refuseUnlessStillPlaceable(deps, view.id);
  const userId = await createPerson(auth, {
    email: view.email,
    name: props.name.trim(),
    password: props.password,
    organisationId: view.organisationId,
  });
  let result: Awaited<ReturnType<typeof claim>>;
  try {
    result = await database.transaction(async (tx) => {
      const claimed = await claim(tx, deps, props.token, userId, now, true);
      await appendAudit(tx, {
        actorId: userId,
        action: "person.created",
        subjectType: "person",
        subjectId: userId,
        workspaceId: claimed.workspaceId,
        data: { email: view.email, organisationId: view.organisationId, via: "invitation", invitationId: view.id },
      });
      return claimed;
    });
  } catch (error) {
    // The link was used or withdrawn in the meantime: the account made for it goes again.
    await db.delete(t.user).where(eq(t.user.id, userId));
    throw error;
  }
  deps.events.emit("membership.changed", { workspaceId: result.workspaceId, userId, role: result.role });

  const response = await auth.api.signInEmail({
    body: { email: view.email, password: props.password },
    headers: props.headers,
    asResponse: true,
  });
  const setCookie = response.headers.getSetCookie();
  if (!response.ok) log.warn("new person created from an invitation could not be signed in", { status: response.status, userId });
  return { workspaceId: result.workspaceId, role: result.role, userId, setCookie };
}

