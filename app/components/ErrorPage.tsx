import { Link, isRouteErrorResponse } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** What a page was about, so a 403 or 404 can say why in words the reader knows. */
export type ErrorSubject = "workspace" | "section";

/** The body of guard()'s error responses: `{ error: { code, message } }`. */
function errorBody(data: unknown): { code: string; message: string } | null {
  if (data && typeof data === "object" && "error" in data) {
    const e = (data as { error: unknown }).error;
    if (e && typeof e === "object" && "code" in e && typeof (e as { code: unknown }).code === "string") {
      const { code, message } = e as { code: string; message?: unknown };
      return { code, message: typeof message === "string" ? message : "" };
    }
  }
  return null;
}

/**
 * The page for a refused or failed request. 403 and 404 translate the error code of the response
 * (`forbidden`, `locked`, `not_found`) and, where the route tells what it was showing, say why.
 */
export function ErrorPage({ error, subject }: { error: unknown; subject?: ErrorSubject }) {
  const { t } = useTranslation();
  let status = 500;
  let title = t("errors.unexpected.title");
  let reason = t("errors.unexpected.body");
  if (isRouteErrorResponse(error)) {
    status = error.status;
    const body = errorBody(error.data);
    if (status === 403) {
      title = t("errors.forbidden.title");
      reason =
        body?.code === "locked"
          ? t("errors.forbidden.locked")
          : subject
            ? t(`errors.forbidden.${subject}`)
            : t("errors.forbidden.generic");
    } else if (status === 404) {
      title = t("errors.notFound.title");
      reason = subject ? t(`errors.notFound.${subject}`) : t("errors.notFound.generic");
    }
  }
  return (
    <main id="main" className="page page--error" tabIndex={-1}>
      <div className="error-panel" data-status={status}>
        <p className="error-panel__status">{t("errors.status", { status })}</p>
        <h1>{title}</h1>
        <p className="error-panel__reason">{reason}</p>
        <p>
          <Link to="/" className="button">
            {t("errors.back")}
          </Link>
        </p>
      </div>
    </main>
  );
}
