/**
 * Invitations: how people join a workspace. An owner (or an admin) invites an email address with a
 * role and an organisation; Overleg makes a random token, stores only its SHA-256, and shows the link
 * `${PUBLIC_URL}/invite/<token>` once, to the inviter, in the UI (there is no mail server). The server
 * log names the invitation by its id, never its token: a log line must not let its reader join.
 *
 * The organisation is where a new person is created, so it decides rights (the minister's office signs
 * off): the policy (`invitationPlacement`) says which organisations an inviter may place a new person
 * in, when the invitation is made and again when a new person accepts it. Someone who already has an
 * account keeps their organisation.
 *
 * Whoever opens the link either is signed in with that email (and joins), or has no account yet (sets
 * a name and password, is created in the invitation's organisation, joins, and is signed in). A used,
 * revoked or expired link says so and changes nothing. Every step is audited.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, asc, eq, gt, isNull } from "drizzle-orm";
import { createPerson } from "../auth";
import type { Services } from "../context";
import { authorize, invitationPlacement, type Actor, type WorkspaceFacts } from "../policy";
import { ROLES, type OrganisationKind, type Role } from "../../app/shared/domain";
import { loadActor, loadWorkspaceFacts, NotFound } from "./access";
import { appendAudit } from "./audit";
import { CommandError } from "./errors";
import { addMemberInTx } from "../commands/memberAdd";

/** How long an invitation link stays valid. */
export const INVITATION_TTL_MS = 14 * 24 * 60 * 60 * 1000;

export type InvitationDeps = Pick<Services, "database" | "events" | "env" | "log" | "auth">;

