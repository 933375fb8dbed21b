/**
 * A signed-in person chooses the language of the interface for themselves (kept across devices; read
 * back by server/views/preferences.ts). Anyone signed in may choose their own: there is nothing for the
 * policy to decide, and a personal setting is not an audited action.
 */
import { eq } from "drizzle-orm";
import type { Locale } from "../../app/shared/locales";
import type { Actor } from "../policy";
import { runCommand, type CommandDeps } from "./run";

/** Stores `locale` as the language `actor` (from the session) chose. */
export async function chooseLocale(deps: CommandDeps, actor: Actor, locale: Locale): Promise<void> {
  const { t } = deps.database;
  await runCommand(deps, {
    load: async () => undefined,
    authorize: () => {},
    change: async (tx) => {
      await tx.update(t.user).set({ locale }).where(eq(t.user.id, actor.id));
      return { result: undefined };
    },
  });
}
