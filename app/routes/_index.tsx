import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SECTION_STATUSES, type SectionStatus } from "~/shared/domain";
import { agendaRollup, workspaceReviewSummaryUnchecked } from "../../server/views/agenda";
import { listAgendasFor } from "../../server/views/agendas";
import { listWorkspacesFor } from "../../server/views/workspaces";
import { waitingFor } from "../../server/views/waiting";
import { workspaceRoleLabel } from "../../server/policy";
import { WaitingForMe } from "~/components/waiting/WaitingForMe";
import { AgendaRollupPanel } from "~/components/review/AgendaRollup";
import { Deadline } from "~/components/Deadline";
import { useLiveRevalidate } from "~/components/realtime/useLiveRevalidate";
import { RoleLabel } from "~/components/RoleLabel";
import { StatusBadge } from "~/components/StatusBadge";
import { ChangeRequests } from "~/components/review/ChangeRequests";
import { daysUntil } from "~/components/format";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import { requireActor } from "~/utils/auth.server";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "dashboard.title")) }];

/**
 * My workspaces, grouped by agenda: the agendas the policy lets me see (those where I see a workspace;
 * all of theirs for agenda owners and admins), each with its publication date and roll-up.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const { database } = context.services;
  const [workspaces, agendas, waiting, withArchived] = await Promise.all([
    listWorkspacesFor(database, actor),
    listAgendasFor(database, actor),
    waitingFor(database, actor),
    // Archived agendas: listed for those who still see them (their owners and admins), to read or restore.
    listAgendasFor(database, actor, { includeArchived: true }),
  ]);
  const rollups = await Promise.all(agendas.map((a) => agendaRollup(database, actor, { agendaId: a.id })));
  // Changes requested, on the card of each workspace (who asked and why): the sections the actor sees there.
  const changes = await Promise.all(
    workspaces.map(async (w) =>
      (await workspaceReviewSummaryUnchecked(database, w.sections))
        .filter((s) => s.changesRequested.length)
        .map((s) => ({ sectionId: s.id, sectionTitle: s.title, requests: s.changesRequested })),
    ),
  );
  const groups = [
    ...agendas.map((a, i) => ({ id: a.id as string | null, title: a.title, publicationDate: a.publicationDate, rollup: rollups[i] as (typeof rollups)[number] | null })),
    ...(workspaces.some((w) => w.agendaId === null) ? [{ id: null, title: "", publicationDate: null, rollup: null }] : []),
  ];
  return {
    waiting,
    archivedAgendas: withArchived.filter((a) => a.archivedAt !== null).map((a) => ({ id: a.id, title: a.title })),
    agendas: groups.map((g) => ({
      ...g,
      daysLeft: g.publicationDate ? daysUntil(g.publicationDate) : null,
      workspaceIds: workspaces.filter((w) => w.agendaId === g.id).map((w) => w.id),
    })),
    workspaces: workspaces.map((w, i) => {
      const counts = Object.fromEntries(SECTION_STATUSES.map((s) => [s, 0])) as Record<SectionStatus, number>;
      for (const s of w.sections) counts[s.status] += 1;
      return {
        id: w.id,
        title: w.title,
        description: w.description,
        deadline: w.deadline,
        daysLeft: w.deadline ? daysUntil(w.deadline) : null,
        lead: w.leadOrganisation,
        role: workspaceRoleLabel(actor, { role: w.role, approverOrganisation: w.approverOrganisation, agendaOwner: w.agendaOwner, archived: w.archivedAt !== null }),
        sectionCount: w.sections.length,
        counts,
        changesRequested: changes[i],
      };
    }),
  };
}

type Card = ReturnType<typeof useLoaderData<typeof loader>>["workspaces"][number];

export default function Dashboard() {
  const { workspaces, agendas, waiting, archivedAgendas } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const byId = new Map(workspaces.map((w) => [w.id, w]));
  // Reload when a section's status, a workspace, an agenda or my membership changes elsewhere.
  useLiveRevalidate(
    workspaces.map((w) => w.id),
    agendas.map((a) => a.id).filter((id): id is string => id !== null),
  );
  return (
    <main id="main" className="page" tabIndex={-1}>
      <div className="page-heading">
        <h1>{t("dashboard.title")}</h1>
        <p className="lede">{t("dashboard.intro")}</p>
        {workspaces.length ? <p className="meta-line">{t("dashboard.count", { count: workspaces.length })}</p> : null}
      </div>
      <WaitingForMe waiting={waiting} />
      {workspaces.length === 0 && agendas.length === 0 ? (
        <section className="panel panel--empty" aria-labelledby="empty-title">
          <h2 id="empty-title">{t("dashboard.empty.title")}</h2>
          <p>{t("dashboard.empty.body")}</p>
        </section>
      ) : null}
      {agendas.map((a) => (
        <section key={a.id ?? "none"} className="agenda-group" aria-labelledby={`agenda-${a.id ?? "none"}`} data-agenda-group={a.id ?? ""}>
          <h2 id={`agenda-${a.id ?? "none"}`} className="agenda-group__title">
            {a.id ? <Link to={`/a/${a.id}`}>{a.title}</Link> : t("agendas:dashboard.noAgenda")}
          </h2>
          {a.id ? (
            <p className="meta-line">
              {t("agendas:settings.publicationDate")}: <Deadline deadline={a.publicationDate} daysLeft={a.daysLeft} />
            </p>
          ) : null}
          {a.rollup && a.rollup.total > 0 ? <AgendaRollupPanel rollup={a.rollup} agendaId={a.id ?? ""} headingId={`rollup-${a.id}`} level={3} /> : null}
          {a.workspaceIds.length === 0 ? (
            <p className="muted">{t("agendas:dashboard.noWorkspaces")}</p>
          ) : (
            <ul className="workspace-list" aria-label={a.id ? a.title : t("agendas:dashboard.noAgenda")}>
              {a.workspaceIds.map((id) => byId.get(id)).filter((w): w is Card => Boolean(w)).map((w) => (
                <WorkspaceCard key={w.id} w={w} />
              ))}
            </ul>
          )}
        </section>
      ))}
      {archivedAgendas.length ? (
        <section className="panel" aria-labelledby="archived-agendas-title" data-testid="archived-agendas">
          <h2 id="archived-agendas-title">{t("agendas:dashboard.archived")}</h2>
          <ul>
            {archivedAgendas.map((a) => (
              <li key={a.id}>
                <Link to={`/a/${a.id}`}>{a.title}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </main>
  );
}

function WorkspaceCard({ w }: { w: Card }) {
  const { t } = useTranslation();
  return (
    <li className="workspace-card" data-workspace-id={w.id}>
      <h3 className="workspace-card__title">
        <Link to={`/w/${w.id}`}>{w.title}</Link>
      </h3>
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
        <h4 className="visually-hidden">{t("dashboard.sectionsByStatus")}</h4>
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
      {w.changesRequested.length ? (
        <ul className="workspace-card__changes plain-list" data-card-changes>
          {w.changesRequested.map((c) => (
            <li key={c.sectionId} data-section-id={c.sectionId}>
              <Link to={`/s/${c.sectionId}/review`}>{c.sectionTitle}</Link>
              <ChangeRequests requests={c.requests} />
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}
