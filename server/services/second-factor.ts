/**
 * The facts the policy's second-factor rules decide on (server/policy.ts `secondFactorRequirement`,
 * `stepUp`): whether the person has TOTP, which rules apply to them, and when their session last gave
 * it. See docs/decisions/022-identity-plugins.md.
 */
import { eq } from "drizzle-orm";
import type { Database } from "../../db/index";
import type { Env } from "../env";
import { CommandError } from "../errors";
import {
  secondFactorRequirement,
  stepUp,
  SECOND_FACTOR_ROLES,
  type Actor,
  type Role,
  type SecondFactorRole,
  type SecondFactorState,
  type StepUpAction,
} from "../policy";

/** The admins' rules per role (a role without a row keeps its default). */
export async function secondFactorRoleRules(database: Database): Promise<Partial<Record<SecondFactorRole, boolean>>> {
  const { db, t } = database;
  const rows = await db.select({ role: t.twoFactorRoles.role, required: t.twoFactorRoles.required }).from(t.twoFactorRoles);
  const rules: Partial<Record<SecondFactorRole, boolean>> = {};
  for (const r of rows) if ((SECOND_FACTOR_ROLES as readonly string[]).includes(r.role)) rules[r.role as SecondFactorRole] = Boolean(r.required);
  return rules;
}

/** Whether the person must have a second factor, and whether they have one. */
export async function secondFactorOf(
  database: Database,
  env: Pick<Env, "NODE_ENV">,
  userId: string,
): Promise<{ enabled: boolean; required: boolean; because: string | null }> {
  const { db, t } = database;
  const [person, memberships, roleRules] = await Promise.all([
    db
      .select({
        isAdmin: t.user.isAdmin,
        enabled: t.user.twoFactorEnabled,
        resetAt: t.user.twoFactorResetAt,
        organisationKind: t.organisations.kind,
        organisationRule: t.organisations.requireTwoFactor,
      })
      .from(t.user)
      .leftJoin(t.organisations, eq(t.organisations.id, t.user.organisationId))
      .where(eq(t.user.id, userId))
      .limit(1),
    db.selectDistinct({ role: t.memberships.role }).from(t.memberships).where(eq(t.memberships.userId, userId)),
    secondFactorRoleRules(database),
  ]);
  const row = person[0];
  if (!row) return { enabled: false, required: false, because: null };
  const verdict = secondFactorRequirement({
    production: env.NODE_ENV === "production",
    isAdmin: Boolean(row.isAdmin),
    organisationKind: row.organisationKind ?? null,
    organisationRule: row.organisationRule === null || row.organisationRule === undefined ? null : Boolean(row.organisationRule),
    roles: memberships.map((m) => m.role as Role),
    roleRules,
    resetByAdmin: Boolean(row.resetAt) && !row.enabled,
  });
  return { enabled: Boolean(row.enabled), ...verdict };
}

/**
 * The step-up check of a command (sign-off, reopening, publishing): throws a 403 CommandError
 * (`step_up_required`, `two_factor_setup_required`) unless the actor's session gave its second factor
 * in the last 15 minutes, or the person has none and needs none. Returns the state, for the audit entry.
 * An actor loaded without a session counts as one that gave no second factor.
 */
export async function requireStepUp(
  deps: { database: Database; env?: Pick<Env, "NODE_ENV"> },
  actor: Actor,
  action: StepUpAction,
): Promise<SecondFactorState> {
  const state: SecondFactorState =
    actor.secondFactor ?? { ...(await secondFactorOf(deps.database, deps.env ?? { NODE_ENV: "production" }, actor.id)), checkedAt: null };
  const verdict = stepUp(state, new Date());
  if (!verdict.allowed) throw new CommandError(verdict.code, verdict.reason, 403, action === "workspace.publish" ? undefined : "secondFactorCode");
  return state;
}

/** What the audit entry of a step-up action records about the second factor given. */
export function secondFactorAudit(state: SecondFactorState): { secondFactor: "totp" | "none"; secondFactorAt: string | null } {
  return state.enabled && state.checkedAt
    ? { secondFactor: "totp", secondFactorAt: state.checkedAt.toISOString() }
    : { secondFactor: "none", secondFactorAt: null };
}
