import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SECTION_STATUSES } from "~/shared/domain";
import type { AgendaRollup, RollupCounters } from "../../../server/views/agenda";
import { Deadline } from "~/components/Deadline";
import { StatusBadge } from "~/components/StatusBadge";
import { ChangeRequests } from "./ChangeRequests";
import { formatDay } from "~/components/format";
import { useDateLocale } from "~/components/root-data";
import "./review.css";

/** The roll-up: sections per status, what is overdue, late reviews, changes requested (who and why) and stale approvals. */
export function AgendaRollupPanel({ rollup, agendaId, headingId = "rollup-title", level = 2 }: { rollup: AgendaRollup; agendaId: string; headingId?: string; level?: 2 | 3 }) {
  const { t } = useTranslation("review");
  const dateLocale = useDateLocale();
  const Heading = level === 2 ? "h2" : "h3";
  return (
    <section className="panel" aria-labelledby={headingId} data-rollup>
      <Heading id={headingId}>{t("rollup.title")}</Heading>
      <p>
        {t("rollup.publication")}:{" "}
        <Deadline deadline={rollup.publicationDate} daysLeft={rollup.daysLeft} />
      </p>
      <ul className="rollup" aria-label={t("rollup.byStatus")}>
        {SECTION_STATUSES.map((s) => (
          <li key={s} data-rollup-status={s}>
            <span className="rollup__n">{rollup.counts[s]}</span>
            <StatusBadge status={s} />
          </li>
        ))}
        <li data-rollup-status="overdue">
          <span className="rollup__n">{rollup.overdueSections}</span>
          {t("rollup.overdue")}
        </li>
      </ul>
      {rollup.lateReviews.length ? (
        <>
          <h3>{t("rollup.lateReviews")}</h3>
          <ul>
            {rollup.lateReviews.map((r) => (
              <li key={r.sectionId}>
                <Link to={`/s/${r.sectionId}/review`}>
                  {r.workspaceTitle}: {r.sectionTitle}
                </Link>{" "}
                — {t("rollup.lateBy", { organisations: r.organisations.join(", ") })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {rollup.changesRequested.length ? (
        <>
          <h3>{t("rollup.changesRequested")}</h3>
          <ul data-rollup-changes>
            {rollup.changesRequested.map((r) => (
              <li key={r.sectionId} data-section-id={r.sectionId}>
                <Link to={`/s/${r.sectionId}/review`}>
                  {r.workspaceTitle}: {r.sectionTitle}
                </Link>
                <ChangeRequests requests={r.requests} badge={false} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {rollup.assignedThreads.length ? (
        <>
          <h3 id={`${headingId}-assigned`}>{t("rollup.assigned")}</h3>
          <ul data-rollup-assigned>
            {rollup.assignedThreads.map((w) => (
              <li key={w.workspaceId} id={`assigned-${w.workspaceId}`} data-workspace-id={w.workspaceId}>
                <Link to={`/w/${w.workspaceId}`}>{w.workspaceTitle}</Link>
                <ul>
                  {w.threads.map((th) => (
                    <li key={th.threadId} data-thread-id={th.threadId} data-overdue={th.overdue ? "true" : undefined} className={th.overdue ? "rollup__overdue" : undefined}>
                      <Link to={th.href}>
                        {th.sectionTitle}: {t("rollup.thread", { quote: th.quote })}
                      </Link>{" "}
                      — {t(th.assignee.kind === "person" ? "rollup.assignedTo" : "rollup.assignedToOrganisation", { name: th.assignee.name })} ·{" "}
                      {th.dueDate
                        ? th.overdue
                          ? <strong>{t("rollup.overdueSince", { date: formatDay(th.dueDate, dateLocale) })}</strong>
                          : t("rollup.due", { date: formatDay(th.dueDate, dateLocale) })
                        : t("rollup.noDue")}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <RollupCounterTables rollup={rollup} agendaId={agendaId} />
      {rollup.staleApprovals.length ? (
        <>
          <h3>{t("rollup.staleApprovals")}</h3>
          <ul>
            {rollup.staleApprovals.map((r) => (
              <li key={r.sectionId}>
                <Link to={`/s/${r.sectionId}/review`}>
                  {r.workspaceTitle}: {r.sectionTitle}
                </Link>{" "}
                — {t("rollup.staleOf", { organisations: r.organisations.join(", ") })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** A counter that links to the list it counts (nothing to link when it is zero). */
function Count({ n, to, label }: { n: number; to: string; label: string }) {
  if (n === 0) return <span aria-label={label}>0</span>;
  return (
    <Link to={to} aria-label={label}>
      {n}
    </Link>
  );
}

/** Per workspace and per lead organisation: sections per status, changes requested, assigned discussions; each count a link to the filtered list. */
function RollupCounterTables({ rollup, agendaId }: { rollup: AgendaRollup; agendaId: string }) {
  // The organisation rows link to the agenda page filtered to that organisation (its roll-up too).
  const { t } = useTranslation("review");
  const { t: tc } = useTranslation();
  if (rollup.byWorkspace.length === 0) return null;
  const cells = (c: RollupCounters, place: string, link: (filter: Record<string, string>) => string, assignedLink: string) => (
    <>
      {SECTION_STATUSES.map((s) => (
        <td key={s} data-count={s}>
          <Count n={c.counts[s]} to={link({ status: s })} label={t("rollup.countLink", { count: c.counts[s], what: tc(`status.${s}`), place })} />
        </td>
      ))}
      <td data-count="changes">
        <Count n={c.changesRequested} to={link({ status: "in_review" })} label={t("rollup.countLink", { count: c.changesRequested, what: t("rollup.changesShort"), place })} />
      </td>
      <td data-count="assigned" className={c.assignedOverdue ? "rollup__overdue" : undefined}>
        <Count n={c.assigned} to={assignedLink} label={t("rollup.countLink", { count: c.assigned, what: t("rollup.assignedShort"), place })} />
      </td>
    </>
  );
  const head = (first: string, extra?: string) => (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        {extra ? <th scope="col">{extra}</th> : null}
        {SECTION_STATUSES.map((s) => (
          <th scope="col" key={s}>
            {tc(`status.${s}`)}
          </th>
        ))}
        <th scope="col">{t("rollup.changesShort")}</th>
        <th scope="col">{t("rollup.assignedShort")}</th>
      </tr>
    </thead>
  );
  const query = (base: string, filter: Record<string, string>) => `${base}?${new URLSearchParams(filter)}`;
  return (
    <details className="rollup__counters" data-rollup-counters>
      <summary>{t("rollup.counters")}</summary>
      <div className="table-scroll">
        <table className="table" data-rollup-by="workspace">
          <caption>{t("rollup.byWorkspace")}</caption>
          {head(t("rollup.workspace"))}
          <tbody>
            {rollup.byWorkspace.map((w) => (
              <tr key={w.id} data-workspace-id={w.id}>
                <th scope="row">
                  <Link to={`/w/${w.id}`}>{w.title}</Link>
                </th>
                {cells(w, w.title, (f) => query(`/w/${w.id}`, f), `#assigned-${w.id}`)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="table-scroll">
        <table className="table" data-rollup-by="organisation">
          <caption>{t("rollup.byOrganisation")}</caption>
          {head(t("rollup.organisation"), t("rollup.workspaces"))}
          <tbody>
            {rollup.byOrganisation.map((o) => {
              const name = o.name ?? t("rollup.noLead");
              const organisation = o.id ?? "none";
              return (
                <tr key={organisation} data-organisation-id={organisation}>
                  <th scope="row">
                    <Link to={query(`/a/${agendaId}`, { organisation })}>{name}</Link>
                  </th>
                  <td>{o.workspaces}</td>
                  {cells(o, name, (f) => query(`/a/${agendaId}`, { organisation, ...f }), `${query(`/a/${agendaId}`, { organisation })}#rollup-title-assigned`)}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </details>
  );
}
