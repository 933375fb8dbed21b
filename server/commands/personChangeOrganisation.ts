/** An admin moves a person to another organisation (see adminSupport.ts). */
import { eq } from "drizzle-orm";
import { authorize, type Actor } from "../policy";
import { appendAudit } from "../services/audit";
import { CommandError } from "../services/errors";
import { loadPerson, organisationExists, type AdminDeps } from "./adminSupport";
import { runCommand } from "./run";

export interface ChangeOrganisationProps {
  /** Who asks; from the session. Must be an admin. */
  actor: Actor;
  /** The person to move. */
  userId: string;
  /** The new organisation, or null for none. */
  organisationId: string | null;
}

/** Moves a person to another organisation; their open connections are checked again. */
export async function changePersonOrganisation(deps: AdminDeps, props: ChangeOrganisationProps): Promise<void> {
  const { database, events } = deps;
  const { t } = database;
  await runCommand(deps, {
    load: async () => undefined,
    authorize: () => authorize(props.actor, "admin.people"),
    // Only an admin learns whether the person and the organisation exist.
    prepare: async () => {
      const person = await loadPerson(deps, props.userId);
      if (props.organisationId && !(await organisationExists(deps, props.organisationId))) {
        throw new CommandError("unknown_organisation", "Choose one of the organisations.", 400, "organisationId");
      }
      return person;
    },
    change: async (tx, person) => {
      if (person.organisationId === props.organisationId) return { result: false };
      await tx.update(t.user).set({ organisationId: props.organisationId, updatedAt: new Date() }).where(eq(t.user.id, person.id));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "person.organisation_changed",
        subjectType: "person",
        subjectId: person.id,
        data: { email: person.email, from: person.organisationId, to: props.organisationId },
      });
      return { result: true };
    },
    emit: (changed, person) => {
      if (changed) events.emit("person.revoked", { userId: person.id });
    },
  });
}
