import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { listOrganisationsUnchecked, listPeople } from "../../server/views/admin";
import { listAudit } from "../../server/services/audit";
import { formatMoment } from "~/components/format";
import { useDateLocale } from "~/components/root-data";
import { requireAdmin } from "~/utils/admin.server";

/** The admin overview: how many organisations and people, and the latest audit event. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireAdmin(request, context, "admin.people");
  const [organisations, people, latest] = await Promise.all([
    listOrganisationsUnchecked(context.services),
    listPeople(context.services, actor),
    listAudit(context.services.database, { limit: 1 }),
  ]);
  return {
    organisations: organisations.length,
    people: people.filter((p) => !p.disabledAt).length,
    disabled: people.filter((p) => p.disabledAt).length,
    admins: people.filter((p) => p.isAdmin && !p.disabledAt).length,
    latestAudit: latest[0] ? { seq: latest[0].seq, at: latest[0].at.toISOString(), action: latest[0].action } : null,
  };
}

export default function AdminOverview() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("admin");
  const dateLocale = useDateLocale();
  return (
    <main id="main" className="page admin-page" tabIndex={-1}>
      <div className="page-heading">
        <h1>{t("title")}</h1>
        <p className="lede">{t("overview.intro")}</p>
      </div>
      <div className="admin-cards">
        <section className="panel" aria-labelledby="overview-organisations">
          <h2 id="overview-organisations">{t("nav.organisations")}</h2>
          <p>{t("overview.organisations", { count: data.organisations })}</p>
          <Link to="/admin/organisations">{t("overview.manageOrganisations")}</Link>
        </section>
        <section className="panel" aria-labelledby="overview-people">
          <h2 id="overview-people">{t("nav.people")}</h2>
          <p>{t("overview.people", { count: data.people })}</p>
          <p className="muted">
            {t("overview.admins", { count: data.admins })} · {t("overview.disabled", { count: data.disabled })}
          </p>
          <Link to="/admin/people">{t("overview.managePeople")}</Link>
        </section>
        <section className="panel" aria-labelledby="overview-audit">
          <h2 id="overview-audit">{t("nav.audit")}</h2>
          {data.latestAudit ? (
            <p>
              {t("overview.latestAudit", { seq: data.latestAudit.seq })}{" "}
              <time dateTime={data.latestAudit.at}>{formatMoment(data.latestAudit.at, dateLocale)}</time>
            </p>
          ) : (
            <p>{t("audit.empty")}</p>
          )}
          <Link to="/admin/audit">{t("overview.openAudit")}</Link>
        </section>
      </div>
    </main>
  );
}
