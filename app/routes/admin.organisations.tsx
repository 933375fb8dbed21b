import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { OrganisationKind } from "~/shared/domain";
import { createOrganisation } from "../../server/commands/organisationCreate";
import { updateOrganisation } from "../../server/commands/organisationUpdate";
import { listOrganisationsUnchecked } from "../../server/views/admin";
import { CreateOrganisationForm, ORGANISATION_KINDS, OrganisationsForm, UpdateOrganisationForm, type FieldErrors } from "~/components/admin/schemas";
import { FieldError, FormError, invalid } from "~/components/admin/ui";
import { useSchemaForm } from "~/components/admin/useSchemaForm";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import { commandFailure, parseForm, requireAdmin, type ActionFailure } from "~/utils/admin.server";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "admin:organisations.title")) }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAdmin(request, context, "admin.organisations");
  return { organisations: await listOrganisationsUnchecked(context.services) };
}

type Success = { ok: true; intent: string; target?: string };
type ActionResult = Success | ActionFailure;

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireAdmin(request, context, "admin.organisations");
  const parsed = await parseForm(request, OrganisationsForm);
  if (!parsed.success) return parsed.failure;
  const form = parsed.data;
  try {
    if (form.intent === "create") {
      const { id } = await createOrganisation(context.services, { actor, kind: form.kind, name: form.name, shortCode: form.shortCode });
      return { ok: true, intent: form.intent, target: id } satisfies Success;
    }
    await updateOrganisation(context.services, { actor, organisationId: form.organisationId, name: form.name, kind: form.kind, shortCode: form.shortCode });
    return { ok: true, intent: form.intent, target: form.organisationId } satisfies Success;
  } catch (error) {
    return commandFailure(error, form.intent, form.intent === "update" ? form.organisationId : undefined);
  }
}

function KindSelect({ id, defaultValue, errors }: { id: string; defaultValue?: OrganisationKind; errors: FieldErrors }) {
  const { t } = useTranslation();
  return (
    <select id={id} name="kind" defaultValue={defaultValue ?? ""} required {...invalid(errors, "kind", `${id}-error`)}>
      {defaultValue ? null : <option value="" disabled>{t("admin:organisations.chooseKind")}</option>}
      {ORGANISATION_KINDS.map((k) => (
        <option key={k} value={k}>
          {t(`orgKind.${k}`)}
        </option>
      ))}
    </select>
  );
}

function OrganisationRow({ organisation }: { organisation: ReturnType<typeof useLoaderData<typeof loader>>["organisations"][number] }) {
  const { t } = useTranslation("admin");
  const { t: common } = useTranslation();
  const fetcher = useFetcher<ActionResult>();
  const failure = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : undefined;
  const form = useSchemaForm(UpdateOrganisationForm, failure);
  const p = `org-${organisation.id}`;
  return (
    <tr>
      <th scope="row">{organisation.name}</th>
      <td data-label={t("organisations.shortCode")}>{organisation.shortCode}</td>
      <td data-label={t("organisations.kind")}>{common(`orgKind.${organisation.kind}`)}</td>
      <td data-label={t("organisations.people")}>{organisation.people}</td>
      <td>
        <details open={Boolean(failure) || undefined}>
          <summary>
            {t("organisations.edit")}
            <span className="visually-hidden"> {organisation.name}</span>
          </summary>
          <fetcher.Form method="post" onSubmit={form.onSubmit} noValidate>
            <input type="hidden" name="intent" value="update" />
            <input type="hidden" name="organisationId" value={organisation.id} />
            <FormError errors={form.errors} />
            <div className="field">
              <label htmlFor={`${p}-name`}>{t("organisations.name")}</label>
              <input id={`${p}-name`} type="text" name="name" defaultValue={organisation.name} required maxLength={120} {...invalid(form.errors, "name", `${p}-name-error`)} />
              <FieldError id={`${p}-name-error`} code={form.errors.name} />
            </div>
            <div className="field">
              <label htmlFor={`${p}-code`}>{t("organisations.shortCode")}</label>
              <input id={`${p}-code`} type="text" name="shortCode" defaultValue={organisation.shortCode} required maxLength={12} {...invalid(form.errors, "shortCode", `${p}-code-error`)} />
              <FieldError id={`${p}-code-error`} code={form.errors.shortCode} />
            </div>
            <div className="field">
              <label htmlFor={`${p}-kind`}>{t("organisations.kind")}</label>
              <KindSelect id={`${p}-kind`} defaultValue={organisation.kind} errors={form.errors} />
              <FieldError id={`${p}-kind-error`} code={form.errors.kind} />
            </div>
            <button type="submit" className="button" disabled={fetcher.state !== "idle"}>
              {t("organisations.save")}
            </button>
            {fetcher.state === "idle" && fetcher.data?.ok ? (
              <span role="status" className="muted">
                {" "}
                {t("saved")}
              </span>
            ) : null}
          </fetcher.Form>
        </details>
      </td>
    </tr>
  );
}

export default function OrganisationsPage() {
  const { organisations } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const navigation = useNavigation();
  const { t } = useTranslation("admin");
  const form = useSchemaForm(CreateOrganisationForm, result && !result.ok && result.intent === "create" ? result.errors : undefined);
  const created = result?.ok && result.intent === "create";
  return (
    <main id="main" className="page admin-page" tabIndex={-1}>
      <div className="page-heading">
        <h1>{t("organisations.title")}</h1>
        <p className="lede">{t("organisations.intro")}</p>
      </div>
      <section className="panel" aria-labelledby="orgs-title">
        <h2 id="orgs-title">{t("organisations.listTitle", { count: organisations.length })}</h2>
        <table className="table admin-table">
          <thead>
            <tr>
              <th scope="col">{t("organisations.name")}</th>
              <th scope="col">{t("organisations.shortCode")}</th>
              <th scope="col">{t("organisations.kind")}</th>
              <th scope="col">{t("organisations.people")}</th>
              <th scope="col">{t("organisations.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {organisations.map((o) => (
              <OrganisationRow key={o.id} organisation={o} />
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel" aria-labelledby="org-create-title">
        <h2 id="org-create-title">{t("organisations.createTitle")}</h2>
        {created ? (
          <p className="notice" role="status">
            {t("organisations.created")}
          </p>
        ) : null}
        <FormError errors={form.errors} />
        <Form method="post" onSubmit={form.onSubmit} noValidate key={created ? (result as Success).target : "form"}>
          <input type="hidden" name="intent" value="create" />
          <div className="field">
            <label htmlFor="org-name">{t("organisations.name")}</label>
            <input id="org-name" type="text" name="name" required maxLength={120} {...invalid(form.errors, "name", "org-name-error")} />
            <FieldError id="org-name-error" code={form.errors.name} />
          </div>
          <div className="field">
            <label htmlFor="org-code">{t("organisations.shortCode")}</label>
            <input id="org-code" type="text" name="shortCode" required maxLength={12} aria-describedby="org-code-hint" {...invalid(form.errors, "shortCode", "org-code-error")} />
            <p className="muted" id="org-code-hint">
              {t("organisations.shortCodeHint")}
            </p>
            <FieldError id="org-code-error" code={form.errors.shortCode} />
          </div>
          <div className="field">
            <label htmlFor="org-kind">{t("organisations.kind")}</label>
            <KindSelect id="org-kind" errors={form.errors} />
            <FieldError id="org-kind-error" code={form.errors.kind} />
          </div>
          <button type="submit" className="button button--primary" disabled={navigation.state === "submitting"}>
            {t("organisations.create")}
          </button>
        </Form>
      </section>
    </main>
  );
}
