/**
 * Days in the Netherlands, for the server and the browser alike: due dates, deadlines and file-name
 * stamps are calendar days in the Dutch government's time zone, never in UTC or the machine's zone.
 * A day is written yyyy-mm-dd.
 */

export const TIME_ZONE = "Europe/Amsterdam";

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Today's calendar date in the Netherlands, as yyyy-mm-dd (en-CA writes exactly that: a format, not a reader's language). */
export function todayInNetherlands(now: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/** A yyyy-mm-dd day as midnight UTC of that date, or null when it is not a day. */
export function parseDay(isoDay: string): Date | null {
  const m = DAY.exec(isoDay);
  if (!m) return null;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The day `days` after `isoDay` (negative: before), or null when `isoDay` is not a day. */
export function addDays(isoDay: string, days: number): string | null {
  const date = parseDay(isoDay);
  return date ? new Date(date.getTime() + days * MS_PER_DAY).toISOString().slice(0, 10) : null;
}

/** Whole days from `from` until `to`; negative when `to` comes first; null when either is not a day. */
export function daysBetween(from: string, to: string): number | null {
  const a = parseDay(from);
  const b = parseDay(to);
  return a && b ? Math.round((b.getTime() - a.getTime()) / MS_PER_DAY) : null;
}
