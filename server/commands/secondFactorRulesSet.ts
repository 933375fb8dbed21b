/**
 * The admins' second-factor rules (docs/decisions/022-identity-plugins.md): per role ("admin" and the
 * workspace roles) and per organisation, each "required", "not required" or the default. A rule that
 * now requires it leads the people it covers to the setup at their next request (server/context.ts).
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { authorize, SECOND_FACTOR_ROLES, type Actor, type SecondFactorRole } from "../policy";
import { appendAudit, lockAuditChain } from "../services/audit";
import { parseInput } from "../services/errors";
import type { AdminDeps } from "./adminSupport";
import { runCommand } from "./run";

/** A rule: true required, false not required (not even by default), null the default. */
export type Rule = boolean | null;

const rule = z.union([z.boolean(), z.null()]);
const rulesSchema = z.object({
  roles: z.partialRecord(z.enum(SECOND_FACTOR_ROLES as [SecondFactorRole, ...SecondFactorRole[]]), rule),
  organisations: z.record(z.string().min(1).max(64), rule),
});

export interface SetSecondFactorRulesProps {
  /** Who asks; from the session. Must be an admin. */
  actor: Actor;
  roles: Partial<Record<SecondFactorRole, Rule>>;
  /** Organisation id → rule; only the organisations given change. */
  organisations: Record<string, Rule>;
}

/**
 * Sets the rules given. Open connections of people a new rule holds at the gate are closed at the
 * next periodic check of every connection (server/services/access.ts).
 */
export async function setSecondFactorRules(deps: AdminDeps, props: SetSecondFactorRulesProps): Promise<void> {
  const { database } = deps;
  const { t } = database;
  const input = parseInput(rulesSchema, { roles: props.roles, organisations: props.organisations });
  await runCommand(deps, {
    load: async () => undefined,
    authorize: () => authorize(props.actor, "admin.people"),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx) => {
      const changes: Record<string, { from: Rule; to: Rule }> = {};
      const before = await tx.select().from(t.twoFactorRoles);
      for (const [role, to] of Object.entries(input.roles) as [SecondFactorRole, Rule][]) {
        const from = before.find((r) => r.role === role);
        const fromRule = from ? Boolean(from.required) : null;
        if (fromRule === to) continue;
        if (to === null) await tx.delete(t.twoFactorRoles).where(eq(t.twoFactorRoles.role, role));
        else if (from) await tx.update(t.twoFactorRoles).set({ required: to, updatedAt: new Date() }).where(eq(t.twoFactorRoles.role, role));
        else await tx.insert(t.twoFactorRoles).values({ role, required: to, updatedAt: new Date() });
        changes[`role:${role}`] = { from: fromRule, to };
      }
      for (const [organisationId, to] of Object.entries(input.organisations)) {
        const row = (await tx.select({ rule: t.organisations.requireTwoFactor }).from(t.organisations).where(eq(t.organisations.id, organisationId)).limit(1))[0];
        if (!row) continue;
        const fromRule = row.rule === null || row.rule === undefined ? null : Boolean(row.rule);
        if (fromRule === to) continue;
        await tx.update(t.organisations).set({ requireTwoFactor: to }).where(eq(t.organisations.id, organisationId));
        changes[`organisation:${organisationId}`] = { from: fromRule, to };
      }
      if (Object.keys(changes).length === 0) return { result: false };
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "second_factor.rules_changed",
        subjectType: "settings",
        subjectId: "second-factor",
        data: { changes },
      });
      return { result: true };
    },
  });
}
