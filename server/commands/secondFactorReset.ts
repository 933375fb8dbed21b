/**
 * An admin resets a person's second factor (a lost authenticator, docs/decisions/029): their TOTP
 * secret and recovery codes are deleted, they must set it up again at their next sign-in (whatever the
 * rules, `user.two_factor_reset_at`, cleared once they have), and every session they have ends, so a
 * session opened with the lost device stops at once. They are told in their inbox and, when mail is
 * configured, by a mail that always goes out (a security notice, not a preference).
 */
import { eq } from "drizzle-orm";
import { secondFactorReset, type Actor } from "../policy";
import { appendAudit, lockAuditChain } from "../services/audit";
import { CommandError } from "../services/errors";
import { loadPerson, type AdminDeps } from "./adminSupport";
import { runCommand } from "./run";

export interface ResetSecondFactorProps {
  /** Who asks; from the session. */
  actor: Actor;
  /** Whose second factor. */
  userId: string;
  now?: Date;
}

/** Resets the second factor; returns whether the person had one set up. */
export async function resetSecondFactor(deps: AdminDeps, props: ResetSecondFactorProps): Promise<{ hadSecondFactor: boolean; sessionsEnded: number }> {
  const { database, events } = deps;
  const { t } = database;
  const now = props.now ?? new Date();
  return runCommand(deps, {
    load: () => loadPerson(deps, props.userId),
    authorize: () => {
      const verdict = secondFactorReset(props.actor, props.userId);
      if (!verdict.allowed) throw new CommandError(verdict.code, verdict.reason, 403);
    },
    lock: (tx) => lockAuditChain(tx),
    change: async (tx, person) => {
      const removed = await tx.delete(t.twoFactor).where(eq(t.twoFactor.userId, person.id)).returning({ id: t.twoFactor.id });
      const hadSecondFactor = Boolean(person.twoFactorEnabled) || removed.length > 0;
      await tx.update(t.user).set({ twoFactorEnabled: false, twoFactorResetAt: now, updatedAt: now }).where(eq(t.user.id, person.id));
      const sessions = await tx.delete(t.session).where(eq(t.session.userId, person.id)).returning({ id: t.session.id });
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "second_factor.reset",
        subjectType: "person",
        subjectId: person.id,
        data: { email: person.email, hadSecondFactor, sessionsEnded: sessions.length },
      });
      return {
        result: { hadSecondFactor, sessionsEnded: sessions.length },
        notify: [{ userId: person.id, kind: "second_factor.reset", actorId: props.actor.id }],
        mail: [{ kind: "second_factor_reset", userId: person.id, data: { actorId: props.actor.id } }],
      };
    },
    emit: (result) => {
      if (result.sessionsEnded > 0) events.emit("session.ended", { userId: props.userId });
    },
  });
}
