import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { NavLink, Outlet, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AdminErrorPage } from "~/components/admin/AdminErrorPage";
import { requireAdmin } from "~/utils/admin.server";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import adminStyles from "~/components/admin/admin.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: adminStyles }];

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "admin:title")) }];

/** The admin pages' frame; 403 for everyone the policy does not let administer. Each page checks again. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAdmin(request, context, "admin.people");
  return null;
}

export default function AdminLayout() {
  const { t } = useTranslation("admin");
  const links = [
    { to: "/admin", label: t("nav.overview"), end: true },
    { to: "/admin/organisations", label: t("nav.organisations") },
    { to: "/admin/people", label: t("nav.people") },
    { to: "/admin/agendas", label: t("agendas:admin.nav") },
    { to: "/admin/security", label: t("nav.security") },
    { to: "/admin/sso", label: t("nav.sso") },
    { to: "/admin/audit", label: t("nav.audit") },
    { to: "/admin/outbox", label: t("nav.outbox") },
  ];
  return (
    <div className="admin">
      <nav className="admin-nav" aria-label={t("nav.label")}>
        <ul>
          {links.map((l) => (
            <li key={l.to}>
              <NavLink to={l.to} end={l.end}>
                {l.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}

export function ErrorBoundary() {
  return <AdminErrorPage error={useRouteError()} page="admin" />;
}
