/**
 * What a person chose for themselves and keeps across devices: for now, the language of the interface
 * (the browser keeps it in the overleg_lang cookie; this is where it comes from on a new device).
 */
import { eq } from "drizzle-orm";
import type { Database } from "../../db/index";
import { isLocale, type Locale } from "../../app/shared/locales";

/** The language `userId` last chose while signed in, or null when they never chose one. */
export async function chosenLocale(database: Database, userId: string): Promise<Locale | null> {
  const { db, t } = database;
  const [row] = await db.select({ locale: t.user.locale }).from(t.user).where(eq(t.user.id, userId)).limit(1);
  return isLocale(row?.locale) ? row.locale : null;
}

export async function chooseLocale(database: Database, userId: string, locale: Locale): Promise<void> {
  const { db, t } = database;
  await db.update(t.user).set({ locale }).where(eq(t.user.id, userId));
}
