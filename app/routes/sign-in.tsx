import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { publicEnv } from "../../server/env";
import { ACCOUNT_LOCKED_CODE } from "../../server/sign-in-limit";
import { SSO_REQUIRED_CODE } from "../../server/auth";
import { listSsoProviders, providerForEmail, SSO_ERRORS } from "../../server/sso";
import { chosenLocaleUnchecked } from "../../server/views/preferences";
import { passOnHeaders } from "~/components/admin/headers";
import { demoAccounts } from "~/components/auth/demo-people.server";
import { safeRedirect } from "~/components/format";
import { localeCookie } from "~/i18n";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "signIn.title")) }];

/** A refused attempt tells the browser how long to wait. */
export const headers = passOnHeaders("retry-after");

const SignInForm = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(1024),
  redirectTo: z.string().optional(),
});

type SignInError =
  | "invalidInput"
  | "invalidCredentials"
  | "tooManyAttempts"
  | "tooManyAttemptsForAccount"
  | "accountDisabled"
  | "ssoRequired"
  | "origin"
  | "unknown";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"));
  // Signed in already (or held at the second-factor gate, which the page asked for leads to).
  if (await context.services.sessionFromHeaders(request.headers)) throw redirect(redirectTo);
  const { db, t } = context.services.database;
  const organisations = await db.select({ id: t.organisations.id, name: t.organisations.name }).from(t.organisations);
  const providers = (await listSsoProviders(context.services.database))
    .filter((p) => p.enabled)
    .map((p) => ({ id: p.id, name: p.name, organisation: organisations.find((o) => o.id === p.organisationId)?.name ?? null }));
  const params = new URL(request.url).searchParams;
  const sso = params.get("sso");
  // "Continue with my organisation": the provider of the email's domain, offered as a link on this
  // page (a form may not be redirected to another site: the Content-Security-Policy's form-action).
  const lookup = params.get("ssoEmail")?.trim().slice(0, 254) ?? "";
  const found = lookup.includes("@") ? await providerForEmail(context.services.database, lookup) : null;
  return {
    lookup: lookup ? { email: lookup, provider: found ? { id: found.id, name: found.name } : null } : null,
    demo: publicEnv(context.services.env).showDemoPeople ? demoAccounts() : null,
    providers,
    ssoError: sso && (SSO_ERRORS as readonly string[]).includes(sso) ? sso : null,
  };
}

