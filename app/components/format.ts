/**
 * Dates for people: formatted in the reader's locale (Intl.DateTimeFormat) and in the Dutch
 * government's time zone, so that the server's render and the browser's hydration agree.
 */
import { intlLocale, type Locale } from "../shared/locales";
import { daysBetween, parseDay, TIME_ZONE, todayInNetherlands } from "../shared/dates";

export { TIME_ZONE };

/**
 * The BCP 47 tag for formatting dates: the reader's own regional variant of the chosen language when
 * their browser asks for one (en-US, nl-BE, de-AT, fr-FR), else the language's default (INTL_LOCALES).
 */
export function dateLocaleFor(acceptLanguage: string | null, locale: Locale): string {
  for (const part of (acceptLanguage ?? "").split(",")) {
    const tag = part.split(";")[0].trim();
    if (!tag || tag.slice(0, 2).toLowerCase() !== locale) continue;
    try {
      return Intl.DateTimeFormat.supportedLocalesOf([tag])[0] ?? defaultDateLocale(locale);
    } catch {
      continue;
    }
  }
  return defaultDateLocale(locale);
}

function defaultDateLocale(locale: Locale): string {
  return intlLocale(locale);
}

/** A calendar date (yyyy-mm-dd), e.g. "30 september 2027". */
export function formatDay(isoDay: string, dateLocale: string): string {
  const date = parseDay(isoDay);
  if (!date) return isoDay;
  return new Intl.DateTimeFormat(dateLocale, { dateStyle: "long", timeZone: "UTC" }).format(date);
}

/** A moment, e.g. "12 mrt 2026, 14:05". */
export function formatMoment(iso: string | Date, dateLocale: string): string {
  const date = typeof iso === "string" ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(dateLocale, { dateStyle: "medium", timeStyle: "short", timeZone: TIME_ZONE }).format(date);
}

/** Whole days from today (in the Netherlands) until `isoDay`; negative when it has passed. */
export function daysUntil(isoDay: string, now: Date = new Date()): number | null {
  return daysBetween(todayInNetherlands(now), isoDay);
}

/** A path on this site to go to after an action; anything else (other hosts, `//x`) becomes "/". */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  if ([...to].some((c) => c.charCodeAt(0) < 0x20)) return fallback;
  return to;
}
