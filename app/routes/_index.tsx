import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SECTION_STATUSES, type SectionStatus } from "~/shared/domain";
import { agendaRollup } from "../../server/views/agenda";
import { listWorkspacesFor } from "../../server/views/workspaces";
import { waitingFor } from "../../server/views/waiting";
import { workspaceRoleLabel } from "../../server/policy";
import { WaitingForMe } from "~/components/waiting/WaitingForMe";
import { AgendaRollupPanel } from "~/components/review/AgendaRollup";
import { Deadline } from "~/components/Deadline";
import { useLiveRevalidate } from "~/components/realtime/useLiveRevalidate";
import { RoleLabel } from "~/components/RoleLabel";
import { StatusBadge } from "~/components/StatusBadge";
import { daysUntil } from "~/components/format";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import { requireActor } from "~/utils/auth.server";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "dashboard.title")) }];

/** My workspaces: those the policy lets me see, with deadline, days left and sections by status. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const [workspaces, rollup, waiting] = await Promise.all([
    listWorkspacesFor(context.services.database, actor),
    agendaRollup(context.services.database, actor),
    waitingFor(context.services.database, actor),
  ]);
  return {
    rollup,
    waiting,
    workspaces: workspaces.map((w) => {
      const counts = Object.fromEntries(SECTION_STATUSES.map((s) => [s, 0])) as Record<SectionStatus, number>;
      for (const s of w.sections) counts[s.status] += 1;
      return {
        id: w.id,
        title: w.title,
        description: w.description,
        deadline: w.deadline,
        daysLeft: w.deadline ? daysUntil(w.deadline) : null,
        lead: w.leadOrganisation,
        role: workspaceRoleLabel(actor, { role: w.role, approverOrganisation: w.approverOrganisation }),
        sectionCount: w.sections.length,
        counts,
      };
    }),
  };
}

export default function Dashboard() {
  const { workspaces, rollup, waiting } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  // Reload when a section's status, a workspace or my membership changes elsewhere.
  useLiveRevalidate(workspaces.map((w) => w.id));
  return (
    <main id="main" className="page" tabIndex={-1}>
      <div className="page-heading">
        <h1>{t("dashboard.title")}</h1>
        <p className="lede">{t("dashboard.intro")}</p>
        {workspaces.length ? <p className="meta-line">{t("dashboard.count", { count: workspaces.length })}</p> : null}
      </div>
      <WaitingForMe waiting={waiting} />
      {rollup.total > 0 ? (
        <>
          <AgendaRollupPanel rollup={rollup} />
          <p>
            <Link to="/agenda">{t("review:agenda.open")}</Link>
          </p>
        </>
      ) : null}
      {workspaces.length === 0 ? (
        <section className="panel panel--empty" aria-labelledby="empty-title">
          <h2 id="empty-title">{t("dashboard.empty.title")}</h2>
          <p>{t("dashboard.empty.body")}</p>
        </section>
      ) : (
        <ul className="workspace-list" aria-label={t("dashboard.title")}>
          {workspaces.map((w) => (
            <li key={w.id} className="workspace-card" data-workspace-id={w.id}>
              <h2 className="workspace-card__title">
                <Link to={`/w/${w.id}`}>{w.title}</Link>
              </h2>
              {w.description ? <p className="workspace-card__description">{w.description}</p> : null}
              <dl className="facts">
                <div>
                  <dt>{t("dashboard.lead")}</dt>
                  <dd>{w.lead ? w.lead.name : "—"}</dd>
                </div>
                <div>
                  <dt>{t("dashboard.deadline")}</dt>
                  <dd>
                    <Deadline deadline={w.deadline} daysLeft={w.daysLeft} />
                  </dd>
                </div>
                <div>
                  <dt>{t("dashboard.myRole")}</dt>
                  <dd>
                    <RoleLabel role={w.role} />
                  </dd>
                </div>
              </dl>
              <div className="workspace-card__sections">
                <h3 className="visually-hidden">{t("dashboard.sectionsByStatus")}</h3>
                {w.sectionCount === 0 ? (
                  <p className="muted">{t("dashboard.noSections")}</p>
                ) : (
                  <ul className="badge-row" aria-label={t("dashboard.sectionsByStatus")}>
                    {SECTION_STATUSES.filter((s) => w.counts[s] > 0).map((s) => (
                      <li key={s}>
                        <StatusBadge status={s} count={w.counts[s]} />
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
