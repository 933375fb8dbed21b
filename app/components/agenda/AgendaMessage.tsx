import { useTranslation } from "react-i18next";
import type { ActionResult } from "~/utils/action-result";

/** The outcome of an agenda form: done, or why not (translated by code or field, English words as fallback). */
export function AgendaMessage({ result, intent }: { result: ActionResult | undefined; intent: string }) {
  const { t } = useTranslation("agendas");
  if (!result || result.intent !== intent) return null;
  if (result.ok) {
    return (
      <p className="alert alert--success" role="status">
        {t(`done.${intent}`)}
      </p>
    );
  }
  const { code, field, message } = result.error;
  return (
    <p className="alert alert--error" role="alert" data-error-code={code} data-error-field={field}>
      {code === "bad_request" ? t(`errors.field.${field ?? "form"}`, { defaultValue: message }) : t(`errors.${code}`, { defaultValue: message })}
    </p>
  );
}
