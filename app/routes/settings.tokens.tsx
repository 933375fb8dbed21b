/**
 * My personal API tokens: make one (named, shown once), see when each was made, expires and was last
 * used, revoke one. Only the token's hash is kept (server/api/tokens.ts); the commands audit both.
 */
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { createApiToken } from "../../server/commands/apiTokenCreate";
import { revokeApiToken } from "../../server/commands/apiTokenRevoke";
import { listApiTokens } from "../../server/views/apiTokens";
import { TOKEN_LIFETIMES } from "../shared/api-tokens";
import { Breadcrumbs } from "~/components/Breadcrumbs";
import { ErrorPage } from "~/components/ErrorPage";
import { formatMoment } from "~/components/format";
import { useDateLocale } from "~/components/root-data";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import { actionFailure, type ActionResult } from "~/utils/action-result";
import { commandFailure } from "~/utils/admin.server";
import { requireActor } from "~/utils/auth.server";
import { useActionResult } from "~/utils/use-action-result";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "tokens.title")) }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  return { tokens: await listApiTokens(context.services.database, actor) };
}

const Intent = z.object({ intent: z.enum(["create", "revoke"]) });

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor(request, context);
  const form = Object.fromEntries(await request.formData());
  const intent = Intent.safeParse(form);
  if (!intent.success) return data(actionFailure("", { code: "bad_request", message: "Send intent=create or intent=revoke." }), { status: 400 });
  const { intent: _intent, ...fields } = form;
  try {
    if (intent.data.intent === "create") {
      const created = await createApiToken(context.services, { actor, input: fields });
      return { ok: true as const, intent: "create", target: created.id, token: created.token, name: created.name };
    }
    await revokeApiToken(context.services, { actor, tokenId: fields.tokenId });
    return { ok: true as const, intent: "revoke", target: String(fields.tokenId) };
  } catch (error) {
    return commandFailure(error, intent.data.intent, typeof fields.tokenId === "string" ? fields.tokenId : undefined);
  }
}

type Result = ActionResult<{ token?: string; name?: string }>;

export default function TokensPage() {
  const { tokens } = useLoaderData<typeof loader>();
  const result = useActionResult<Result>();
  const { t } = useTranslation();
  const dateLocale = useDateLocale();
  const busy = useNavigation().state !== "idle";
  const when = (iso: string | null, none: string) => (iso ? formatMoment(iso, dateLocale) : none);
  return (
    <main id="main" className="page" tabIndex={-1}>
      <Breadcrumbs items={[{ label: t("nav.dashboard"), to: "/" }, { label: t("tokens.title") }]} />
      <h1>{t("tokens.title")}</h1>
      <p>{t("tokens.intro")}</p>
      <p>
        <a href="/api/v1/openapi.json">{t("tokens.docs")}</a>
      </p>

      {result?.ok && result.intent === "create" && result.token ? (
        <div role="status" className="notice">
          <p>{t("tokens.created", { name: result.name })}</p>
          <label htmlFor="new-token">{t("tokens.tokenLabel")}</label>
          <output id="new-token" className="token-secret" data-token>
            {result.token}
          </output>
        </div>
      ) : null}
      {result?.ok && result.intent === "revoke" ? <p role="status">{t("tokens.revokedDone")}</p> : null}
      {result && !result.ok ? (
        <p role="alert" className="form-error">
          {result.error.code === "bad_request" || result.error.code === "too_many_tokens"
            ? t(`tokens.error.${result.error.code}`)
            : t("tokens.error.generic", { message: result.error.message })}
        </p>
      ) : null}

      <Form method="post" className="stack">
        <input type="hidden" name="intent" value="create" />
        <div className="field">
          <label htmlFor="token-name">{t("tokens.name")}</label>
          <input id="token-name" name="name" required maxLength={100} aria-describedby="token-name-hint" />
          <p id="token-name-hint" className="muted">
            {t("tokens.nameHint")}
          </p>
        </div>
        <div className="field">
          <label htmlFor="token-expires">{t("tokens.expires")}</label>
          <select id="token-expires" name="expiresInDays" defaultValue="90">
            {TOKEN_LIFETIMES.map((d) => (
              <option key={d} value={d}>
                {t(`tokens.lifetime.${d}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button" disabled={busy}>
          {t("tokens.create")}
        </button>
      </Form>

      <h2>{t("tokens.list")}</h2>
      {tokens.length === 0 ? (
        <p className="muted">{t("tokens.none")}</p>
      ) : (
        <table className="token-table">
          <thead>
            <tr>
              <th scope="col">{t("tokens.name")}</th>
              <th scope="col">{t("tokens.createdAt")}</th>
              <th scope="col">{t("tokens.expiresAt")}</th>
              <th scope="col">{t("tokens.lastUsed")}</th>
              <th scope="col">{t("tokens.state")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("tokens.revoke")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id} data-token-id={token.id}>
                <td>{token.name}</td>
                <td>{when(token.createdAt, "")}</td>
                <td>{when(token.expiresAt, t("tokens.noExpiry"))}</td>
                <td>{when(token.lastUsedAt, t("tokens.never"))}</td>
                <td>{token.revokedAt ? t("tokens.revoked") : token.active ? t("tokens.active") : t("tokens.expired")}</td>
                <td>
                  {token.active ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="tokenId" value={token.id} />
                      <button type="submit" className="button button--quiet" aria-label={t("tokens.revokeLabel", { name: token.name })} disabled={busy}>
                        {t("tokens.revoke")}
                      </button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />;
}
