import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { listAudit, verifyAuditChain } from "../../server/services/audit";
import { formatMoment } from "~/components/format";
import { useDateLocale } from "~/components/root-data";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import { requireAdmin } from "~/utils/admin.server";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "admin:audit.title")) }];

const PAGE = 50;
const Query = z.object({
  before: z.coerce.number().int().positive().optional().catch(undefined),
  verify: z.enum(["1"]).optional().catch(undefined),
});

/** The audit trail, newest first, 50 at a time; `?verify=1` checks the whole chain. Read-only for everyone. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAdmin(request, context, "admin.audit");
  const url = new URL(request.url);
  const query = Query.parse(Object.fromEntries(url.searchParams));
  const { database } = context.services;
  const [events, verdict] = await Promise.all([
    listAudit(database, { beforeSeq: query.before, limit: PAGE }),
    query.verify ? verifyAuditChain(database) : Promise.resolve(null),
  ]);
  const anchor = context.services.auditAnchor;
  return {
    key: anchor ? { keyId: anchor.keyId, pem: anchor.publicKeyPem } : null,
    verdict,
    before: query.before ?? null,
    events: events.map((e) => ({
      seq: e.seq,
      at: e.at.toISOString(),
      actor: e.actorName ? `${e.actorName} <${e.actorEmail}>` : e.actorId,
      action: e.action,
      subject: `${e.subjectType} ${e.subjectId}`,
      workspaceId: e.workspaceId,
      data: JSON.stringify(e.data),
      hash: e.hash,
    })),
    olderThan: events.length === PAGE ? events[events.length - 1].seq : null,
  };
}

export default function AuditPage() {
  const { events, verdict, olderThan, before, key } = useLoaderData<typeof loader>();
  const { t } = useTranslation("admin");
  const dateLocale = useDateLocale();
  const navigation = useNavigation();
  const brokenSeq = verdict && !verdict.ok ? verdict.brokenSeq : null;
  return (
    <main id="main" className="page admin-page" tabIndex={-1}>
      <div className="page-heading">
        <h1>{t("audit.title")}</h1>
        <p className="lede">{t("audit.intro")}</p>
      </div>
      {key ? (
        <section className="panel" aria-labelledby="key-title" data-public-key={key.keyId}>
          <h2 id="key-title">{t("audit.keyTitle")}</h2>
          <p>{t("audit.keyExplain", { keyId: key.keyId })}</p>
          <pre>{key.pem}</pre>
        </section>
      ) : null}
      <section className="panel" aria-labelledby="verify-title">
        <h2 id="verify-title">{t("audit.verifyTitle")}</h2>
        <Form method="get">
          <input type="hidden" name="verify" value="1" />
          {before ? <input type="hidden" name="before" value={before} /> : null}
          <button type="submit" className="button button--primary" disabled={navigation.state !== "idle"}>
            {t("audit.verify")}
          </button>
        </Form>
        {verdict ? (
          verdict.ok ? (
            <p className="notice" role="status" data-verdict="ok">
              {t("audit.intact", { count: verdict.count })}
            </p>
          ) : (
            <div className="alert alert--error" role="alert" data-verdict="broken" data-broken-seq={verdict.brokenSeq}>
              <p>
                <strong>{t("audit.broken", { seq: verdict.brokenSeq })}</strong> {t(`audit.reason.${verdict.reason}`)}
              </p>
              <p>{t("audit.brokenAfter", { count: verdict.count })}</p>
              <p>
                <Link to={`?verify=1&before=${verdict.brokenSeq + 1}`}>{t("audit.showBroken")}</Link>
              </p>
            </div>
          )
        ) : null}
      </section>
      <section className="panel" aria-labelledby="events-title">
        <h2 id="events-title">{t("audit.eventsTitle")}</h2>
        {events.length === 0 ? (
          <p className="muted">{t("audit.empty")}</p>
        ) : (
          <div className="table-scroll">
            <table className="table table--compact admin-table">
              <thead>
                <tr>
                  <th scope="col">{t("audit.seq")}</th>
                  <th scope="col">{t("audit.at")}</th>
                  <th scope="col">{t("audit.actor")}</th>
                  <th scope="col">{t("audit.action")}</th>
                  <th scope="col">{t("audit.subject")}</th>
                  <th scope="col">{t("audit.details")}</th>
                  <th scope="col">{t("audit.hash")}</th>
                </tr>
              </thead>
              <tbody>
                {events.map((e) => (
                  <tr key={e.seq} id={`event-${e.seq}`} className={e.seq === brokenSeq ? "is-broken" : undefined} aria-current={e.seq === brokenSeq ? "true" : undefined}>
                    <th scope="row">{e.seq}</th>
                    <td>
                      <time dateTime={e.at}>{formatMoment(e.at, dateLocale)}</time>
                    </td>
                    <td>{e.actor ?? t("audit.system")}</td>
                    <td>{t(`audit.actions.${e.action}`, { defaultValue: e.action })}</td>
                    <td>
                      <code>{e.subject}</code>
                    </td>
                    <td>
                      <code className="audit-data">{e.data}</code>
                    </td>
                    <td>
                      <code title={e.hash}>{e.hash.slice(0, 12)}…</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <nav className="pager" aria-label={t("audit.pager")}>
          {before ? <Link to=".">{t("audit.newest")}</Link> : null}{" "}
          {olderThan ? (
            <Link className="pager__next" to={`?before=${olderThan}`}>
              {t("audit.older")}
            </Link>
          ) : null}
        </nav>
      </section>
    </main>
  );
}
