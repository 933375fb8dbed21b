import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { changePersonOrganisation } from "../../server/commands/personChangeOrganisation";
import { createPersonByAdmin } from "../../server/commands/personCreate";
import { disablePerson } from "../../server/commands/personDisable";
import { endSessions } from "../../server/commands/sessionEnd";
import { resetSecondFactor } from "../../server/commands/secondFactorReset";
import { enablePerson } from "../../server/commands/personEnable";
import { setPersonAdmin } from "../../server/commands/personSetAdmin";
import { listOrganisationsUnchecked, listPeople } from "../../server/views/admin";
import { ChangeOrganisationForm, CreatePersonForm, PeopleForm } from "~/components/admin/schemas";
import { FieldError, FormError, invalid, OrganisationOptions } from "~/components/admin/ui";
import { useSchemaForm } from "~/components/admin/useSchemaForm";
import { formatMoment } from "~/components/format";
import { useDateLocale } from "~/components/root-data";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import { commandFailure, parseForm, requireAdmin, type ActionFailure } from "~/utils/admin.server";
import { passOnHeaders } from "~/components/admin/headers";
import { useConfirmDialog } from "~/components/ConfirmDialog";

export const headers = passOnHeaders("cache-control");

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "admin:people.title")) }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireAdmin(request, context, "admin.people");
  const [people, organisations] = await Promise.all([listPeople(context.services, actor), listOrganisationsUnchecked(context.services)]);
  return {
    me: actor.id,
    people: people.map((p) => ({ ...p, disabledAt: p.disabledAt ? p.disabledAt.toISOString() : null })),
    organisations: organisations.map((o) => ({ id: o.id, name: o.name, shortCode: o.shortCode })),
  };
}

type Success = { ok: true; intent: string; target?: string; created?: { email: string; temporaryPassword: string } };
type ActionResult = Success | ActionFailure;

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireAdmin(request, context, "admin.people");
  const parsed = await parseForm(request, PeopleForm);
  if (!parsed.success) return parsed.failure;
  const form = parsed.data;
  const services = context.services;
  try {
    switch (form.intent) {
      case "create": {
        const created = await createPersonByAdmin(services, { actor, email: form.email, name: form.name, organisationId: form.organisationId });
        return data(
          { ok: true, intent: form.intent, target: created.id, created: { email: form.email, temporaryPassword: created.temporaryPassword } } satisfies Success,
          { headers: { "cache-control": "no-store" } },
        );
      }
      case "organisation":
        await changePersonOrganisation(services, { actor, userId: form.userId, organisationId: form.organisationId });
        break;
      case "admin":
        await setPersonAdmin(services, { actor, userId: form.userId, isAdmin: form.isAdmin });
        break;
      case "disable":
        await disablePerson(services, { actor, userId: form.userId });
        break;
      case "enable":
        await enablePerson(services, { actor, userId: form.userId });
        break;
      case "sessions":
        // Signed out everywhere at once; their open editors and live pages close (session.ended).
        await endSessions(services, { actor, userId: form.userId, which: "all" });
        break;
      case "secondFactor":
        // A lost authenticator: set up again at the next sign-in; signed out everywhere; told by notification and mail.
        await resetSecondFactor(services, { actor, userId: form.userId });
        break;
    }
    return { ok: true, intent: form.intent, target: form.userId } satisfies Success;
  } catch (error) {
    return commandFailure(error, form.intent, "userId" in form ? form.userId : undefined);
  }
}

type Person = ReturnType<typeof useLoaderData<typeof loader>>["people"][number];

