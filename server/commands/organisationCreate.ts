/** Creating an organisation (admins only; see adminSupport.ts). */
import type { OrganisationKind } from "../../app/shared/domain";
import { authorize, type Actor } from "../policy";
import { appendAudit } from "../services/audit";
import { CommandError } from "../services/errors";
import { shortCodeTaken, type AdminDeps } from "./adminSupport";
import { runCommand } from "./run";

export interface CreateOrganisationProps {
  /** Who asks; from the session. Must be an admin. */
  actor: Actor;
  /** What kind of organisation it is; the kind decides rights (the minister's office signs off). */
  kind: OrganisationKind;
  /** The full name ("Ministerie van Economische Zaken"). */
  name: string;
  /** The short code shown beside names ("EZ"); unique. */
  shortCode: string;
}

/** Creates an organisation; CommandError("short_code_taken") when the short code is in use. */
export async function createOrganisation(deps: AdminDeps, props: CreateOrganisationProps): Promise<{ id: string }> {
  const { database } = deps;
  const { t } = database;
  const shortCode = props.shortCode.trim().toUpperCase();
  const name = props.name.trim();
  const id = crypto.randomUUID();
  await runCommand(deps, {
    load: async () => undefined,
    authorize: () => authorize(props.actor, "admin.organisations"),
    change: async (tx) => {
      if (await shortCodeTaken(tx, database, shortCode)) {
        throw new CommandError("short_code_taken", "Another organisation already has this short code.", 409, "shortCode");
      }
      await tx.insert(t.organisations).values({ id, kind: props.kind, name, shortCode });
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "organisation.created",
        subjectType: "organisation",
        subjectId: id,
        data: { kind: props.kind, name, shortCode },
      });
      return { result: undefined };
    },
  });
  return { id };
}
