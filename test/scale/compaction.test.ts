/**
 * Two nodes compacting the same section while clients on both write: compaction takes the section's
 * exclusive advisory lock (appends take it shared), so only one node folds at a time and no update
 * another node appended meanwhile is dropped. A property test over many rounds, each with a random
 * amount of typing on both nodes and compactions by both nodes (and a third compactor working on the
 * store directly) at random moments; after every round every client has every word, and so has the
 * database.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UpdateStore } from "../../server/collab/store";
import { createLogger } from "../../server/log";
import { loadStoredDoc } from "../../server/services/section-text";
import { appendParagraph, connectProvider, synced, textOf, type ProviderClient } from "../collab/helpers";
import { startTestServer, type TestServer } from "../support/server";
import { converge, SHARED_REDIS_URL, skipReason } from "./support";
import { WS } from "../support/fixtures";

const reason = await skipReason();
const ROUNDS = 12;

/** A small seeded generator (mulberry32), so a failing run can be repeated. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe.skipIf(reason !== null)(`two nodes compacting one section${reason ? ` (${reason})` : ""}`, () => {
  let a: TestServer;
  let b: TestServer;
  const clients: ProviderClient[] = [];

  beforeAll(async () => {
    const collab = { compactAfterUpdates: 5 };
    a = await startTestServer({ env: { REDIS_URL: SHARED_REDIS_URL }, collab });
    b = await startTestServer({ env: { REDIS_URL: SHARED_REDIS_URL }, databaseUrl: a.env.DATABASE_URL, collab });
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await b?.stop();
    await a?.stop();
  });

  it(`loses no update over ${ROUNDS} rounds of writes and concurrent compactions on both nodes`, async () => {
    const seed = Number(process.env.OVERLEG_TEST_SEED ?? Date.now() % 100_000);
    const rnd = random(seed);
    const [sectionId] = await a.sectionIds(WS.financing);
    const lead = (await a.signIn("lead@ez.example")).cookie;
    const drafter = (await a.signIn("drafter@kgg.example")).cookie;
    clients.push(
      connectProvider(a.url, sectionId, { cookie: lead }),
      connectProvider(b.url, sectionId, { cookie: drafter }),
      connectProvider(a.url, sectionId, { cookie: drafter }),
      connectProvider(b.url, sectionId, { cookie: lead }),
    );
    await Promise.all(clients.map((c) => synced(c, 15_000)));
    const store = new UpdateStore(a.database, createLogger("error"));
    const typed: string[] = [];

    for (let round = 0; round < ROUNDS; round++) {
      const work: Promise<unknown>[] = [];
      for (let step = 0; step < 6; step++) {
        clients.forEach((c, i) => {
          const n = Math.floor(rnd() * 4);
          for (let w = 0; w < n; w++) {
            const word = `r${round}-s${step}-c${i}-w${w}`;
            appendParagraph(c.doc, word);
            typed.push(word);
          }
        });
        const pick = rnd();
        if (pick < 0.35) work.push(a.collab.compact(sectionId));
        else if (pick < 0.7) work.push(b.collab.compact(sectionId));
        else if (pick < 0.85) work.push(store.compact(sectionId));
        await ticks(Math.floor(rnd() * 20));
      }
      await Promise.all([...work, a.collab.compact(sectionId), b.collab.compact(sectionId)]);
      await converge(clients, typed, `round ${round} (seed ${seed})`);
      await Promise.all([a.collab.flush(), b.collab.flush()]);
      const stored = new Set(textOf(await loadStoredDoc(a.database, sectionId)).split("\n"));
      expect(typed.filter((w) => !stored.has(w)), `words missing from the database after round ${round} (seed ${seed})`).toEqual([]);
    }

    // The log was folded: a snapshot, and only rows after it.
    const { db, t } = a.database;
    const [snapshot] = await db.select().from(t.yjsSnapshots).where(eq(t.yjsSnapshots.sectionId, sectionId));
    expect(Number(snapshot.upToSeq)).toBeGreaterThan(0);
    const rows = await db.select({ seq: t.yjsUpdates.seq }).from(t.yjsUpdates).where(eq(t.yjsUpdates.sectionId, sectionId));
    expect(rows.every((r) => Number(r.seq) > Number(snapshot.upToSeq))).toBe(true);
  }, 180_000);
});
