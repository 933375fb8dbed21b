/**
 * What a person chose for themselves and keeps across devices: for now, the language of the interface
 * (the browser keeps it in the overleg_lang cookie; this is where it comes from on a new device). The
 * choice is made by server/commands/localeChoose.ts.
 */
import { eq } from "drizzle-orm";
import type { Database } from "../../db/index";
import { isLocale, type Locale } from "../../app/shared/locales";

/**
 * The language `userId` last chose while signed in, or null when they never chose one. Unchecked: the
 * sign-in asks it for the person it has just signed in, before a session cookie reaches a request.
 */
export async function chosenLocaleUnchecked(database: Database, userId: string): Promise<Locale | null> {
  const { db, t } = database;
  const [row] = await db.select({ locale: t.user.locale }).from(t.user).where(eq(t.user.id, userId)).limit(1);
  return isLocale(row?.locale) ? row.locale : null;
}