function PersonRow({ person, isMe }: { person: Person; isMe: boolean }) {
  const { organisations } = useLoaderData<typeof loader>();
  const { t } = useTranslation("admin");
  const dateLocale = useDateLocale();
  const orgFetcher = useFetcher<ActionResult>();
  const adminFetcher = useFetcher<ActionResult>();
  const statusFetcher = useFetcher<ActionResult>();
  const sessionsFetcher = useFetcher<ActionResult>();
  const resetFetcher = useFetcher<ActionResult>();
  const { t: ti } = useTranslation("identity");
  const orgForm = useSchemaForm(ChangeOrganisationForm, orgFetcher.data && !orgFetcher.data.ok ? orgFetcher.data.errors : undefined);
  const p = `person-${person.id}`;
  // Disabling, ending every session and resetting the second factor are confirmed in the page's one
  // confirmation dialog (app/components/ConfirmDialog.tsx), as every irreversible action is.
  const disableConfirm = useConfirmDialog({ id: `${p}-disable`, title: `${t("people.disable")}: ${person.name}`, body: <p>{t("people.disableConfirm", { name: person.name })}</p>, confirmLabel: t("people.disable") });
  const sessionsConfirm = useConfirmDialog({ id: `${p}-sessions`, title: `${ti("sessions.adminEnd")}: ${person.name}`, body: <p>{ti("sessions.adminEndConfirm", { name: person.name })}</p>, confirmLabel: ti("sessions.adminEnd") });
  const resetConfirm = useConfirmDialog({ id: `${p}-reset`, title: `${ti("reset.action")}: ${person.name}`, body: <p>{ti("reset.confirm", { name: person.name })}</p>, confirmLabel: ti("reset.action") });
  const failure = [adminFetcher.data, statusFetcher.data, sessionsFetcher.data, resetFetcher.data].find((d) => d && !d.ok) as ActionFailure | undefined;
  return (
    <tr className={person.disabledAt ? "is-disabled" : undefined}>
      <th scope="row">
        {person.name}
        {isMe ? <span className="muted"> {t("members.you")}</span> : null}
        <br />
        <span className="muted">{person.email}</span>
      </th>
      <td data-label={t("people.organisation")}>
        <orgFetcher.Form method="post" className="inline-form" onSubmit={orgForm.onSubmit}>
          <input type="hidden" name="intent" value="organisation" />
          <input type="hidden" name="userId" value={person.id} />
          <label htmlFor={`${p}-org`} className="visually-hidden">
            {t("people.organisationOf", { name: person.name })}
          </label>
          <select id={`${p}-org`} name="organisationId" defaultValue={person.organisationId ?? ""} key={person.organisationId ?? ""} {...invalid(orgForm.errors, "organisationId", `${p}-org-error`)}>
            <OrganisationOptions organisations={organisations} none={t("people.noOrganisation")} />
          </select>{" "}
          <button type="submit" className="button" disabled={orgFetcher.state !== "idle"}>
            {t("people.move")}
          </button>
        </orgFetcher.Form>
        <FieldError id={`${p}-org-error`} code={orgForm.errors.organisationId ?? orgForm.errors.form} />
      </td>
      <td data-label={t("people.admin")}>
        {person.isAdmin ? t("people.isAdmin") : "—"}
        <adminFetcher.Form method="post">
          <input type="hidden" name="intent" value="admin" />
          <input type="hidden" name="userId" value={person.id} />
          <input type="hidden" name="isAdmin" value={person.isAdmin ? "false" : "true"} />
          <button type="submit" className="button button--quiet" disabled={adminFetcher.state !== "idle"}>
            {person.isAdmin ? t("people.revokeAdmin") : t("people.makeAdmin")}
            <span className="visually-hidden"> {person.name}</span>
          </button>
        </adminFetcher.Form>
      </td>
      <td data-label={t("people.status")}>
        {person.disabledAt ? (
          <>
            {t("people.disabledSince")} <time dateTime={person.disabledAt}>{formatMoment(person.disabledAt, dateLocale)}</time>
          </>
        ) : (
          t("people.active")
        )}
        {isMe ? null : (
          <statusFetcher.Form
            method="post"
            onSubmit={(event) => {
              if (!person.disabledAt) disableConfirm.onSubmit(event);
            }}
          >
            <input type="hidden" name="intent" value={person.disabledAt ? "enable" : "disable"} />
            <input type="hidden" name="userId" value={person.id} />
            <button type="submit" className="button button--quiet" disabled={statusFetcher.state !== "idle"}>
              {person.disabledAt ? t("people.enable") : t("people.disable")}
              <span className="visually-hidden"> {person.name}</span>
            </button>
          </statusFetcher.Form>
        )}
        {isMe || person.disabledAt ? null : disableConfirm.dialog}
        {isMe ? null : (
          <sessionsFetcher.Form
            method="post"
            onSubmit={(event) => sessionsConfirm.onSubmit(event)}
          >
            <input type="hidden" name="intent" value="sessions" />
            <input type="hidden" name="userId" value={person.id} />
            <button type="submit" className="button button--quiet" disabled={sessionsFetcher.state !== "idle"}>
              {ti("sessions.adminEnd")}
              <span className="visually-hidden"> {person.name}</span>
            </button>
          </sessionsFetcher.Form>
        )}
        {isMe ? null : sessionsConfirm.dialog}
        {isMe ? null : (
          <resetFetcher.Form
            method="post"
            onSubmit={(event) => resetConfirm.onSubmit(event)}
          >
            <input type="hidden" name="intent" value="secondFactor" />
            <input type="hidden" name="userId" value={person.id} />
            <button type="submit" className="button button--quiet" disabled={resetFetcher.state !== "idle"}>
              {ti("reset.action")}
              <span className="visually-hidden"> {person.name}</span>
            </button>
            {resetFetcher.data?.ok ? (
              <p role="status" className="muted">
                {ti("reset.done", { name: person.name })}
              </p>
            ) : null}
          </resetFetcher.Form>
        )}
        {isMe ? null : resetConfirm.dialog}
        <FieldError id={`${p}-error`} code={failure?.errors.form} />
      </td>
    </tr>
  );
}

