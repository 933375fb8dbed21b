/**
 * A person's choice of language (server/commands/localeChoose.ts): any of Overleg's four languages is
 * kept with them; anything else is refused as bad input and leaves their choice as it was.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseLocale } from "../../server/commands/localeChoose";
import { loadActor } from "../../server/services/access";
import { chosenLocaleUnchecked } from "../../server/views/preferences";
import type { Locale } from "../../app/shared/locales";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

describe("chooseLocale", () => {
  it("keeps German and French as a person's language, and refuses a language Overleg does not speak", async () => {
    const userId = await server.userId("partner@be.example");
    const actor = (await loadActor(server.database, userId))!;
    for (const locale of ["de", "fr"] as const) {
      await chooseLocale(server.services, actor, locale);
      expect(await chosenLocaleUnchecked(server.database, userId)).toBe(locale);
    }
    await expect(chooseLocale(server.services, actor, "es" as Locale)).rejects.toMatchObject({ code: "bad_request", field: "locale" });
    const { db, t } = server.database;
    const [row] = await db.select({ locale: t.user.locale }).from(t.user).where(eq(t.user.id, userId));
    expect(row.locale).toBe("fr");
  });
});
