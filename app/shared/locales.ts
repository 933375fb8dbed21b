/**
 * The languages Overleg speaks, and the cookie that carries a visitor's choice before they sign in.
 * The server stores a person's choice (server/views/preferences.ts, chosen in server/commands/localeChoose.ts); the web app renders in it
 * (app/i18n). Dependency-free.
 */

export const LOCALES = ["nl", "en", "de", "fr"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "nl";
export const LOCALE_COOKIE = "overleg_lang";

/** Each language named in itself, as the language switch offers it (a reader finds their own). */
export const LOCALE_NAMES: Record<Locale, string> = { nl: "Nederlands", en: "English", de: "Deutsch", fr: "Français" };

/**
 * The BCP 47 tag for dates and numbers when the reader's browser names no regional variant of their
 * language. Dutch as in the Netherlands, English as in Britain (day before month, 24-hour clock),
 * German as in Germany. French as in Belgium: the French-speaking partner country Overleg's agendas
 * work with across the border is Belgium, and fr-BE writes dates and numbers as its readers expect
 * (fr-FR differs only in small details, and a reader whose browser asks for fr-FR gets fr-FR).
 */
export const INTL_LOCALES: Record<Locale, string> = { nl: "nl-NL", en: "en-GB", de: "de-DE", fr: "fr-BE" };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** The Intl tag for `locale`; anything that is not one of Overleg's languages gets the default's. */
export function intlLocale(locale: unknown): string {
  return INTL_LOCALES[isLocale(locale) ? locale : DEFAULT_LOCALE];
}
