import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useConfirmDialog } from "~/components/ConfirmDialog";
import { BAD_REQUEST, describeIssues } from "../../server/errors";
import { removeSsoProvider } from "../../server/commands/ssoProviderRemove";
import { saveSsoProvider, SsoProviderInput } from "../../server/commands/ssoProviderSave";
import { setSsoRequired } from "../../server/commands/ssoRequiredSet";
import { listSsoProviders, SSO_CALLBACK_PATH, unresolvedConfiguredProviders } from "../../server/sso";
import { fieldErrors, formObject } from "~/components/admin/schemas";
import { FieldError, FormError, invalid, OrganisationOptions } from "~/components/admin/ui";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import { actionFailure, type ActionFailure } from "~/utils/action-result";
import { commandFailure, requireAdmin } from "~/utils/admin.server";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "identity:sso.admin.title")) }];

/** Single sign-on providers per organisation, and which organisations may sign in only through them (admins only). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAdmin(request, context, "admin.sso");
  const { database, env } = context.services;
  const { db, t } = database;
  const organisations = await db
    .select({ id: t.organisations.id, name: t.organisations.name, shortCode: t.organisations.shortCode, requireSso: t.organisations.requireSso })
    .from(t.organisations)
    .orderBy(t.organisations.name);
  const providers = await listSsoProviders(database);
  return {
    callbackUrl: `${env.PUBLIC_URL}${SSO_CALLBACK_PATH}`,
    organisations: organisations.map((o) => ({ ...o, requireSso: Boolean(o.requireSso) })),
    // Never the secret, not even encrypted.
    providers: providers.map((p) => ({
      id: p.id,
      organisationId: p.organisationId,
      name: p.name,
      issuer: p.issuer,
      clientId: p.clientId,
      domains: p.domains,
      createPeople: p.createPeople,
      enabled: p.enabled,
      fromConfiguration: p.source === "configuration",
    })),
    // Configured (SSO_<n>_...) for an organisation short code that does not exist: offered nowhere until it does.
    unresolved: (await unresolvedConfiguredProviders(database)).map((p) => ({ id: p.id, prefix: p.prefix, name: p.name, organisation: p.organisation })),
  };
}

type Result = { ok: true; intent: string; target?: string } | ActionFailure;

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireAdmin(request, context, "admin.sso");
  const form = formObject(await request.formData());
  const intent = form.intent ?? "";
  const services = context.services;
  try {
    if (intent === "save") {
      const input = {
        ...(form.id ? { id: form.id } : {}),
        organisationId: form.organisationId ?? "",
        name: form.name ?? "",
        issuer: form.issuer ?? "",
        clientId: form.clientId ?? "",
        clientSecret: form.clientSecret ?? "",
        domains: (form.domains ?? "").split(/[\s,;]+/).filter(Boolean),
        createPeople: form.createPeople === "on",
        enabled: form.enabled === "on",
      };
      const parsed = SsoProviderInput.safeParse(input);
      if (!parsed.success) {
        const errors = fieldErrors(parsed.error);
        return data(actionFailure(intent, { code: BAD_REQUEST, message: describeIssues(parsed.error) }, form.id || "new", errors), { status: 400 });
      }
      const id = await saveSsoProvider(services, { actor, provider: input });
      return { ok: true, intent, target: form.id || "new", id } as Result;
    }
    if (intent === "remove") {
      await removeSsoProvider(services, { actor, providerId: form.id ?? "" });
      return { ok: true, intent, target: form.id } as Result;
    }
    if (intent === "required") {
      await setSsoRequired(services, { actor, organisationId: form.organisationId ?? "", required: form.required === "true" });
      return { ok: true, intent, target: form.organisationId } as Result;
    }
    return data(actionFailure(intent, { code: BAD_REQUEST, message: "Send intent=save, remove or required." }), { status: 400 });
  } catch (error) {
    return commandFailure(error, intent, intent === "required" ? form.organisationId : form.id || "new");
  }
}

type Provider = ReturnType<typeof useLoaderData<typeof loader>>["providers"][number];

function ProviderForm({ provider, result }: { provider: Provider | null; result: Result | undefined }) {
  const { organisations } = useLoaderData<typeof loader>();
  const { t } = useTranslation("identity");
  const busy = useNavigation().state !== "idle";
  const key = provider?.id ?? "new";
  const mine = result && result.target === key && (result.intent === "save" || result.intent === "remove") ? result : undefined;
  const errors = mine && !mine.ok ? mine.errors : undefined;
  const f = (name: string) => `sso-${key}-${name}`;
  return (
    <Form method="post" className="panel" aria-labelledby={f("title")}>
      <h3 id={f("title")}>{provider ? provider.name : t("sso.admin.add")}</h3>
      {mine?.ok ? (
        <p className="alert alert--success" role="status">
          {t("sso.admin.saved")}
        </p>
      ) : null}
      <FormError errors={errors} />
      <input type="hidden" name="intent" value="save" />
      {provider ? <input type="hidden" name="id" value={provider.id} /> : null}
      <div className="field">
        <label htmlFor={f("organisation")}>{t("sso.admin.organisation")}</label>
        <select id={f("organisation")} name="organisationId" defaultValue={provider?.organisationId ?? ""} required {...invalid(errors, "organisationId", f("organisation-error"))}>
          <OrganisationOptions organisations={organisations} none={t("sso.admin.chooseOrganisation")} />
        </select>
        <FieldError id={f("organisation-error")} code={errors?.organisationId} />
      </div>
      <div className="field">
        <label htmlFor={f("name")}>{t("sso.admin.name")}</label>
        <input id={f("name")} name="name" defaultValue={provider?.name ?? ""} required maxLength={100} {...invalid(errors, "name", f("name-error"))} />
        <FieldError id={f("name-error")} code={errors?.name} />
      </div>
      <div className="field">
        <label htmlFor={f("issuer")}>{t("sso.admin.issuer")}</label>
        <input id={f("issuer")} name="issuer" type="url" defaultValue={provider?.issuer ?? ""} required placeholder="https://login.example.nl" {...invalid(errors, "issuer", f("issuer-error"))} />
        <FieldError id={f("issuer-error")} code={errors?.issuer} />
      </div>
      <div className="field">
        <label htmlFor={f("clientId")}>{t("sso.admin.clientId")}</label>
        <input id={f("clientId")} name="clientId" defaultValue={provider?.clientId ?? ""} required autoComplete="off" {...invalid(errors, "clientId", f("clientId-error"))} />
        <FieldError id={f("clientId-error")} code={errors?.clientId} />
      </div>
      <div className="field">
        <label htmlFor={f("clientSecret")}>{t("sso.admin.clientSecret")}</label>
        <input
          id={f("clientSecret")}
          name="clientSecret"
          type="password"
          autoComplete="new-password"
          required={!provider}
          aria-describedby={f("clientSecret-hint")}
          {...invalid(errors, "clientSecret", f("clientSecret-error"))}
        />
        <p className="field__hint muted" id={f("clientSecret-hint")}>
          {provider ? t("sso.admin.secretKept") : t("sso.admin.secretStored")}
        </p>
        <FieldError id={f("clientSecret-error")} code={errors?.clientSecret} />
      </div>
      <div className="field">
        <label htmlFor={f("domains")}>{t("sso.admin.domains")}</label>
        <input id={f("domains")} name="domains" defaultValue={provider?.domains.join(", ") ?? ""} required placeholder="minez.nl, rijksoverheid.nl" aria-describedby={f("domains-hint")} {...invalid(errors, "domains", f("domains-error"))} />
        <p className="field__hint muted" id={f("domains-hint")}>
          {t("sso.admin.domainsHint")}
        </p>
        <FieldError id={f("domains-error")} code={errors?.domains} />
      </div>
      <div className="field field--checkbox">
        <input id={f("createPeople")} name="createPeople" type="checkbox" defaultChecked={provider?.createPeople ?? true} />
        <label htmlFor={f("createPeople")}>{t("sso.admin.createPeople")}</label>
      </div>
      <div className="field field--checkbox">
        <input id={f("enabled")} name="enabled" type="checkbox" defaultChecked={provider?.enabled ?? true} />
        <label htmlFor={f("enabled")}>{t("sso.admin.enabled")}</label>
      </div>
      <button type="submit" className="button button--primary" disabled={busy}>
        {provider ? t("sso.admin.save") : t("sso.admin.addSubmit")}
      </button>
    </Form>
  );
}

/** Removing a provider asks first, in the shared dialog that says what happens. */
function RemoveProvider({ provider, busy }: { provider: { id: string; name: string }; busy: boolean }) {
  const { t } = useTranslation("identity");
  const confirm = useConfirmDialog({
    id: `sso-remove-${provider.id}`,
    title: t("sso.admin.removeTitle", { name: provider.name }),
    body: <p>{t("sso.admin.removeBody", { name: provider.name })}</p>,
    confirmLabel: t("sso.admin.remove"),
  });
  return (
    <>
      <Form method="post" onSubmit={confirm.onSubmit}>
        <input type="hidden" name="intent" value="remove" />
        <input type="hidden" name="id" value={provider.id} />
        <button type="submit" className="button button--quiet" disabled={busy}>
          {t("sso.admin.remove")}
          <span className="visually-hidden"> {provider.name}</span>
        </button>
      </Form>
      {confirm.dialog}
    </>
  );
}

