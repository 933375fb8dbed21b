import { useTranslation } from "react-i18next";
import type { ActionResult } from "~/utils/action-result";

const ASKS = new Set(["step_up_required", "wrong_second_factor", "second_factor_locked"]);

/**
 * The second-factor code in a sign-off, reopening or publishing form: shown when the loader says the
 * last check is too old (`needed`) or when the server refused for that reason; the server decides.
 */
export function StepUpField({ needed, result, intent, id }: { needed: boolean; result: ActionResult | undefined; intent: string; id: string }) {
  const { t } = useTranslation("identity");
  const asked = result && !result.ok && result.intent === intent && ASKS.has(result.error.code);
  if (!needed && !asked) return null;
  return (
    <div className="field step-up">
      <label htmlFor={id}>{t("stepUp.label")}</label>
      <input id={id} name="secondFactorCode" autoComplete="one-time-code" inputMode="text" required aria-describedby={`${id}-hint`} />
      <p className="field__hint" id={`${id}-hint`}>
        {t("stepUp.hint")}
      </p>
    </div>
  );
}
