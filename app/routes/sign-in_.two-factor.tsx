import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { safeRedirect } from "~/components/format";
import { field } from "~/components/review/actions.server";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import { callAuth } from "~/utils/auth-call.server";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "identity:verify.title")) }];

/** A sign-in waiting for its second factor: the password was right (a `two_factor` cookie), or a single sign-on session of a person with TOTP. */
function pendingSignIn(request: Request): boolean {
  return /(^|;\s*)(__Secure-)?better-auth\.two_factor=/.test(request.headers.get("cookie") ?? "");
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"));
  const state = await context.services.sessionFromHeaders(request.headers);
  if (state && state.gate !== "verify") throw redirect(redirectTo);
  if (!state && !pendingSignIn(request)) throw redirect(`/sign-in?redirectTo=${encodeURIComponent(redirectTo)}`);
  return { redirectTo };
}

type VerifyError = "wrongCode" | "expired" | "locked" | "tooMany" | "unknown";

/** Checks the code with better-auth's two-factor plugin (TOTP, or a recovery code when it looks like one). */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const code = field(form, "code").trim().slice(0, 32);
  const redirectTo = safeRedirect(field(form, "redirectTo"));
  if (!code) return data({ error: "wrongCode" as VerifyError }, { status: 400 });
  const recovery = /[a-z-]/i.test(code);
  const answer = await callAuth(context, request, recovery ? "/two-factor/verify-backup-code" : "/two-factor/verify-totp", {
    code: recovery ? code : code.replace(/\s/g, ""),
  });
  if (answer.ok) {
    const headers = new Headers();
    for (const c of answer.cookies) headers.append("set-cookie", c);
    throw redirect(redirectTo, { headers });
  }
  const error: VerifyError =
    answer.code === "INVALID_CODE" || answer.code === "INVALID_BACKUP_CODE"
      ? "wrongCode"
      : answer.code === "INVALID_TWO_FACTOR_COOKIE" || answer.code === "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE"
        ? "expired"
        : answer.code === "ACCOUNT_TEMPORARILY_LOCKED"
          ? "locked"
          : answer.status === 429
            ? "tooMany"
            : "unknown";
  const headers = new Headers();
  for (const c of answer.cookies) headers.append("set-cookie", c);
  return data({ error }, { status: answer.status === 429 ? 429 : 401, headers });
}

export default function TwoFactorSignIn() {
  const { redirectTo } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const { t } = useTranslation("identity");
  return (
    <main id="main" className="page page--narrow" tabIndex={-1}>
      <section className="panel" aria-labelledby="verify-title">
        <h1 id="verify-title">{t("verify.title")}</h1>
        <p className="lede">{t("verify.intro")}</p>
        {result?.error ? (
          <p className="alert alert--error" role="alert" id="verify-error">
            {t(`verify.errors.${result.error}`)}
          </p>
        ) : null}
        {result?.error === "expired" ? (
          <p>
            <Link to={`/sign-in?redirectTo=${encodeURIComponent(redirectTo)}`}>{t("verify.again")}</Link>
          </p>
        ) : (
          <Form method="post">
            <input type="hidden" name="redirectTo" value={redirectTo} />
            <div className="field">
              <label htmlFor="code">{t("verify.code")}</label>
              <input
                id="code"
                name="code"
                autoComplete="one-time-code"
                required
                autoFocus
                aria-invalid={result?.error ? true : undefined}
                aria-describedby={result?.error ? "verify-error verify-hint" : "verify-hint"}
              />
              <p className="field__hint" id="verify-hint">
                {t("verify.hint")}
              </p>
            </div>
            <button type="submit" className="button button--primary" disabled={busy}>
              {t("verify.submit")}
            </button>
          </Form>
        )}
      </section>
    </main>
  );
}
