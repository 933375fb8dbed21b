/**
 * The languages Overleg speaks, and the cookie that carries a visitor's choice before they sign in.
 * The server stores a person's choice (server/views/preferences.ts, chosen in server/commands/localeChoose.ts); the web app renders in it
 * (app/i18n). Dependency-free.
 */

export const LOCALES = ["nl", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "nl";
export const LOCALE_COOKIE = "overleg_lang";

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}
