import { useTranslation } from "react-i18next";
import type { SectionStatus } from "~/shared/domain";

const icons: Record<SectionStatus, string> = {
  draft: "✎",
  in_review: "◔",
  approved: "✓",
  final: "🔒︎",
  published: "◆",
};

/** A section's status as a badge: a word (never colour alone) with a small symbol. */
export function StatusBadge({ status, count }: { status: SectionStatus; count?: number }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge--${status}`} data-status={status}>
      <span className="badge__icon" aria-hidden="true">
        {icons[status]}
      </span>
      {count !== undefined ? <span className="badge__count">{count}</span> : null}
      <span className="badge__label">{t(`status.${status}`)}</span>
    </span>
  );
}
