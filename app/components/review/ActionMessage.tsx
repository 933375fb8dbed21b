import "./review.css";
import { useTranslation } from "react-i18next";
import type { ActionResult } from "~/utils/action-result";

/** The outcome of a review form: done, or why not (translated by code, English words as fallback). */
export function ActionMessage({ result, intent }: { result: ActionResult | undefined; intent: string }) {
  const { t } = useTranslation("review");
  if (!result || result.intent !== intent) return null;
  if (result.ok) {
    return (
      <p className="alert alert--success" role="status">
        {t(`done.${intent}`)}
      </p>
    );
  }
  return (
    <p className="alert alert--error" role="alert" data-error-code={result.error.code}>
      {result.error.code === "bad_request" && result.error.field
        ? t(`errors.field.${result.error.field}`, { defaultValue: result.error.message })
        : t(`errors.${result.error.code}`, { defaultValue: result.error.message || t("errors.unknown") })}
    </p>
  );
}

/** A content hash, short, with the whole hash for those who check. */
export function Hash({ value }: { value: string }) {
  return (
    <code className="hash" title={value} data-hash={value}>
      {value.slice(0, 12)}
    </code>
  );
}
