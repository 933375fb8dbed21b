import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { and, eq } from "drizzle-orm";
import { useTranslation } from "react-i18next";
import { secondFactorOf } from "../../server/services/second-factor";
import { safeRedirect } from "~/components/format";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import { callAuth } from "~/utils/auth-call.server";
import { field } from "~/components/review/actions.server";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "identity:security.title")) }];

/**
 * Two-factor authentication (TOTP) for the signed-in person: set up with a QR code or the secret as
 * text, confirmed with a first code, recovery codes shown once; new recovery codes; turning it off when
 * no rule requires it. The one page (with sign-out) a person held at the second-factor gate may open.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const state = await context.services.sessionFromHeaders(request.headers);
  const url = new URL(request.url);
  if (!state) throw redirect(`/sign-in?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  // A session that must still give its second factor does so first (it has one already).
  if (state.gate === "verify") throw redirect(`/sign-in/two-factor?redirectTo=${encodeURIComponent(url.pathname)}`);
  const { database, env } = context.services;
  const factor = await secondFactorOf(database, env, state.actor.id);
  return {
    enabled: factor.enabled,
    required: factor.required,
    setupFirst: state.gate === "setup",
    hasPassword: await hasPassword(context, state.actor.id),
    redirectTo: safeRedirect(url.searchParams.get("redirectTo")),
    done: url.searchParams.get("done") === "on" ? ("on" as const) : url.searchParams.get("done") === "off" ? ("off" as const) : null,
  };
}

async function hasPassword(context: LoaderFunctionArgs["context"], userId: string): Promise<boolean> {
  const { db, t } = context.services.database;
  const rows = await db
    .select({ password: t.account.password })
    .from(t.account)
    .where(and(eq(t.account.userId, userId), eq(t.account.providerId, "credential")))
    .limit(1);
  return Boolean(rows[0]?.password);
}

type Failure = "wrongPassword" | "wrongCode" | "required" | "locked" | "tooMany" | "unknown";

interface SetupStep {
  step: "confirm";
  uri: string;
  secret: string;
  qr: string;
  codes: string[];
  error?: Failure;
}

type Result = SetupStep | { step: "codes"; codes: string[] } | { step: "error"; error: Failure };

function failureOf(code: string | null, status: number): Failure {
  if (code === "INVALID_PASSWORD") return "wrongPassword";
  if (code === "INVALID_CODE" || code === "INVALID_BACKUP_CODE") return "wrongCode";
  if (code === "TWO_FACTOR_REQUIRED") return "required";
  if (code === "ACCOUNT_TEMPORARILY_LOCKED") return "locked";
  if (status === 429) return "tooMany";
  return "unknown";
}

/** The secret an otpauth:// URI carries (base32), for those who type it instead of scanning. */
function secretOf(uri: string): string {
  try {
    return new URL(uri).searchParams.get("secret") ?? "";
  } catch {
    return "";
  }
}

