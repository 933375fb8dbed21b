import { useTranslation } from "react-i18next";
import "./review.css";
import type { ChangeRequest } from "../../../server/views/agenda";

/** "Changes requested" on a section: which organisation asked, who, and why (the note of its latest decision). */
export function ChangeRequests({ requests, badge = true }: { requests: ChangeRequest[]; badge?: boolean }) {
  const { t } = useTranslation("review");
  if (!requests.length) return null;
  return (
    <div className="change-requests" data-changes-requested>
      {badge ? <span className="badge badge--changes">{t("summary.changesRequested")}</span> : null}
      <ul className="change-requests__list">
        {requests.map((r) => (
          <li key={r.organisation} data-change-request={r.organisation}>
            {r.by ? t("summary.changesBy", { organisation: r.organisation, name: r.by, note: r.note }) : t("summary.changesByOrganisation", { organisation: r.organisation, note: r.note })}
          </li>
        ))}
      </ul>
    </div>
  );
}
