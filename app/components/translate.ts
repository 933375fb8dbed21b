import type { i18n as I18n } from "i18next";
import { createI18n, hasMessages } from "~/i18n";
import { DEFAULT_LOCALE, isLocale, type Locale } from "~/shared/locales";

const instances = new Map<Locale, I18n>();

/** A translation outside React (meta titles): one immutable i18next instance per locale. */
export function translate(locale: unknown, key: string, options?: Record<string, unknown>): string {
  const lang = isLocale(locale) ? locale : DEFAULT_LOCALE;
  let instance = instances.get(lang);
  if (!instance) {
    instance = createI18n(lang);
    // Kept only once the language's words are here: a browser may still be fetching them.
    if (hasMessages(lang)) instances.set(lang, instance);
  }
  return instance.t(key, options);
}

/** `<title>` for a page: "Page · Overleg". */
export function pageTitle(page: string | undefined): string {
  return page ? `${page} · Overleg` : "Overleg";
}

/** The locale the root loader chose, read from a meta function's `matches`. */
export function localeFromMatches(matches: readonly { id: string; data?: unknown }[]): Locale {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: unknown } | undefined;
  return isLocale(root?.locale) ? root.locale : DEFAULT_LOCALE;
}
