import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";

export const meta: MetaFunction = ({ matches }) => [
  { title: pageTitle(translate(localeFromMatches(matches), "mail:reset.title")) },
  // The token is in this page's address: never send it on to another site.
  { name: "referrer", content: "no-referrer" },
];

export const headers = () => ({ "cache-control": "no-store", "referrer-policy": "no-referrer" });

const PASSWORD_MIN = 12;
const PASSWORD_MAX = 128;

/** Where better-auth's reset link lands (`?token=…`, or `?error=INVALID_TOKEN` for a used or old one). */
export async function loader({ request }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const token = params.get("token") ?? "";
  const valid = !params.get("error") && /^[A-Za-z0-9_-]{10,200}$/.test(token);
  return data({ token: valid ? token : null }, { status: valid ? 200 : 400 });
}

type ResetError = "invalidToken" | "passwordShort" | "passwordMismatch";

/** Sets the new password through better-auth (its reset endpoint checks the token once), then sign-in. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const token = String(form.get("token") ?? "");
  const password = String(form.get("password") ?? "");
  const confirm = String(form.get("confirm") ?? "");
  const fail = (error: ResetError) => data({ error }, { status: 400 });
  if (!/^[A-Za-z0-9_-]{10,200}$/.test(token)) return fail("invalidToken");
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) return fail("passwordShort");
  if (password !== confirm) return fail("passwordMismatch");
  const { auth, env } = context.services;
  const headers = new Headers({ "content-type": "application/json" });
  for (const name of ["origin", "referer", "user-agent", "x-overleg-client-ip"]) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  const response = await auth.handler(
    new Request(`${env.PUBLIC_URL}/api/auth/reset-password`, { method: "POST", headers, body: JSON.stringify({ newPassword: password, token }) }),
  );
  if (!response.ok) return fail("invalidToken");
  throw redirect("/sign-in?reset=1");
}

export default function ResetPassword() {
  const { token } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("mail");
  const invalid = !token || result?.error === "invalidToken";
  return (
    <main id="main" className="page page--narrow" tabIndex={-1}>
      <section className="panel" aria-labelledby="reset-title">
        <h1 id="reset-title">{t("reset.title")}</h1>
        {invalid ? (
          <>
            <p className="alert alert--error" role="alert">
              {t("reset.invalidToken")}
            </p>
            <p>
              <Link to="/forgot-password">{t("reset.again")}</Link>
            </p>
          </>
        ) : (
          <>
            <p className="lede">{t("reset.intro")}</p>
            {result?.error ? (
              <p className="alert alert--error" role="alert">
                {t(`reset.${result.error}`)}
              </p>
            ) : null}
            <Form method="post">
              <input type="hidden" name="token" value={token} />
              <div className="field">
                <label htmlFor="password">{t("reset.password")}</label>
                <input id="password" name="password" type="password" autoComplete="new-password" minLength={PASSWORD_MIN} maxLength={PASSWORD_MAX} required />
              </div>
              <div className="field">
                <label htmlFor="confirm">{t("reset.confirm")}</label>
                <input id="confirm" name="confirm" type="password" autoComplete="new-password" minLength={PASSWORD_MIN} maxLength={PASSWORD_MAX} required />
              </div>
              <button type="submit" className="button button--primary" disabled={navigation.state !== "idle"}>
                {t("reset.submit")}
              </button>
            </Form>
          </>
        )}
      </section>
    </main>
  );
}
