import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { NotFound } from "../../server/services/access";
import { acceptInvitation } from "../../server/commands/invitationAccept";
import { acceptInvitationAsNewPerson } from "../../server/commands/invitationAcceptAsNewPerson";
import { findInvitation } from "../../server/views/invitations";
import { providerForEmail } from "../../server/sso";
import { InvitationForm, NewPersonForm, PASSWORD_MAX, PASSWORD_MIN } from "~/components/admin/schemas";
import { FieldError, FormError, invalid } from "~/components/admin/ui";
import { useSchemaForm } from "~/components/admin/useSchemaForm";
import { ErrorPage } from "~/components/ErrorPage";
import { RoleLabel } from "~/components/RoleLabel";
import { formatMoment } from "~/components/format";
import { useDateLocale } from "~/components/root-data";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import { commandFailure, parseForm, type ActionFailure } from "~/utils/admin.server";
import { actionFailure } from "~/utils/action-result";
import { getActor } from "~/utils/auth.server";
import adminStyles from "~/components/admin/admin.css?url";
import { passOnHeaders } from "~/components/admin/headers";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: adminStyles }];

export const headers = passOnHeaders("cache-control", "referrer-policy");

export const meta: MetaFunction = ({ matches }) => [
  { title: pageTitle(translate(localeFromMatches(matches), "admin:invite.title")) },
  // The token is in this page's address: never send it on to another site.
  { name: "referrer", content: "no-referrer" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const [actor, invitation] = await Promise.all([
    getActor(request, context),
    findInvitation(context.services, token).catch((error) => {
      if (error instanceof NotFound) return null;
      throw error;
    }),
  ]);
  const headers = { "cache-control": "no-store", "referrer-policy": "no-referrer" };
  if (!invitation) return data({ state: "unknown" as const, token, signedIn: actor ? { email: actor.email } : null, invitation: null }, { status: 404, headers });
  const view = {
    email: invitation.email,
    role: invitation.role,
    workspaceId: invitation.workspaceId,
    workspaceTitle: invitation.workspaceTitle,
    organisationName: invitation.organisationName,
    expiresAt: invitation.expiresAt.toISOString(),
    accountExists: invitation.accountExists,
  };
  // The invited email's organisation may sign its people in itself: the invitation can be accepted through it.
  const provider = invitation.state === "pending" && !actor ? await providerForEmail(context.services.database, invitation.email) : null;
  return data(
    { state: invitation.state, token, signedIn: actor ? { email: actor.email } : null, invitation: view, sso: provider ? { id: provider.id, name: provider.name } : null },
    { status: invitation.state === "pending" ? 200 : 410, headers },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const parsed = await parseForm(request, InvitationForm);
  if (!parsed.success) return parsed.failure;
  const form = parsed.data;
  const services = context.services;
  try {
    if (form.intent === "accept") {
      const actor = await getActor(request, context);
      if (!actor) throw redirect(`/sign-in?redirectTo=${encodeURIComponent(`/invite/${token}`)}`);
      const { workspaceId } = await acceptInvitation(services, { token, actor });
      return redirect(`/w/${workspaceId}?welcome=1`);
    }
    const { workspaceId, setCookie } = await acceptInvitationAsNewPerson(services, {
      token,
      name: form.name,
      password: form.password,
      headers: request.headers,
    });
    const headers = new Headers();
    for (const cookie of setCookie) headers.append("set-cookie", cookie);
    return redirect(`/w/${workspaceId}?welcome=1`, { headers });
  } catch (error) {
    if (error instanceof Response) throw error;
    if (error instanceof NotFound) return data(actionFailure(form.intent, { code: "invitation_unknown", message: error.message }), { status: 404 });
    return commandFailure(error, form.intent);
  }
}

function NewPersonPanel({ email, organisationName }: { email: string; organisationName: string | null }) {
  const { t } = useTranslation("admin");
  const result = useActionData<typeof action>() as ActionFailure | undefined;
  const navigation = useNavigation();
  const form = useSchemaForm(NewPersonForm, result?.intent === "create" ? result.errors : undefined);
  const busy = navigation.state !== "idle";
  return (
    <section className="panel" aria-labelledby="new-person-title">
      <h2 id="new-person-title">{t("invite.newPersonTitle")}</h2>
      <p>{t("invite.newPersonIntro", { organisation: organisationName ?? "—" })}</p>
      <FormError errors={form.errors} />
      <Form method="post" onSubmit={form.onSubmit} noValidate>
        <input type="hidden" name="intent" value="create" />
        <div className="field">
          <label htmlFor="invite-account-email">{t("invite.email")}</label>
          <input id="invite-account-email" type="email" value={email} readOnly autoComplete="username" />
        </div>
        <div className="field">
          <label htmlFor="invite-name">{t("invite.name")}</label>
          <input id="invite-name" type="text" name="name" required maxLength={120} autoComplete="name" {...invalid(form.errors, "name", "invite-name-error")} />
          <FieldError id="invite-name-error" code={form.errors.name} />
        </div>
        <div className="field">
          <label htmlFor="invite-password">{t("invite.password")}</label>
          <input
            id="invite-password"
            name="password"
            type="password"
            required
            minLength={PASSWORD_MIN}
            maxLength={PASSWORD_MAX}
            autoComplete="new-password"
            aria-describedby="invite-password-hint"
            {...invalid(form.errors, "password", "invite-password-error")}
          />
          <p className="muted" id="invite-password-hint">
            {t("invite.passwordHint", { min: PASSWORD_MIN })}
          </p>
          <FieldError id="invite-password-error" code={form.errors.password} />
        </div>
        <div className="field">
          <label htmlFor="invite-confirm">{t("invite.confirm")}</label>
          <input id="invite-confirm" name="confirm" type="password" required autoComplete="new-password" {...invalid(form.errors, "confirm", "invite-confirm-error")} />
          <FieldError id="invite-confirm-error" code={form.errors.confirm} />
        </div>
        <button type="submit" className="button button--primary" disabled={busy}>
          {t("invite.createAndJoin")}
        </button>
      </Form>
    </section>
  );
}

export default function InvitationPage() {
  const loaded = useLoaderData<typeof loader>();
  const { state, token, signedIn, invitation } = loaded;
  const sso = "sso" in loaded ? loaded.sso : null;
  const { t: ti } = useTranslation("identity");
  const result = useActionData<typeof action>() as ActionFailure | undefined;
  const navigation = useNavigation();
  const { t } = useTranslation("admin");
  const dateLocale = useDateLocale();
  const here = `/invite/${token}`;

  let body: React.ReactNode;
  if (!invitation || state !== "pending") {
    body = (
      <p className="alert alert--error" role="alert">
        {t(`invite.state.${state}`)}
      </p>
    );
  } else if (signedIn && signedIn.email === invitation.email) {
    body = (
      <section className="panel">
        <FormError errors={result?.intent === "accept" ? result.errors : undefined} />
        <Form method="post">
          <input type="hidden" name="intent" value="accept" />
          <button type="submit" className="button button--primary" disabled={navigation.state !== "idle"}>
            {t("invite.join", { workspace: invitation.workspaceTitle })}
          </button>
        </Form>
      </section>
    );
  } else if (signedIn) {
    body = (
      <div className="notice">
        <p>{t("invite.otherAccount", { invited: invitation.email, current: signedIn.email })}</p>
        <p>
          <Link to="/sign-out" className="button">
            {t("invite.signOut")}
          </Link>
        </p>
      </div>
    );
  } else if (invitation.accountExists) {
    body = (
      <div className="notice">
        <p>{t("invite.signInFirst", { email: invitation.email })}</p>
        <p>
          <Link to={`/sign-in?redirectTo=${encodeURIComponent(here)}`} className="button button--primary">
            {t("invite.signIn")}
          </Link>
        </p>
      </div>
    );
  } else {
    body = (
      <>
        {sso ? (
          <div className="notice">
            <p>{ti("sso.invite.intro", { name: sso.name })}</p>
            <p>
              <a className="button button--primary" href={`/api/auth/sso/start?${new URLSearchParams({ provider: sso.id, invitation: token, redirectTo: here })}`}>
                {ti("sso.invite.accept", { name: sso.name })}
              </a>
            </p>
          </div>
        ) : null}
        <NewPersonPanel email={invitation.email} organisationName={invitation.organisationName} />
      </>
    );
  }

  return (
    <main id="main" className="page page--narrow admin-page" tabIndex={-1}>
      <div className="page-heading">
        <h1>{t("invite.title")}</h1>
        {invitation && state === "pending" ? (
          <>
            <p className="lede">{t("invite.intro", { workspace: invitation.workspaceTitle })}</p>
            <dl className="facts">
              <div>
                <dt>{t("invite.forEmail")}</dt>
                <dd>{invitation.email}</dd>
              </div>
              <div>
                <dt>{t("invite.role")}</dt>
                <dd>
                  <RoleLabel role={invitation.role} />
                </dd>
              </div>
              {invitation.accountExists ? null : (
                // Only a new person joins in the invitation's organisation; an existing account keeps its own.
                <div>
                  <dt>{t("invite.organisation")}</dt>
                  <dd>{invitation.organisationName ?? "—"}</dd>
                </div>
              )}
              <div>
                <dt>{t("invite.validUntil")}</dt>
                <dd>
                  <time dateTime={invitation.expiresAt}>{formatMoment(invitation.expiresAt, dateLocale)}</time>
                </dd>
              </div>
            </dl>
          </>
        ) : null}
      </div>
      {body}
    </main>
  );
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />;
}
