import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "mail:forgot.title")) }];

const ForgotForm = z.object({ email: z.string().trim().toLowerCase().email().max(254) });

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await context.services.actorFromHeaders(request.headers)) throw redirect("/");
  return null;
}

/**
 * Asks better-auth's reset flow (its own endpoint, so its checks and rate limit apply) to mail a link
 * (server/auth.ts `sendResetPassword` → the outbox). The answer is the same whether or not the
 * address has an account.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const parsed = ForgotForm.safeParse({ email: form.get("email") ?? "" });
  const email = String(form.get("email") ?? "").slice(0, 254);
  if (!parsed.success) return data({ state: "invalid" as const, email }, { status: 400 });
  const { auth, env, log } = context.services;
  const headers = new Headers({ "content-type": "application/json" });
  for (const name of ["origin", "referer", "user-agent", "x-overleg-client-ip"]) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  const response = await auth.handler(
    new Request(`${env.PUBLIC_URL}/api/auth/request-password-reset`, {
      method: "POST",
      headers,
      body: JSON.stringify({ email: parsed.data.email, redirectTo: `${env.PUBLIC_URL}/reset-password` }),
    }),
  );
  if (response.status === 429) return data({ state: "tooMany" as const, email }, { status: 429 });
  if (!response.ok) log.warn("password reset request failed", { status: response.status });
  return { state: "sent" as const, email: parsed.data.email };
}

export default function ForgotPassword() {
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("mail");
  return (
    <main id="main" className="page page--narrow" tabIndex={-1}>
      <section className="panel" aria-labelledby="forgot-title">
        <h1 id="forgot-title">{t("forgot.title")}</h1>
        {result?.state === "sent" ? (
          <p className="alert alert--success" role="status">
            {t("forgot.sent", { email: result.email })}
          </p>
        ) : (
          <>
            <p className="lede">{t("forgot.intro")}</p>
            {result ? (
              <p className="alert alert--error" role="alert">
                {t(result.state === "tooMany" ? "forgot.tooMany" : "forgot.invalid")}
              </p>
            ) : null}
            <Form method="post">
              <div className="field">
                <label htmlFor="email">{t("forgot.email")}</label>
                <input id="email" name="email" type="email" autoComplete="username" required defaultValue={result?.email ?? ""} />
              </div>
              <button type="submit" className="button button--primary" disabled={navigation.state !== "idle"}>
                {t("forgot.submit")}
              </button>
            </Form>
          </>
        )}
        <p>
          <Link to="/sign-in">{t("forgot.back")}</Link>
        </p>
      </section>
    </main>
  );
}
