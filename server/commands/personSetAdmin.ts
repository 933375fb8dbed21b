/** An admin makes a person an admin or takes it away (see adminSupport.ts). */
import { and, count, eq, isNull } from "drizzle-orm";
import { authorize, type Actor } from "../policy";
import { appendAudit, lockAuditChain } from "../services/audit";
import { CommandError } from "../services/errors";
import { loadPerson, type AdminDeps } from "./adminSupport";
import { runCommand } from "./run";

export interface SetAdminProps {
  /** Who asks; from the session. Must be an admin. */
  actor: Actor;
  /** The person whose admin right changes. */
  userId: string;
  /** Whether they are an admin afterwards. */
  isAdmin: boolean;
}

/** Makes a person an admin or takes it away; the last enabled admin stays one. Their connections are checked again. */
export async function setPersonAdmin(deps: AdminDeps, props: SetAdminProps): Promise<void> {
  const { database, events } = deps;
  const { t } = database;
  await runCommand(deps, {
    load: async () => undefined,
    authorize: () => authorize(props.actor, "admin.people"),
    // Under the audit chain's lock two admins cannot take each other's right away at once.
    lock: (tx) => lockAuditChain(tx),
    change: async (tx) => {
      const person = await loadPerson(deps, props.userId);
      if (Boolean(person.isAdmin) === props.isAdmin) return { result: undefined };
      if (!props.isAdmin) {
        const admins = await tx
          .select({ n: count() })
          .from(t.user)
          .where(and(eq(t.user.isAdmin, true), isNull(t.user.disabledAt)));
        if (Number(admins[0]?.n ?? 0) <= 1) {
          throw new CommandError("last_admin", "Overleg needs at least one admin: make someone else admin first.");
        }
      }
      await tx.update(t.user).set({ isAdmin: props.isAdmin, updatedAt: new Date() }).where(eq(t.user.id, person.id));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: props.isAdmin ? "person.admin_granted" : "person.admin_revoked",
        subjectType: "person",
        subjectId: person.id,
        data: { email: person.email },
      });
      return { result: undefined };
    },
    emit: () => events.emit("person.revoked", { userId: props.userId }),
  });
}
