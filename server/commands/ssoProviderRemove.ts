/** An admin removes a single sign-on provider (docs/decisions/029); the people it linked keep their accounts. Audited. */
import { eq } from "drizzle-orm";
import { authorize, type Actor } from "../policy";
import { appendAudit, lockAuditChain } from "../services/audit";
import { CommandError } from "../services/errors";
import { listSsoProviders, wouldLockOut } from "../sso";
import type { AdminDeps } from "./adminSupport";
import { runCommand } from "./run";
import { NotFound } from "../services/access";

export async function removeSsoProvider(deps: AdminDeps, props: { actor: Actor; providerId: string }): Promise<void> {
  const { database } = deps;
  const { t } = database;
  await runCommand(deps, {
    load: async () => (await listSsoProviders(database)).find((p) => p.id === props.providerId) ?? null,
    authorize: async (existing) => {
      authorize(props.actor, "admin.sso");
      if (!existing) throw new NotFound("provider", props.providerId);
      if (existing?.source === "configuration") {
        throw new CommandError("from_configuration", "This provider comes from the configuration (SSO_<n>_… variables): change it there.", 409);
      }
      if (await wouldLockOut(database, existing.organisationId, (list) => list.filter((p) => p.id !== existing.id))) {
        throw new CommandError("sso_still_required", "This organisation requires single sign-on: allow passwords again first, or add another provider.", 409);
      }
    },
    lock: (tx) => lockAuditChain(tx),
    change: async (tx, existing) => {
      await tx.delete(t.ssoProviders).where(eq(t.ssoProviders.id, props.providerId));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "sso.provider_removed",
        subjectType: "organisation",
        subjectId: existing?.organisationId ?? "",
        data: { providerId: props.providerId, name: existing?.name, issuer: existing?.issuer },
      });
      return { result: undefined };
    },
  });
}
