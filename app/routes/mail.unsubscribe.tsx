import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { eq } from "drizzle-orm";
import { useTranslation } from "react-i18next";
import { MAIL_KINDS } from "~/shared/mail";
import { verifyUnsubscribe } from "../../server/mail/links";
import { setMailPreferences } from "../../server/mail/outbox";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";

export const meta: MetaFunction = ({ matches }) => [
  { title: pageTitle(translate(localeFromMatches(matches), "mail:unsubscribe.title")) },
  { name: "referrer", content: "no-referrer" },
];

const headers = { "cache-control": "no-store", "referrer-policy": "no-referrer" };

/**
 * The unsubscribe link of a mail (server/mail/links.ts): works signed out. Opening it changes
 * nothing (mail scanners open links); the button does. A link Overleg did not sign is refused (400).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const link = verifyUnsubscribe(context.services.env, new URL(request.url).searchParams);
  if (!link) return data({ valid: false as const, kind: null }, { status: 400, headers });
  return data({ valid: true as const, kind: link.kind }, { headers });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const link = verifyUnsubscribe(context.services.env, new URL(request.url).searchParams);
  if (!link) return data({ done: false as const, kind: null }, { status: 400, headers });
  const { db, t } = context.services.database;
  const [person] = await db.select({ id: t.user.id }).from(t.user).where(eq(t.user.id, link.userId)).limit(1);
  // Signed for a person who no longer exists: nothing to turn off.
  if (!person) return data({ done: false as const, kind: null }, { status: 400, headers });
  const kinds = link.kind === "all" ? MAIL_KINDS : [link.kind];
  await setMailPreferences(context.services.database, link.userId, Object.fromEntries(kinds.map((k) => [k, "never" as const])));
  context.services.log.info("mail unsubscribed", { userId: link.userId, kind: link.kind });
  return data({ done: true as const, kind: link.kind }, { headers });
}

export default function Unsubscribe() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const location = useLocation();
  const { t } = useTranslation("mail");
  const valid = loaded.valid && result?.done !== false;
  const kind = result?.kind ?? loaded.kind;
  return (
    <main id="main" className="page page--narrow" tabIndex={-1}>
      <section className="panel" aria-labelledby="unsubscribe-title">
        <h1 id="unsubscribe-title">{t("unsubscribe.title")}</h1>
        {!valid || !kind ? (
          <p className="alert alert--error" role="alert">
            {t("unsubscribe.invalid")}
          </p>
        ) : result?.done ? (
          <p className="alert alert--success" role="status" data-unsubscribed={kind}>
            {t("unsubscribe.done", { kind: t(`kinds.${kind}`) })}
          </p>
        ) : (
          <Form method="post" action={`${location.pathname}${location.search}`}>
            <p>{t("unsubscribe.confirm", { kind: t(`kinds.${kind}`) })}</p>
            <button type="submit" className="button button--primary">
              {t("unsubscribe.button")}
            </button>
          </Form>
        )}
        <p>
          <Link to="/settings/mail">{t("unsubscribe.settings")}</Link>
        </p>
      </section>
    </main>
  );
}