export default function PeoplePage() {
  const { people, organisations, me } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const navigation = useNavigation();
  const { t } = useTranslation("admin");
  const form = useSchemaForm(CreatePersonForm, result && !result.ok && result.intent === "create" ? result.errors : undefined);
  const created = result?.ok && result.intent === "create" ? result.created : undefined;
  const pageFailure = result && !result.ok && result.intent !== "create" ? result.errors : undefined;
  return (
    <main id="main" className="page admin-page" tabIndex={-1}>
      <div className="page-heading">
        <h1>{t("people.title")}</h1>
        <p className="lede">{t("people.intro")}</p>
      </div>
      <FormError errors={pageFailure} />
      <section className="panel" aria-labelledby="people-title">
        <h2 id="people-title">{t("people.listTitle", { count: people.length })}</h2>
        <table className="table admin-table">
          <thead>
            <tr>
              <th scope="col">{t("people.person")}</th>
              <th scope="col">{t("people.organisation")}</th>
              <th scope="col">{t("people.admin")}</th>
              <th scope="col">{t("people.status")}</th>
            </tr>
          </thead>
          <tbody>
            {people.map((p) => (
              <PersonRow key={p.id} person={p} isMe={p.id === me} />
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel" aria-labelledby="person-create-title">
        <h2 id="person-create-title">{t("people.createTitle")}</h2>
        {created ? (
          <div className="notice" role="status">
            <p>
              <strong>{t("people.created", { email: created.email })}</strong>
            </p>
            <p>{t("people.temporaryPasswordOnce")}</p>
            <label htmlFor="temporary-password">{t("people.temporaryPassword")}</label>
            <input id="temporary-password" type="text" readOnly value={created.temporaryPassword} onFocus={(e) => e.currentTarget.select()} />
          </div>
        ) : null}
        <FormError errors={form.errors} />
        <Form method="post" onSubmit={form.onSubmit} noValidate key={created?.email ?? "form"}>
          <input type="hidden" name="intent" value="create" />
          <div className="field">
            <label htmlFor="person-email">{t("people.email")}</label>
            <input id="person-email" name="email" type="email" required maxLength={254} autoComplete="off" {...invalid(form.errors, "email", "person-email-error")} />
            <FieldError id="person-email-error" code={form.errors.email} />
          </div>
          <div className="field">
            <label htmlFor="person-name">{t("people.name")}</label>
            <input id="person-name" type="text" name="name" required maxLength={120} autoComplete="off" {...invalid(form.errors, "name", "person-name-error")} />
            <FieldError id="person-name-error" code={form.errors.name} />
          </div>
          <div className="field">
            <label htmlFor="person-org">{t("people.organisation")}</label>
            <select id="person-org" name="organisationId" defaultValue="" {...invalid(form.errors, "organisationId", "person-org-error")}>
              <OrganisationOptions organisations={organisations} none={t("people.noOrganisation")} />
            </select>
            <FieldError id="person-org-error" code={form.errors.organisationId} />
          </div>
          <button type="submit" className="button button--primary" disabled={navigation.state === "submitting"}>
            {t("people.create")}
          </button>
        </Form>
      </section>
    </main>
  );
}