export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function invitationUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, "")}/invite/${token}`;
}

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

/** Throws unless the policy lets `actor` place a new person in `organisation` through an invitation. */
function refuseUnlessPlaceable(actor: Actor, facts: WorkspaceFacts, organisation: { id: string; kind: OrganisationKind } | null): void {
  const verdict = invitationPlacement(actor, facts, organisation);
  if (verdict.allowed) return;
  if (verdict.code === "forbidden") authorize(actor, "workspace.invite", facts);
  throw new CommandError(verdict.code, verdict.reason, 403, "organisationId");
}

/**
 * Creates an invitation and returns its link. The token itself is never stored; the link is logged
 * and returned so the inviter can pass it on, and cannot be shown again.
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
  await database.transaction(async (tx) => {
    const facts = await loadWorkspaceFacts(database, props.actor, props.workspaceId);
    authorize(props.actor, "workspace.invite", facts);
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
  });
  const url = invitationUrl(env.PUBLIC_URL, token);
  // The link is the inviter's to pass on: the log gets the invitation's id, never the token.
  log.info("invitation created", { invitationId: id, workspaceId: props.workspaceId, role: props.role });
  return { id, url, token, expiresAt };
}

export type InvitationState = "pending" | "accepted" | "revoked" | "expired";

export interface InvitationView {
  id: string;
  state: InvitationState;
  email: string;
  role: Role;
  workspaceId: string;
  workspaceTitle: string;
  organisationId: string | null;
  organisationName: string | null;
  expiresAt: Date;
  /** Whether an account with the invited email already exists (then the invitee signs in first). */
  accountExists: boolean;
}

function stateOf(row: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now: Date): InvitationState {
  if (row.acceptedAt) return "accepted";
  if (row.revokedAt) return "revoked";
  if (row.expiresAt.getTime() <= now.getTime()) return "expired";
  return "pending";
}

/** What a token's page shows; throws NotFound for a token that was never issued. */
export async function findInvitation(deps: Pick<Services, "database">, token: string, now = new Date()): Promise<InvitationView> {
  const { database } = deps;
  const { db, t } = database;
  const rows = await db
    .select({
      id: t.invitations.id,
      email: t.invitations.email,
      role: t.invitations.role,
      workspaceId: t.invitations.workspaceId,
      workspaceTitle: t.workspaces.title,
      organisationId: t.invitations.organisationId,
      organisationName: t.organisations.name,
      expiresAt: t.invitations.expiresAt,
      acceptedAt: t.invitations.acceptedAt,
      revokedAt: t.invitations.revokedAt,
    })
    .from(t.invitations)
    .innerJoin(t.workspaces, eq(t.workspaces.id, t.invitations.workspaceId))
    .leftJoin(t.organisations, eq(t.organisations.id, t.invitations.organisationId))
    .where(eq(t.invitations.tokenHash, hashInvitationToken(token)))
    .limit(1);
  const row = rows[0];
  if (!row) throw new NotFound("invitation", "(token)");
  const account = await db.select({ id: t.user.id }).from(t.user).where(eq(t.user.email, row.email)).limit(1);
  return {
    id: row.id,
    state: stateOf(row, now),
    email: row.email,
    role: row.role,
    workspaceId: row.workspaceId,
    workspaceTitle: row.workspaceTitle,
    organisationId: row.organisationId,
    organisationName: row.organisationName ?? null,
    expiresAt: row.expiresAt,
    accountExists: account.length > 0,
  };
}

const unusable: Record<Exclude<InvitationState, "pending">, string> = {
  accepted: "This invitation has already been used.",
  revoked: "This invitation was withdrawn.",
  expired: "This invitation has expired: ask for a new one.",
};

function refuse(state: Exclude<InvitationState, "pending">): CommandError {
  return new CommandError(`invitation_${state}`, unusable[state], 410);
}

/**
 * Marks the invitation used inside `tx`, only if it still is pending at this instant (so the same link
 * cannot be used twice, even by two requests at once), and adds the membership.
 */
async function claim(
  tx: Parameters<Parameters<InvitationDeps["database"]["transaction"]>[0]>[0],
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

export interface AcceptInvitationProps {
  /** The token from the link. */
  token: string;
  /** The signed-in person; their email must be the invited one. */
  actor: Actor & { email: string };
  now?: Date;
}

/** A signed-in person accepts: they join the workspace with the invited role. */
export async function acceptInvitation(deps: InvitationDeps, props: AcceptInvitationProps): Promise<{ workspaceId: string; role: Role }> {
  const now = props.now ?? new Date();
  const view = await findInvitation(deps, props.token, now);
  if (view.state !== "pending") throw refuse(view.state);
  if (view.email !== props.actor.email.toLowerCase()) {
    throw new CommandError(
      "invitation_other_email",
      `This invitation is for ${view.email}; sign out and sign in with that address, or ask for an invitation for your own address.`,
      409,
    );
  }
  const result = await deps.database.transaction((tx) => claim(tx, deps, props.token, props.actor.id, now, false));
  if (result.changed) deps.events.emit("membership.changed", { workspaceId: result.workspaceId, userId: props.actor.id, role: result.role });
  return { workspaceId: result.workspaceId, role: result.role };
}

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
  token: string;
  /** The name they choose. */
  name: string;
  /** The password they choose (checked by the form's schema: 12 to 128 characters). */
  password: string;
  /** The request's headers, passed on to better-auth for the sign-in (client address, user agent). */
  headers: Headers;
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

export interface RevokeInvitationProps {
  /** Who withdraws it; needs `workspace.invite` on its workspace. */
  actor: Actor;
  invitationId: string;
  now?: Date;
}

/** Withdraws a pending invitation: its link stops working. */
export async function revokeInvitation(deps: InvitationDeps, props: RevokeInvitationProps): Promise<void> {
  const { database } = deps;
  const { t } = database;
  const now = props.now ?? new Date();
  await database.transaction(async (tx) => {
    const rows = await tx.select().from(t.invitations).where(eq(t.invitations.id, props.invitationId)).limit(1);
    const inv = rows[0];
    if (!inv) throw new NotFound("invitation", props.invitationId);
    const facts = await loadWorkspaceFacts(database, props.actor, inv.workspaceId);
    authorize(props.actor, "workspace.invite", facts);
    const state = stateOf(inv, now);
    if (state === "accepted" || state === "revoked") throw refuse(state);
    await tx.update(t.invitations).set({ revokedAt: now }).where(eq(t.invitations.id, inv.id));
    await appendAudit(tx, {
      actorId: props.actor.id,
      action: "invitation.revoked",
      subjectType: "invitation",
      subjectId: inv.id,
      workspaceId: inv.workspaceId,
      data: { email: inv.email, role: inv.role },
    });
  });
}

/** The open invitations of a workspace (not used, not withdrawn, not expired), oldest first. */
export async function listPendingInvitations(deps: Pick<Services, "database">, workspaceId: string, now = new Date()) {
  const { db, t } = deps.database;
  return db
    .select({
      id: t.invitations.id,
      email: t.invitations.email,
      role: t.invitations.role,
      organisationName: t.organisations.name,
      organisationShortCode: t.organisations.shortCode,
      invitedByName: t.user.name,
      createdAt: t.invitations.createdAt,
      expiresAt: t.invitations.expiresAt,
    })
    .from(t.invitations)
    .leftJoin(t.organisations, eq(t.organisations.id, t.invitations.organisationId))
    .leftJoin(t.user, eq(t.user.id, t.invitations.invitedBy))
    .where(
      and(
        eq(t.invitations.workspaceId, workspaceId),
        isNull(t.invitations.acceptedAt),
        isNull(t.invitations.revokedAt),
        gt(t.invitations.expiresAt, now),
      ),
    )
    .orderBy(asc(t.invitations.createdAt));
}
