/**
 * Nothing another client has seen is lost across kill -9: the server runs as a child process; client A
 * types, client B receives; the server is killed with SIGKILL while A keeps typing; after a restart
 * on the same database every word B ever saw is there. Several rounds, with compaction (and unloading)
 * folding the log into snapshots in between.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/index";
import { seedDemo } from "../../server/seed/seed";
import { createAuth } from "../../server/auth";
import { parseEnv } from "../../server/env";
import { createLogger } from "../../server/log";
import { loadStoredDoc } from "../../server/services/section-text";
import { freshDatabaseUrl } from "../support/server";
import { startChildServer, type ChildServer } from "./child";
import { appendParagraph, connectProvider, hasAll, signInAt, synced, textOf, until, type ProviderClient } from "./helpers";

const ROUNDS = 5;
const words = (text: string) => new Set(text.match(/r\d+w\d+/g) ?? []);

describe("durability across kill -9", () => {
  let databaseUrl: string;
  let drop: () => Promise<void>;
  let sectionId: string;
  let child: ChildServer | undefined;
  const clients: ProviderClient[] = [];

  beforeAll(async () => {
    ({ url: databaseUrl, drop } = await freshDatabaseUrl());
    const env = parseEnv({ NODE_ENV: "test", DATABASE_URL: databaseUrl, LOG_LEVEL: "error" });
    const database = await openDatabase(databaseUrl);
    await seedDemo(database, createAuth(database, env), createLogger("error"));
    const { db, t } = database;
    const [section] = await db.select({ id: t.sections.id }).from(t.sections).orderBy(t.sections.position).limit(1);
    sectionId = section.id;
    await database.close();
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await child?.kill();
    await drop?.();
  });

  it(`keeps every update a client has seen, over ${ROUNDS} SIGKILL rounds with compaction in between`, async () => {
    // Small thresholds so that compaction and unloading happen during the rounds.
    const options = { compactAfterUpdates: 7, unloadAfterMs: 100 };
    const seen = new Set<string>();
    let cookies: { lead: string; drafter: string } | undefined;

    for (let round = 1; round <= ROUNDS; round++) {
      child = await startChildServer(databaseUrl, options);
      cookies ??= {
        lead: (await signInAt(child.url, "lead@ez.example")).cookie,
        drafter: (await signInAt(child.url, "drafter@kgg.example")).cookie,
      };
      const a = connectProvider(child.url, sectionId, { cookie: cookies.lead });
      const b = connectProvider(child.url, sectionId, { cookie: cookies.drafter });
      clients.push(a, b);
      await Promise.all([synced(a, 10_000), synced(b, 10_000)]);

      // Everything seen before the last kill is there after the restart.
      const have = words(textOf(b.doc));
      for (const w of seen) expect(have.has(w), `${w} survived the restart before round ${round}`).toBe(true);

      // A types; B receives.
      const burst = Array.from({ length: 20 }, (_, i) => `r${round}w${i}`);
      for (const w of burst) appendParagraph(a.doc, w);
      await hasAll(b.doc, burst, `B to receive round ${round}'s words`, 10_000);

      // A keeps typing while the server is killed.
      const closedB = until(
        (fn) => {
          b.provider.on("status", fn);
          return () => b.provider.off("status", fn);
        },
        () => !b.provider.wsconnected,
        "B to notice the server is gone",
        10_000,
      );
      for (let i = 20; i < 40; i++) appendParagraph(a.doc, `r${round}w${i}`);
      await child.kill();
      await closedB;
      for (const w of words(textOf(b.doc))) seen.add(w);
      for (const c of [a, b]) c.provider.disconnect();
      expect(seen.size).toBeGreaterThanOrEqual(round * 20);
    }

    // Rounds 2 to 5 found the previous round's words through a restarted server; the last round's
    // are checked in the database the killed server left behind.
    child = undefined;
    const database = await openDatabase(databaseUrl);
    try {
      const stored = words(textOf(await loadStoredDoc(database, sectionId)));
      expect([...seen].filter((w) => !stored.has(w))).toEqual([]);
      // Compaction ran: a snapshot beyond the seed's, and the log folded into it.
      const { db, t } = database;
      const [snapshot] = await db.select().from(t.yjsSnapshots).where(eq(t.yjsSnapshots.sectionId, sectionId));
      expect(Number(snapshot.upToSeq)).toBeGreaterThan(0);
      const rows = await db.select({ seq: t.yjsUpdates.seq }).from(t.yjsUpdates).where(eq(t.yjsUpdates.sectionId, sectionId));
      expect(rows.every((r) => Number(r.seq) > Number(snapshot.upToSeq))).toBe(true);
    } finally {
      await database.close();
    }
  }, 180_000);
});
