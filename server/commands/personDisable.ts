/**
 * An admin disables a person (see adminSupport.ts): `user.disabledAt` is set, every session they have
 * is deleted (so their cookies and bearer tokens stop working at once), and "person.revoked" closes
 * their open WebSocket and socket.io connections.
 */
import { eq } from "drizzle-orm";
import { authorize, type Actor } from "../policy";
import { appendAudit } from "../services/audit";
import { CommandError } from "../services/errors";
import { loadPerson, type AdminDeps } from "./adminSupport";
import { runCommand } from "./run";

export interface DisablePersonProps {
  /** Who asks; from the session. Must be an admin, and cannot disable themself. */
  actor: Actor;
  /** The person to disable. */
  userId: string;
  /** For tests: the moment "now". */
  now?: Date;
}

/** Disables a person: they are signed out everywhere at once and cannot use Overleg until enabled. */
export async function disablePerson(deps: AdminDeps, props: DisablePersonProps): Promise<void> {
  const { database, events } = deps;
  const { t } = database;
  const now = props.now ?? new Date();
  await runCommand(deps, {
    load: async () => undefined,
    authorize: () => {
      authorize(props.actor, "admin.people");
      if (props.userId === props.actor.id) throw new CommandError("disable_self", "You cannot disable your own account.", 409);
    },
    change: async (tx) => {
      const person = await loadPerson(deps, props.userId);
      if (person.disabledAt) return { result: undefined };
      await tx.update(t.user).set({ disabledAt: now, updatedAt: now }).where(eq(t.user.id, person.id));
      const sessions = await tx.delete(t.session).where(eq(t.session.userId, person.id)).returning({ id: t.session.id });
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "person.disabled",
        subjectType: "person",
        subjectId: person.id,
        data: { email: person.email, sessionsEnded: sessions.length },
      });
      return { result: undefined };
    },
    // Announced even when already disabled: a connection opened before is closed either way.
    emit: () => events.emit("person.revoked", { userId: props.userId }),
  });
}
