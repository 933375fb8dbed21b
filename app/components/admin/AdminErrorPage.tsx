import { isRouteErrorResponse, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorPage, type ErrorSubject } from "~/components/ErrorPage";

/**
 * The error page of the members and admin pages: a 403 says who may use the page (`admin:forbidden.<page>`);
 * everything else is the app's own error page.
 */
export function AdminErrorPage({ error, page, subject }: { error: unknown; page: "members" | "admin"; subject?: ErrorSubject }) {
  const { t } = useTranslation("admin");
  const { t: common } = useTranslation();
  if (!isRouteErrorResponse(error) || error.status !== 403) return <ErrorPage error={error} subject={subject} />;
  return (
    <main id="main" className="page page--error" tabIndex={-1}>
      <div className="error-panel" data-status={403}>
        <p className="error-panel__status">{common("errors.status", { status: 403 })}</p>
        <h1>{common("errors.forbidden.title")}</h1>
        <p className="error-panel__reason">{t(`forbidden.${page}`)}</p>
        <p>
          <Link to="/" className="button">
            {common("errors.back")}
          </Link>
        </p>
      </div>
    </main>
  );
}
