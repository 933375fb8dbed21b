import { useTranslation } from "react-i18next";
import { formatMoment } from "~/components/format";
import { useDateLocale } from "~/components/root-data";
import { Hash } from "./ActionMessage";
import "./review.css";

/** The record as the loaders send it (dates as ISO strings). */
export interface ApprovalRecordView {
  signedOffBy: string | null;
  signedOffAt: string;
  contentHash: string;
  decisions: { organisationId: string; organisation: string; decision: "approve" | "request_changes" | null; by: string | null; at: string | null; note: string }[];
}

/** For the loaders: the view's record with its dates as strings. */
export function recordView(record: {
  signedOffBy: string | null;
  signedOffAt: Date;
  contentHash: string;
  decisions: { organisationId: string; organisation: string; decision: "approve" | "request_changes" | null; by: string | null; at: Date | null; note: string }[];
} | null): ApprovalRecordView | null {
  if (!record) return null;
  return {
    signedOffBy: record.signedOffBy,
    signedOffAt: record.signedOffAt.toISOString(),
    contentHash: record.contentHash,
    decisions: record.decisions.map((d) => ({ organisationId: d.organisationId, organisation: d.organisation, decision: d.decision, by: d.by, at: d.at ? d.at.toISOString() : null, note: d.note })),
  };
}

/** A final or published section's approvals and the sign-off it was locked with: who, which organisation, what, when. */
export function ApprovalRecord({ record, headingLevel = 2 }: { record: ApprovalRecordView; headingLevel?: 2 | 3 }) {
  const { t } = useTranslation("review");
  const dateLocale = useDateLocale();
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <section className="approval-record" aria-labelledby="approval-record-title" data-approval-record>
      <Heading id="approval-record-title">{t("record.title")}</Heading>
      <p className="muted">{t("record.explain")}</p>
      {record.decisions.length ? (
        <ul className="review-orgs">
          {record.decisions.map((d) => (
            <li key={d.organisationId} data-record-organisation={d.organisation} data-decision={d.decision ?? "none"}>
              <strong>{d.organisation}</strong>:{" "}
              <span className={`review-orgs__state review-orgs__state--${d.decision ?? "pending"}`}>{t(`outcome.${d.decision ?? "none"}`)}</span>
              {d.at ? <> {t("record.by", { name: d.by ?? "—", date: formatMoment(d.at, dateLocale) })}</> : null}
              {d.note ? <span className="review-note"> “{d.note}”</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <p data-record-signoff>
        {t("record.signedOff", { name: record.signedOffBy ?? "—", date: formatMoment(record.signedOffAt, dateLocale) })} <Hash value={record.contentHash} />
      </p>
    </section>
  );
}