async function confirmStep(uri: string, codes: string[], error?: Failure): Promise<SetupStep> {
  const { default: QRCode } = await import("qrcode"); // only for someone setting up an authenticator
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return { step: "confirm", uri, secret: secretOf(uri), qr: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`, codes, error };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const state = await context.services.sessionFromHeaders(request.headers);
  if (!state) throw redirect("/sign-in");
  const form = await request.formData();
  const intent = field(form, "intent");
  const password = field(form, "password").slice(0, 1024);
  const withPassword = password ? { password } : {};

  if (intent === "enable") {
    const answer = await callAuth<{ totpURI?: string; backupCodes?: string[] }>(context, request, "/two-factor/enable", { ...withPassword, method: "totp" });
    if (!answer.ok || !answer.body?.totpURI) return data<Result>({ step: "error", error: failureOf(answer.code, answer.status) }, { status: answer.status >= 400 ? answer.status : 400 });
    return data<Result>(await confirmStep(answer.body.totpURI, answer.body.backupCodes ?? []));
  }
  if (intent === "confirm") {
    // The secret and codes of the setup in progress come back with the form, only to be shown again.
    const uri = field(form, "uri").slice(0, 500);
    const codes = form.getAll("codes").filter((c): c is string => typeof c === "string").slice(0, 20);
    const answer = await callAuth(context, request, "/two-factor/verify-totp", { code: field(form, "code").replace(/\s/g, "").slice(0, 12) });
    if (!answer.ok) {
      const step = uri.startsWith("otpauth://") ? await confirmStep(uri, codes, failureOf(answer.code, answer.status)) : { step: "error" as const, error: failureOf(answer.code, answer.status) };
      return data<Result>(step, { status: 400 });
    }
    // better-auth replaced the session (the new one gave the code): the page is loaded again with it.
    const headers = new Headers();
    for (const c of answer.cookies) headers.append("set-cookie", c);
    const back = safeRedirect(new URL(request.url).searchParams.get("redirectTo"));
    throw redirect(`/settings/security?done=on${back === "/" ? "" : `&redirectTo=${encodeURIComponent(back)}`}`, { headers });
  }
  if (intent === "codes") {
    const answer = await callAuth<{ backupCodes?: string[] }>(context, request, "/two-factor/generate-backup-codes", withPassword);
    if (!answer.ok) return data<Result>({ step: "error", error: failureOf(answer.code, answer.status) }, { status: 400 });
    return data<Result>({ step: "codes", codes: answer.body?.backupCodes ?? [] });
  }
  if (intent === "disable") {
    const answer = await callAuth(context, request, "/two-factor/disable", withPassword);
    if (!answer.ok) return data<Result>({ step: "error", error: failureOf(answer.code, answer.status) }, { status: answer.status === 403 ? 403 : 400 });
    const headers = new Headers();
    for (const c of answer.cookies) headers.append("set-cookie", c);
    throw redirect("/settings/security?done=off", { headers });
  }
  return data<Result>({ step: "error", error: "unknown" }, { status: 400 });
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  const { t } = useTranslation("identity");
  if (codes.length === 0) return null;
  return (
    <div className="recovery-codes">
      <h3>{t("security.codesTitle")}</h3>
      <p>{t("security.codesIntro")}</p>
      <ul className="recovery-codes__list" aria-label={t("security.codesTitle")}>
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

function PasswordField({ show, id }: { show: boolean; id: string }) {
  const { t } = useTranslation("identity");
  if (!show) return null;
  return (
    <div className="field">
      <label htmlFor={id}>{t("security.password")}</label>
      <input id={id} name="password" type="password" autoComplete="current-password" required />
    </div>
  );
}

export default function SecuritySettings() {
  const loaderData = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const { t } = useTranslation("identity");
  const error = result && "error" in result ? result.error : undefined;
  const enabled = loaderData.enabled;
  return (
    <main id="main" className="page page--narrow" tabIndex={-1}>
      <section className="panel" aria-labelledby="security-title">
        <h1 id="security-title">{t("security.title")}</h1>
        {loaderData.setupFirst ? (
          <p className="alert alert--warning" role="status">
            {t("security.setupFirst")}
          </p>
        ) : null}
        <p>{enabled ? t("security.isOn") : loaderData.required ? t("security.isRequired") : t("security.isOff")}</p>
        {error ? (
          <p className="alert alert--error" role="alert" id="security-error">
            {t(`security.errors.${error}`)}
          </p>
        ) : null}

        {result?.step === "confirm" ? (
          <div className="totp-setup">
            <h2>{t("security.scanTitle")}</h2>
            <p>{t("security.scanIntro")}</p>
            <img src={result.qr} alt={t("security.qrAlt")} width={200} height={200} className="totp-setup__qr" />
            <p>
              {t("security.secretIntro")} <code className="totp-setup__secret" data-testid="totp-secret">{result.secret}</code>
            </p>
            <RecoveryCodes codes={result.codes} />
            <Form method="post">
              <input type="hidden" name="intent" value="confirm" />
              <input type="hidden" name="uri" value={result.uri} />
              {result.codes.map((c) => (
                <input key={c} type="hidden" name="codes" value={c} />
              ))}
              <div className="field">
                <label htmlFor="code">{t("security.code")}</label>
                <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,8}" required aria-describedby={error ? "security-error" : undefined} />
              </div>
              <button type="submit" className="button button--primary" disabled={busy}>
                {t("security.confirm")}
              </button>
            </Form>
          </div>
        ) : null}

        {loaderData.done === "on" && enabled ? (
          <>
            <p className="alert alert--success" role="status">
              {t("security.done")}
            </p>
            {loaderData.redirectTo !== "/" ? (
              <p>
                <Link to={loaderData.redirectTo} className="button button--primary">
                  {t("security.continue")}
                </Link>
              </p>
            ) : null}
          </>
        ) : null}
        {result?.step === "codes" ? <RecoveryCodes codes={result.codes} /> : null}
        {loaderData.done === "off" && !enabled ? (
          <p className="alert alert--success" role="status">
            {t("security.disabled")}
          </p>
        ) : null}

        {!enabled && result?.step !== "confirm" ? (
          <Form method="post">
            <input type="hidden" name="intent" value="enable" />
            <p>{t("security.enableIntro")}</p>
            <PasswordField show={loaderData.hasPassword} id="enable-password" />
            <button type="submit" className="button button--primary" disabled={busy}>
              {t("security.enable")}
            </button>
          </Form>
        ) : null}

        {enabled ? (
          <>
            <Form method="post">
              <input type="hidden" name="intent" value="codes" />
              <h2>{t("security.newCodesTitle")}</h2>
              <p>{t("security.newCodesIntro")}</p>
              <PasswordField show={loaderData.hasPassword} id="codes-password" />
              <button type="submit" className="button" disabled={busy}>
                {t("security.newCodes")}
              </button>
            </Form>
            {loaderData.required ? null : (
              <Form method="post">
                <input type="hidden" name="intent" value="disable" />
                <h2>{t("security.disableTitle")}</h2>
                <PasswordField show={loaderData.hasPassword} id="disable-password" />
                <button type="submit" className="button button--danger" disabled={busy}>
                  {t("security.disable")}
                </button>
              </Form>
            )}
          </>
        ) : null}
        <p>
          <Link to="/settings/sessions">{t("sessions.link")}</Link>
        </p>
      </section>
    </main>
  );
}
