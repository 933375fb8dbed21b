import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SECTION_STATUSES } from "~/shared/domain";
import type { AgendaRollup } from "../../../server/views/agenda";
import { Deadline } from "~/components/Deadline";
import { StatusBadge } from "~/components/StatusBadge";
import { ChangeRequests } from "./ChangeRequests";
import "./review.css";

/** The roll-up: sections per status, what is overdue, late reviews, changes requested (who and why) and stale approvals. */
export function AgendaRollupPanel({ rollup, headingId = "rollup-title", level = 2 }: { rollup: AgendaRollup; headingId?: string; level?: 2 | 3 }) {
  const { t } = useTranslation("review");
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