export default function SsoAdmin() {
  const { organisations, providers, callbackUrl, unresolved } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const busy = useNavigation().state !== "idle";
  const { t } = useTranslation("identity");
  const orgName = (id: string) => organisations.find((o) => o.id === id)?.name ?? id;
  return (
    <main id="main" className="page" tabIndex={-1}>
      <h1>{t("sso.admin.title")}</h1>
      <p className="lede">{t("sso.admin.intro")}</p>
      <p>
        {t("sso.admin.callback")} <code data-testid="sso-callback">{callbackUrl}</code>
      </p>
      <section aria-labelledby="sso-providers">
        <h2 id="sso-providers">{t("sso.admin.providers")}</h2>
        {providers.length === 0 ? <p className="muted">{t("sso.admin.none")}</p> : null}
        {unresolved.map((p) => (
          <p key={p.id} className="alert alert--warning" role="status" data-testid="sso-unresolved">
            {t("sso.admin.unresolved", { name: p.name, prefix: p.prefix, code: p.organisation })}
          </p>
        ))}
        {providers
          .filter((p) => p.fromConfiguration)
          .map((p) => (
            <div key={p.id} className="panel" data-testid="sso-configured">
              <h3>{p.name}</h3>
              <p className="muted">{t("sso.admin.fromConfiguration", { prefix: `SSO_${p.id.slice("config-".length)}_` })}</p>
              {result && !result.ok && result.target === p.id ? <FormError errors={result.errors} /> : null}
              <dl>
                <dt>{t("sso.admin.organisation")}</dt>
                <dd>{orgName(p.organisationId)}</dd>
                <dt>{t("sso.admin.issuer")}</dt>
                <dd>
                  <code>{p.issuer}</code>
                </dd>
                <dt>{t("sso.admin.clientId")}</dt>
                <dd>
                  <code>{p.clientId}</code>
                </dd>
                <dt>{t("sso.admin.domains")}</dt>
                <dd>{p.domains.join(", ")}</dd>
                <dt>{t("sso.admin.createPeople")}</dt>
                <dd>{p.createPeople ? t("sso.admin.yes") : t("sso.admin.no")}</dd>
              </dl>
            </div>
          ))}
        {providers.filter((p) => !p.fromConfiguration).map((p) => (
          <div key={p.id}>
            <p>
              <strong>{p.name}</strong> — {orgName(p.organisationId)} · {p.domains.join(", ")} {p.enabled ? null : <span className="muted">({t("sso.admin.off")})</span>}
            </p>
            <ProviderForm provider={p} result={result} />
            <RemoveProvider provider={p} busy={busy} />
          </div>
        ))}
        <ProviderForm provider={null} result={result} />
      </section>
      <section className="panel" aria-labelledby="sso-required">
        <h2 id="sso-required">{t("sso.admin.requiredTitle")}</h2>
        <p>{t("sso.admin.requiredIntro")}</p>
        {result && !result.ok && result.intent === "required" ? <FormError errors={result.errors} /> : null}
        <table className="table">
          <tbody>
            {organisations.map((o) => (
              <tr key={o.id}>
                <th scope="row">{o.name}</th>
                <td>{o.requireSso ? t("sso.admin.requiredOn") : t("sso.admin.requiredOff")}</td>
                <td>
                  <Form method="post">
                    <input type="hidden" name="intent" value="required" />
                    <input type="hidden" name="organisationId" value={o.id} />
                    <input type="hidden" name="required" value={o.requireSso ? "false" : "true"} />
                    <button type="submit" className="button button--quiet" disabled={busy}>
                      {o.requireSso ? t("sso.admin.allowPassword") : t("sso.admin.require")}
                      <span className="visually-hidden"> {o.name}</span>
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}
