/**
 * The reads of invitations (ADR 017): what an invitation link's page shows, and a workspace's open
 * invitations. The commands are in server/commands/invitation*.ts.
 *
 * Neither takes the actor: `findInvitation` is asked with the link's token, which is itself the right
 * to see that one invitation (the page is open to people without an account);
 * `listPendingInvitationsUnchecked` does not check, as its name says: the members page calls it after
 * `authorize(actor, "workspace.members")`.
 */
import { createHash } from "node:crypto";
import { and, asc, eq, gt, isNull } from "drizzle-orm";
import type { Role } from "../../app/shared/domain";
import type { Services } from "../context";
import { NotFound } from "../services/access";

/** The SHA-256 of a link's token: the only form in which a token is stored. */
export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
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

/** Where an invitation stands at `now`. */
export function stateOf(row: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now: Date): InvitationState {
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


/** The open invitations of a workspace (not used, not withdrawn, not expired), oldest first. Does not check: see above. */
export async function listPendingInvitationsUnchecked(deps: Pick<Services, "database">, workspaceId: string, now = new Date()) {
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
