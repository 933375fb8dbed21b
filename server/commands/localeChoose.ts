/**
 * A signed-in person chooses the language of the interface for themselves (kept across devices; read
 * back by server/views/preferences.ts). Anyone signed in may choose their own: there is nothing for the
 * policy to decide, and a personal setting is not an audited action.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { LOCALES, type Locale } from "../../app/shared/locales";
import { parseInput } from "../errors";
import type { Actor } from "../policy";
import { runCommand, type CommandDeps } from "./run";

const localeSchema = z.enum(LOCALES, { message: `Choose one of the languages ${LOCALES.join(", ")}.` });

/** Stores `locale` as the language `actor` (from the session) chose; anything else is bad_request, nothing stored. */
export async function chooseLocale(deps: CommandDeps, actor: Actor, chosen: Locale): Promise<void> {
  const locale = parseInput(localeSchema, chosen, { field: "locale" });
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
