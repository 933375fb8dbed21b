import { Form, Link, NavLink } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/shared/locales";
import { NotificationBell } from "./comments/NotificationBell";
import { LanguageSwitch } from "./LanguageSwitch";
import type { RootData } from "./root-data";

/** The bar on every page: product, main navigation, who is signed in, language and sign-out. */
export function AppHeader({ user, locale }: { user: RootData["user"]; locale: Locale }) {
  const { t } = useTranslation();
  return (
    <header className="app-header">
      <div className="app-header__bar">
        <Link to="/" className="brand">
          <span className="brand__mark" aria-hidden="true" />
          <span className="brand__text">
            <span className="brand__name">{t("appName")}</span>
            <span className="brand__tagline">{t("tagline")}</span>
          </span>
        </Link>
        <div className="app-header__tools">
          <LanguageSwitch locale={locale} />
          {user ? (
            <>
              <Form method="get" action="/search" role="search" aria-label={t("search.headerLabel")} className="header-search">
                <label htmlFor="header-search-q" className="visually-hidden">
                  {t("search.headerLabel")}
                </label>
                <input id="header-search-q" name="q" type="search" maxLength={200} placeholder={t("search.placeholder")} autoComplete="off" />
                <button type="submit" className="button button--quiet">
                  {t("search.submit")}
                </button>
              </Form>
              {user.gated ? null : <NotificationBell />}
              <p className="app-header__user">
                <span className="visually-hidden">{t("user.signedInAs")} </span>
                <span className="app-header__name">{user.name}</span>
                <span className="app-header__org">{user.organisationName ?? t("user.noOrganisation")}</span>
              </p>
              <Form method="post" action="/sign-out">
                <button type="submit" className="button button--quiet">
                  {t("signOut.submit")}
                </button>
              </Form>
            </>
          ) : null}
        </div>
      </div>
      {user && !user.gated ? (
        <nav className="app-nav" aria-label={t("nav.label")}>
          <ul>
            <li>
              <NavLink to="/" end>
                {t("nav.dashboard")}
              </NavLink>
            </li>
            <li>
              <NavLink to="/search">{t("nav.search")}</NavLink>
            </li>
            <li>
              <NavLink to="/settings/tokens">{t("nav.tokens")}</NavLink>
            </li>
            <li>
              <NavLink to="/settings/mail">{t("nav.mail")}</NavLink>
            </li>
            <li>
              <NavLink to="/settings/security">{t("nav.security")}</NavLink>
            </li>
            {user.canAdmin ? (
              <li>
                <NavLink to="/admin">{t("nav.admin")}</NavLink>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
    </header>
  );
}
