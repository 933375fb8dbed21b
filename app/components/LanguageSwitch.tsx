import { Form, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LOCALE_NAMES, LOCALES, type Locale } from "~/shared/locales";

/**
 * Nederlands | English | Deutsch | Français: each language named in itself, so a reader finds their
 * own whatever the page speaks now. A plain form posting to /settings/language, so it works without JavaScript;
 * the action sets the overleg_lang cookie and sends the reader back to this page.
 */
export function LanguageSwitch({ locale }: { locale: Locale }) {
  const { t } = useTranslation();
  const location = useLocation();
  return (
    <Form method="post" action="/settings/language" className="language-switch" aria-label={t("language.label")}>
      <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      <span className="visually-hidden">{t("language.label")}</span>
      {LOCALES.map((lang) => (
        <button
          key={lang}
          type="submit"
          name="lang"
          value={lang}
          lang={lang}
          aria-pressed={lang === locale}
          className="language-switch__option"
        >
          {LOCALE_NAMES[lang]}
        </button>
      ))}
    </Form>
  );
}
