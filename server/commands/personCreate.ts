/**
 * An admin creates a person with a temporary password (see adminSupport.ts).
 *
 * Not on `runCommand` (server/commands/run.ts): the account is made through better-auth, outside any
 * transaction of ours, and its audit entry is written after it in a transaction of its own; when that
 * fails the account is deleted again (no person without an audit record of their creation). It keeps
 * the skeleton's order otherwise: authorize, check, change, audit; nobody is notified, nothing emitted.
 */
import { eq } from "drizzle-orm";
import { createPerson } from "../auth";
import { authorize, type Actor } from "../policy";
import { appendAudit } from "../services/audit";
import { CommandError } from "../services/errors";
import { organisationExists, temporaryPassword, type AdminDeps } from "./adminSupport";

export interface CreatePersonProps {
  /** Who asks; from the session. Must be an admin. */
  actor: Actor;
  /** Their email address; unique. */
  email: string;
  /** Their name as shown. */
  name: string;
  /** Their organisation, or null for an operator without one. */
  organisationId: string | null;
}

/**
 * Creates a person with a temporary password, returned once for the admin to pass on.
 * CommandError("email_taken") when someone already has the address.
 */
export async function createPersonByAdmin(deps: AdminDeps, props: CreatePersonProps): Promise<{ id: string; temporaryPassword: string }> {
  authorize(props.actor, "admin.people");
  const { database, auth } = deps;
  const { db, t } = database;
  const email = props.email.trim().toLowerCase();
  if (props.organisationId && !(await organisationExists(deps, props.organisationId))) {
    throw new CommandError("unknown_organisation", "Choose one of the organisations.", 400, "organisationId");
  }
  const taken = await db.select({ id: t.user.id }).from(t.user).where(eq(t.user.email, email)).limit(1);
  if (taken[0]) throw new CommandError("email_taken", "Someone already has an account with this email address.", 409, "email");
  const password = temporaryPassword();
  const id = await createPerson(auth, { email, name: props.name.trim(), password, organisationId: props.organisationId });
  try {
    await database.transaction((tx) =>
      appendAudit(tx, {
        actorId: props.actor.id,
        action: "person.created",
        subjectType: "person",
        subjectId: id,
        data: { email, name: props.name.trim(), organisationId: props.organisationId, via: "admin" },
      }),
    );
  } catch (error) {
    // No person without an audit record of their creation.
    await db.delete(t.user).where(eq(t.user.id, id));
    throw error;
  }
  return { id, temporaryPassword: password };
}
