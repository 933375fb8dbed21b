import { useTranslation } from "react-i18next";
import { formatDay } from "./format";
import { useDateLocale } from "./root-data";

/**
 * A deadline in the reader's locale with the days left. `daysLeft` is computed by the loader (one
 * clock, the server's) so the server render and hydration show the same number.
 */
export function Deadline({ deadline, daysLeft }: { deadline: string | null; daysLeft: number | null }) {
  const { t } = useTranslation();
  const dateLocale = useDateLocale();
  if (!deadline) return <span className="deadline deadline--none">{t("dashboard.noDeadline")}</span>;
  const urgency = daysLeft === null ? "" : daysLeft < 0 ? "overdue" : daysLeft <= 30 ? "soon" : "ok";
  return (
    <span className={`deadline deadline--${urgency}`}>
      <time dateTime={deadline}>{formatDay(deadline, dateLocale)}</time>
      {daysLeft !== null ? (
        <span className="deadline__left">
          {" "}
          (
          {daysLeft === 0
            ? t("days.today")
            : daysLeft > 0
              ? t("days.left", { count: daysLeft })
              : t("days.overdue", { count: -daysLeft })}
          )
        </span>
      ) : null}
    </span>
  );
}
