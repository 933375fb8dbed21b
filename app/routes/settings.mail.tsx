import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { isMailMode, MAIL_KINDS, MAIL_MODES, type MailKind, type MailMode } from "~/shared/mail";
import { mailPreferences, setMailPreferences } from "../../server/mail/outbox";
import { Breadcrumbs } from "~/components/Breadcrumbs";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import { requireActor } from "~/utils/auth.server";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "mail:settings.title")) }];

/** The signed-in person's mail choices, per kind: immediately, daily digest or never. Their own only. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  return { email: actor.email, preferences: await mailPreferences(context.services.database, actor.id) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor(request, context);
  const form = await request.formData();
  const choices: Partial<Record<MailKind, MailMode>> = {};
  for (const kind of MAIL_KINDS) {
    const mode = form.get(kind);
    if (!isMailMode(mode)) return data({ saved: false as const }, { status: 400 });
    choices[kind] = mode;
  }
  await setMailPreferences(context.services.database, actor.id, choices);
  return { saved: true as const };
}

export default function MailSettings() {
  const { email, preferences } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("mail");
  const { t: tc } = useTranslation();
  return (
    <main id="main" className="page page--narrow" tabIndex={-1}>
      <Breadcrumbs items={[{ label: tc("nav.dashboard"), to: "/" }, { label: t("settings.title") }]} />
      <div className="page-heading">
        <h1>{t("settings.title")}</h1>
        <p className="lede">{t("settings.intro")}</p>
        <p className="muted">{t("settings.address", { email })}</p>
      </div>
      {result ? (
        <p className={result.saved ? "alert alert--success" : "alert alert--error"} role={result.saved ? "status" : "alert"}>
          {result.saved ? t("settings.saved") : t("settings.invalid")}
        </p>
      ) : null}
      <Form method="post" className="panel">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("settings.kind")}</th>
              <th scope="col">{t("settings.mode")}</th>
            </tr>
          </thead>
          <tbody>
            {MAIL_KINDS.map((kind) => (
              <tr key={kind}>
                <th scope="row">
                  <label htmlFor={`mail-${kind}`}>{t(`kinds.${kind}`)}</label>
                </th>
                <td>
                  <select id={`mail-${kind}`} name={kind} defaultValue={preferences[kind]}>
                    {MAIL_MODES.map((mode) => (
                      <option key={mode} value={mode}>
                        {t(`modes.${mode}`)}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="submit" className="button button--primary" disabled={navigation.state !== "idle"}>
          {t("settings.save")}
        </button>
      </Form>
    </main>
  );
}
