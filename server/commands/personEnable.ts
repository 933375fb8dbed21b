/** An admin enables a disabled person again (see adminSupport.ts); they sign in anew. */
import { eq } from "drizzle-orm";
import { authorize, type Actor } from "../policy";
import { appendAudit } from "../services/audit";
import { loadPerson, type AdminDeps } from "./adminSupport";
import { runCommand } from "./run";

export interface EnablePersonProps {
  /** Who asks; from the session. Must be an admin. */
  actor: Actor;
  /** The person to enable. */
  userId: string;
}

/** Enables a disabled person again; they sign in anew. */
export async function enablePerson(deps: AdminDeps, props: EnablePersonProps): Promise<void> {
  const { database } = deps;
  const { t } = database;
  await runCommand(deps, {
    load: async () => undefined,
    authorize: () => authorize(props.actor, "admin.people"),
    change: async (tx) => {
      const person = await loadPerson(deps, props.userId);
      if (!person.disabledAt) return { result: undefined };
      await tx.update(t.user).set({ disabledAt: null, updatedAt: new Date() }).where(eq(t.user.id, person.id));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "person.enabled",
        subjectType: "person",
        subjectId: person.id,
        data: { email: person.email },
      });
      return { result: undefined };
    },
  });
}
