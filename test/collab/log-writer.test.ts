/**
 * The SQLite log writer (ADR 042): sections' update logs are written by a thread of their own, so the
 * server's thread goes on while a commit and its fsync run; appends that arrive together share one
 * transaction, each refused on its own merits. On PostgreSQL there is no such thread (skipped).
 */
import { eq, inArray } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SectionLockedError, UpdateStore } from "../../server/collab/store";
import { createLogger } from "../../server/log";
import { startTestServer, type TestServer } from "../support/server";
import { appendParagraph } from "./helpers";

const onSqlite = !process.env.TEST_DATABASE_URL;

describe.runIf(onSqlite)("the SQLite log writer", () => {
  let server: TestServer;
  let store: UpdateStore;
  let sections: string[];

  const paragraph = (text: string) => {
    const doc = new Y.Doc();
    appendParagraph(doc, text);
    const update = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    return update;
  };
  const storedTexts = async (sectionId: string) => {
    const { db, t } = server.database;
    const rows = await db.select({ data: t.yjsUpdates.data }).from(t.yjsUpdates).where(eq(t.yjsUpdates.sectionId, sectionId));
    return rows.length;
  };

  beforeAll(async () => {
    server = await startTestServer();
    store = new UpdateStore(server.database, createLogger("silent"));
    sections = (await server.sectionIds("Toegang tot financiering")).slice(0, 3);
    expect(sections).toHaveLength(3);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("lets the server's thread run other work while a commit is in flight", async () => {
    let ranMeanwhile = false;
    const appended = store.append(sections[0], [paragraph("while the disk writes")]);
    setImmediate(() => (ranMeanwhile = true));
    const seqs = await appended;
    expect(ranMeanwhile).toBe(true);
    expect(seqs).toHaveLength(1);
  });

  it("stores appends to several sections that arrive together, and refuses only the one to a final section", async () => {
    const { db, t } = server.database;
    const before = await Promise.all(sections.map(storedTexts));
    await db.update(t.sections).set({ status: "final" }).where(eq(t.sections.id, sections[1]));
    try {
      const results = await Promise.allSettled(sections.map((id, i) => store.append(id, [paragraph(`one ${i}`), paragraph(`two ${i}`)])));
      expect(results[0].status).toBe("fulfilled");
      expect(results[2].status).toBe("fulfilled");
      expect(results[1].status).toBe("rejected");
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(SectionLockedError);
      const seqs = [results[0], results[2]].flatMap((r) => (r as PromiseFulfilledResult<number[]>).value);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(4);
      // Read on the server thread's own connection: committed before the appends resolved.
      expect(await Promise.all(sections.map(storedTexts))).toEqual([before[0] + 2, before[1], before[2] + 2]);
      const rows = await db.select({ seq: t.yjsUpdates.seq }).from(t.yjsUpdates).where(inArray(t.yjsUpdates.seq, seqs));
      expect(rows).toHaveLength(4);
    } finally {
      await db.update(t.sections).set({ status: "draft" }).where(eq(t.sections.id, sections[1]));
    }
  });

  it("replaces a snapshot and the rows it folds, and never goes back to an older one", async () => {
    const { db, t } = server.database;
    const sectionId = sections[2];
    const [seq] = await store.append(sectionId, [paragraph("folded")]);
    const state = Y.encodeStateAsUpdate(new Y.Doc());
    expect(await store.replaceSnapshot(sectionId, state, seq)).toBe(true);
    expect(await storedTexts(sectionId)).toBe(0);
    const snapshot = (await db.select().from(t.yjsSnapshots).where(eq(t.yjsSnapshots.sectionId, sectionId)))[0];
    expect(Number(snapshot.upToSeq)).toBe(seq);
    expect(snapshot.updatedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await store.replaceSnapshot(sectionId, state, seq - 1)).toBe(false);
  });
});
