import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { endSessions } from "../../server/commands/sessionEnd";
import { listSessions } from "../../server/views/sessions";
import { deviceName } from "~/components/auth/device";
import { formatMoment } from "~/components/format";
import { field } from "~/components/review/actions.server";
import { useDateLocale } from "~/components/root-data";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import { commandFailure } from "~/utils/admin.server";
import { requireActor } from "~/utils/auth.server";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "identity:sessions.title")) }];

/** Where I am signed in: each session with its device, address, start and last use; end one, or all but this one. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const sessions = await listSessions(context.services.database, actor, actor.id);
  return {
    sessions: sessions.map((s) => ({
      id: s.id,
      device: deviceName(s.userAgent),
      ipAddress: s.ipAddress,
      createdAt: s.createdAt.toISOString(),
      lastSeenAt: s.lastSeenAt.toISOString(),
      current: s.current,
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor(request, context);
  const form = await request.formData();
  const intent = field(form, "intent");
  try {
    if (intent === "end") {
      const sessionId = field(form, "sessionId");
      const count = await endSessions(context.services, { actor, userId: actor.id, which: { sessionId } });
      // This very session: signed out.
      if (sessionId === actor.sessionId) throw redirect("/sign-in");
      return data({ ok: true as const, intent, count });
    }
    if (intent === "others") {
      const count = await endSessions(context.services, { actor, userId: actor.id, which: "others", currentSessionId: actor.sessionId });
      return data({ ok: true as const, intent, count });
    }
    return data({ ok: false as const, intent, error: { code: "bad_request" } }, { status: 400 });
  } catch (error) {
    if (error instanceof Response) throw error;
    return commandFailure(error, intent);
  }
}

export default function Sessions() {
  const { sessions } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const dateLocale = useDateLocale();
  const { t } = useTranslation("identity");
  const others = sessions.filter((s) => !s.current).length;
  return (
    <main id="main" className="page" tabIndex={-1}>
      <h1>{t("sessions.title")}</h1>
      <p className="lede">{t("sessions.intro")}</p>
      {result && result.ok ? (
        <p className="alert alert--success" role="status">
          {t("sessions.ended", { count: "count" in result ? result.count : 0 })}
        </p>
      ) : result && !result.ok ? (
        <p className="alert alert--error" role="alert">
          {t("sessions.failed")}
        </p>
      ) : null}
      <table className="table sessions">
        <thead>
          <tr>
            <th scope="col">{t("sessions.device")}</th>
            <th scope="col">{t("sessions.address")}</th>
            <th scope="col">{t("sessions.started")}</th>
            <th scope="col">{t("sessions.lastSeen")}</th>
            <th scope="col">
              <span className="visually-hidden">{t("sessions.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.id} data-session-id={s.id}>
              <th scope="row">
                {s.device ? t("sessions.deviceName", { browser: s.device.browser ?? t("sessions.unknownBrowser"), system: s.device.system ?? t("sessions.unknownSystem") }) : t("sessions.unknownDevice")}
                {s.current ? <span className="badge"> {t("sessions.current")}</span> : null}
              </th>
              <td>{s.ipAddress ?? "—"}</td>
              <td>
                <time dateTime={s.createdAt}>{formatMoment(s.createdAt, dateLocale)}</time>
              </td>
              <td>
                <time dateTime={s.lastSeenAt}>{formatMoment(s.lastSeenAt, dateLocale)}</time>
              </td>
              <td>
                <Form method="post">
                  <input type="hidden" name="intent" value="end" />
                  <input type="hidden" name="sessionId" value={s.id} />
                  <button type="submit" className="button button--quiet" disabled={busy}>
                    {s.current ? t("sessions.endThis") : t("sessions.end")}
                  </button>
                </Form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {others > 0 ? (
        <Form method="post">
          <input type="hidden" name="intent" value="others" />
          <button type="submit" className="button button--primary" disabled={busy}>
            {t("sessions.endOthers")}
          </button>
        </Form>
      ) : null}
      <p>
        <Link to="/settings/security">{t("security.title")}</Link>
      </p>
    </main>
  );
}
