import { useTranslation } from "react-i18next";
import type { ActionResult } from "~/utils/action-result";

/** The outcome of a form that shapes sections: done, or why not (translated by code, English words as fallback). */
export function SectionMessage({ result, intent, target }: { result: ActionResult | undefined; intent: string; target?: string }) {
  const { t } = useTranslation("sections");
  if (!result || result.intent !== intent) return null;
  if (target !== undefined && result.target !== target) return null;
  if (result.ok) {
    return (
      <p className="alert alert--success" role="status">
        {t(`done.${intent}`)}
      </p>
    );
  }
  const { code, field, message } = result.error;
  return (
    <p className="alert alert--error" role="alert" data-error-code={code}>
      {code === "bad_request" && field ? t(`errors.field.${field}`, { defaultValue: message }) : t(`errors.${code}`, { defaultValue: message || t("errors.unknown") })}
    </p>
  );
}
