/**
 * An admin decides whether an organisation's people sign in only through single sign-on (no password
 * sign-in; docs/decisions/029). It can be required only while the organisation has an enabled provider.
 * Audited as `sso.required_changed`.
 */
import { eq } from "drizzle-orm";
import { authorize, type Actor } from "../policy";
import { appendAudit, lockAuditChain } from "../services/audit";
import { CommandError } from "../services/errors";
import { listSsoProviders } from "../sso";
import { organisationExists, type AdminDeps } from "./adminSupport";
import { runCommand } from "./run";
import { NotFound } from "../services/access";

export async function setSsoRequired(deps: AdminDeps, props: { actor: Actor; organisationId: string; required: boolean }): Promise<void> {
  const { database } = deps;
  const { t } = database;
  await runCommand(deps, {
    load: async () => ({
      exists: await organisationExists(deps, props.organisationId),
      hasProvider: (await listSsoProviders(database)).some((p) => p.organisationId === props.organisationId && p.enabled),
    }),
    authorize: (facts) => {
      authorize(props.actor, "admin.sso");
      if (!facts.exists) throw new NotFound("organisation", props.organisationId);
      if (props.required && !facts.hasProvider) {
        throw new CommandError("sso_no_provider", "Add an enabled single sign-on provider for this organisation first.", 409);
      }
    },
    lock: (tx) => lockAuditChain(tx),
    change: async (tx) => {
      await tx.update(t.organisations).set({ requireSso: props.required }).where(eq(t.organisations.id, props.organisationId));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "sso.required_changed",
        subjectType: "organisation",
        subjectId: props.organisationId,
        data: { required: props.required },
      });
      return { result: undefined };
    },
  });
}
