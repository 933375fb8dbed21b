/**
 * An admin adds or changes a single sign-on provider of an organisation (docs/decisions/029): its
 * name on the sign-in button, the OpenID issuer, the client id and secret (stored encrypted; left
 * empty when changing, the old one stays), the email domains it speaks for (a domain belongs to one
 * organisation) and whether it may create people on their first sign-in. Audited without the secret.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Env } from "../env";
import { authorize, type Actor } from "../policy";
import { appendAudit, lockAuditChain } from "../services/audit";
import { CommandError, parseInput } from "../services/errors";
import { encryptSecret, issuerAllowed, listSsoProviders, wouldLockOut, type SsoProviderRow } from "../sso";
import { organisationExists, type AdminDeps } from "./adminSupport";
import { runCommand } from "./run";
import { NotFound } from "../services/access";

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const SsoProviderInput = z.object({
  id: z.string().min(1).max(100).optional(),
  organisationId: z.string().min(1, { error: "required" }).max(100),
  name: z.string().trim().min(1, { error: "required" }).max(100, { error: "tooLong" }),
  issuer: z
    .string()
    .trim()
    .max(500, { error: "tooLong" })
    .refine((v) => issuerAllowed(v), { error: "issuer" })
    .transform((v) => v.replace(/\/+$/, "")),
  clientId: z.string().trim().min(1, { error: "required" }).max(500, { error: "tooLong" }),
  clientSecret: z.string().max(2000, { error: "tooLong" }),
  domains: z
    .array(z.string().trim().toLowerCase().refine((d) => DOMAIN.test(d), { error: "domain" }))
    .min(1, { error: "required" })
    .max(50, { error: "tooLong" }),
  createPeople: z.boolean(),
  enabled: z.boolean(),
});
export type SsoProviderInput = z.input<typeof SsoProviderInput>;

export interface SaveSsoProviderProps {
  actor: Actor;
  provider: SsoProviderInput;
}

/** Adds (no id) or changes a provider; returns its id. */
export async function saveSsoProvider(deps: AdminDeps & { env: Pick<Env, "BETTER_AUTH_SECRET" | "NODE_ENV"> }, props: SaveSsoProviderProps): Promise<string> {
  const { database } = deps;
  const { t } = database;
  const input = parseInput(SsoProviderInput, props.provider);
  const domains = [...new Set(input.domains)];
  return runCommand<SsoProviderRow | null, string, { existing: SsoProviderRow | null; secret: string | null }>(deps, {
    load: async () => (input.id ? (await listSsoProviders(database)).find((p) => p.id === input.id) ?? null : null),
    authorize: (existing) => {
      authorize(props.actor, "admin.sso");
      if (input.id && !existing) throw new NotFound("provider", input.id);
      if (existing?.source === "configuration") {
        throw new CommandError("from_configuration", "This provider comes from the configuration (SSO_<n>_… variables): change it there.", 409);
      }
      if (!existing && !input.clientSecret) throw new CommandError("required", "Give the client secret.", 400, "clientSecret");
    },
    prepare: async (existing) => {
      if (!(await organisationExists(deps, input.organisationId))) throw new CommandError("unknown_organisation", "Choose one of the organisations.", 400, "organisationId");
      const taken = (await listSsoProviders(database)).find((p) => p.organisationId !== input.organisationId && p.domains.some((d) => domains.includes(d)));
      if (taken) throw new CommandError("domain_taken", "Another organisation's provider already speaks for one of these domains.", 409, "domains");
      // Turning off (or moving away) the last provider of an organisation that requires single sign-on would lock its people out.
      if (existing && (!input.enabled || existing.organisationId !== input.organisationId)) {
        const without = (list: SsoProviderRow[]) => list.filter((p) => p.id !== existing.id);
        if (await wouldLockOut(database, existing.organisationId, without)) {
          throw new CommandError("sso_still_required", "This organisation requires single sign-on: allow passwords again first, or add another provider.", 409);
        }
      }
      return { existing, secret: input.clientSecret ? await encryptSecret(deps.env, input.clientSecret) : null };
    },
    lock: (tx) => lockAuditChain(tx),
    change: async (tx, { existing, secret }) => {
      const now = new Date();
      const id = existing?.id ?? crypto.randomUUID();
      const values = {
        organisationId: input.organisationId,
        name: input.name,
        issuer: input.issuer,
        clientId: input.clientId,
        domains,
        createPeople: input.createPeople,
        enabled: input.enabled,
        updatedAt: now,
      };
      if (existing) await tx.update(t.ssoProviders).set({ ...values, ...(secret ? { clientSecret: secret } : {}) }).where(eq(t.ssoProviders.id, id));
      else await tx.insert(t.ssoProviders).values({ id, ...values, clientSecret: secret ?? "", createdAt: now });
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: existing ? "sso.provider_changed" : "sso.provider_added",
        subjectType: "organisation",
        subjectId: input.organisationId,
        data: { providerId: id, name: input.name, issuer: input.issuer, clientId: input.clientId, domains, createPeople: input.createPeople, enabled: input.enabled, secretChanged: Boolean(secret) },
      });
      return { result: id };
    },
  });
}