/**
 * Signs in through better-auth's own endpoint (auth.handler, so its rate limit and origin checks
 * apply) and hands its session cookie to the browser. Works as a plain HTML form.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const parsed = SignInForm.safeParse({
    email: form.get("email") ?? "",
    password: form.get("password") ?? "",
    redirectTo: form.get("redirectTo") ?? undefined,
  });
  const email = String(form.get("email") ?? "").slice(0, 254);
  if (!parsed.success) return data({ error: "invalidInput" as SignInError, email }, { status: 400 });

  const { auth, env, log } = context.services;
  const headers = new Headers({ "content-type": "application/json" });
  for (const name of ["cookie", "origin", "referer", "user-agent", "accept-language", "x-overleg-client-ip", "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest"]) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  const response = await auth.handler(
    new Request(`${env.PUBLIC_URL}/api/auth/sign-in/email`, {
      method: "POST",
      headers,
      body: JSON.stringify({ email: parsed.data.email, password: parsed.data.password }),
    }),
  );
  if (response.ok) {
    const out = new Headers();
    for (const cookie of response.headers.getSetCookie()) out.append("set-cookie", cookie);
    // The language this person chose when signed in before, on whatever device, is theirs here too.
    const signedIn = (await response.json().catch(() => null)) as { user?: { id?: string }; twoFactorRedirect?: boolean } | null;
    // The password was right; the second factor comes next (better-auth's two-factor plugin).
    if (signedIn?.twoFactorRedirect) {
      const to = safeRedirect(parsed.data.redirectTo);
      throw redirect(`/sign-in/two-factor${to === "/" ? "" : `?redirectTo=${encodeURIComponent(to)}`}`, { headers: out });
    }
    const chosen = signedIn?.user?.id ? await chosenLocaleUnchecked(context.services.database, signedIn.user.id) : null;
    if (chosen) out.append("set-cookie", localeCookie(chosen, env.PUBLIC_URL.startsWith("https://")));
    throw redirect(safeRedirect(parsed.data.redirectTo), { headers: out });
  }
  const body =
    response.status === 403 || response.status === 429 ? ((await response.clone().json().catch(() => null)) as { code?: string } | null) : null;
  const error: SignInError =
    body?.code === "ACCOUNT_DISABLED"
      ? "accountDisabled"
      : body?.code === SSO_REQUIRED_CODE
        ? "ssoRequired"
        : body?.code === ACCOUNT_LOCKED_CODE
        ? "tooManyAttemptsForAccount"
        : response.status === 401
          ? "invalidCredentials"
          : response.status === 429
            ? "tooManyAttempts"
            : response.status === 403
              ? "origin"
              : "unknown";
  if (error === "unknown") log.warn("sign-in failed", { status: response.status, body: (await response.text()).slice(0, 300) });
  if (response.status === 429) {
    // The account's wait (Retry-After) or the address's (better-auth's X-Retry-After), passed on.
    const wait = Number(response.headers.get("retry-after") ?? response.headers.get("x-retry-after"));
    const retryAfter = Number.isFinite(wait) && wait > 0 ? Math.ceil(wait) : 60;
    return data({ error, email, retryAfter }, { status: 429, headers: { "Retry-After": String(retryAfter) } });
  }
  return data({ error, email }, { status: error === "origin" || error === "accountDisabled" || error === "ssoRequired" ? 403 : 401 });
}

export default function SignIn() {
  const { demo, providers, ssoError, lookup } = useLoaderData<typeof loader>();
  const foundRef = useRef<HTMLAnchorElement>(null);
  const { t: ti } = useTranslation("identity");
  const ssoErrorRef = useRef<HTMLParagraphElement>(null);
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const { t } = useTranslation();
  const { t: tm } = useTranslation("mail");
  const errorRef = useRef<HTMLParagraphElement>(null);
  const redirectTo = params.get("redirectTo") ?? "";
  const busy = navigation.state !== "idle" && navigation.formAction === "/sign-in";

  useEffect(() => {
    if (result?.error) errorRef.current?.focus();
  }, [result]);
  useEffect(() => {
    if (ssoError) ssoErrorRef.current?.focus();
  }, [ssoError]);
  useEffect(() => {
    if (lookup?.provider) foundRef.current?.focus();
  }, [lookup]);
  const start = (query: Record<string, string>) => `/api/auth/sso/start?${new URLSearchParams({ ...query, ...(redirectTo ? { redirectTo } : {}) })}`;

  return (
    <main id="main" className="page page--narrow" tabIndex={-1}>
      <div className="sign-in">
        <section className="panel sign-in__form" aria-labelledby="sign-in-title">
          <h1 id="sign-in-title">{t("signIn.title")}</h1>
          <p className="lede">{t("signIn.intro")}</p>
          {params.get("reset") === "1" ? (
            <p className="alert alert--success" role="status">
              {tm("reset.done")}
            </p>
          ) : null}
          {result?.error ? (
            <p className="alert alert--error" role="alert" id="sign-in-error" tabIndex={-1} ref={errorRef}>
              {t(`signIn.errors.${result.error}`, { seconds: "retryAfter" in result ? result.retryAfter : 60 })}
            </p>
          ) : null}
          {ssoError ? (
            <p className="alert alert--error" role="alert" id="sso-error" tabIndex={-1} ref={ssoErrorRef} data-sso-error={ssoError}>
              {ti(`sso.errors.${ssoError}`)}
            </p>
          ) : null}
          {providers.length ? (
            <section className="sign-in__sso" aria-labelledby="sso-title">
              <h2 id="sso-title">{ti("sso.signIn.title")}</h2>
              <p>{ti("sso.signIn.intro")}</p>
              {/* Links to better-auth's endpoint, which answers with the redirect to the provider. */}
              <ul className="sign-in__providers">
                {providers.map((p) => (
                  <li key={p.id}>
                    <a className="button" href={start({ provider: p.id })} data-sso-provider={p.id}>
                      {ti("sso.signIn.with", { name: p.name })}
                    </a>
                    {p.organisation && p.organisation !== p.name ? <span className="muted"> {p.organisation}</span> : null}
                  </li>
                ))}
              </ul>
              <form method="get" action="/sign-in" className="inline-form">
                {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
                <div className="field">
                  <label htmlFor="sso-email">{ti("sso.signIn.email")}</label>
                  <input id="sso-email" name="ssoEmail" type="email" autoComplete="email" required defaultValue={lookup?.email ?? ""} aria-describedby={lookup ? "sso-lookup" : undefined} />
                </div>
                <button type="submit" className="button">
                  {ti("sso.signIn.lookup")}
                </button>
              </form>
              {lookup ? (
                <p id="sso-lookup" role="status">
                  {lookup.provider ? (
                    <a className="button button--primary" href={start({ provider: lookup.provider.id })} ref={foundRef}>
                      {ti("sso.signIn.with", { name: lookup.provider.name })}
                    </a>
                  ) : (
                    ti("sso.errors.no_provider")
                  )}
                </p>
              ) : null}
              <h2>{ti("sso.signIn.or")}</h2>
            </section>
          ) : null}
          <Form method="post" action={redirectTo ? `/sign-in?redirectTo=${encodeURIComponent(redirectTo)}` : "/sign-in"} noValidate={false}>
            <input type="hidden" name="redirectTo" value={redirectTo} />
            <div className="field">
              <label htmlFor="email">{t("signIn.email")}</label>
              <input
                id="email"
                name="email"
                type="email"
                autoComplete="username"
                required
                defaultValue={result?.email ?? ""}
                aria-invalid={result?.error ? true : undefined}
                aria-describedby={result?.error ? "sign-in-error" : undefined}
              />
            </div>
            <div className="field">
              <label htmlFor="password">{t("signIn.password")}</label>
              <input
                id="password"
                name="password"
                type="password"
                autoComplete="current-password"
                required
                aria-invalid={result?.error ? true : undefined}
                aria-describedby={result?.error ? "sign-in-error" : undefined}
              />
            </div>
            <button type="submit" className="button button--primary" disabled={busy}>
              {busy ? t("signIn.submitting") : t("signIn.submit")}
            </button>
          </Form>
          <p className="sign-in__forgot">
            <Link to="/forgot-password">{tm("forgot.link")}</Link>
          </p>
        </section>
        {demo ? (
          <section className="panel panel--note sign-in__demo" aria-labelledby="demo-title">
            <h2 id="demo-title">{t("signIn.demo.title")}</h2>
            <p>
              {t("signIn.demo.intro")}{" "}
              <code className="demo-password">{demo.password}</code>
            </p>
            <table className="table table--compact">
              <thead>
                <tr>
                  <th scope="col">{t("signIn.demo.person")}</th>
                  <th scope="col">{t("signIn.demo.organisation")}</th>
                  <th scope="col">{t("signIn.demo.email")}</th>
                </tr>
              </thead>
              <tbody>
                {demo.people.map((p) => (
                  <tr key={p.email}>
                    <td>{p.name}</td>
                    <td data-label={t("signIn.demo.organisation")}>{p.organisation ?? "—"}</td>
                    <td data-label={t("signIn.demo.email")}>
                      <code>{p.email}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ) : null}
      </div>
    </main>
  );
}
