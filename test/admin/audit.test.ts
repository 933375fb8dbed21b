/**
 * The audit chain: appends link up, concurrent appends never fork the chain, and tampering with a
 * stored row (a changed field, a deleted row, reordered rows) is reported at exactly that row.
 * Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { appendAudit, GENESIS_HASH, listAudit, verifyAuditChain } from "../../server/services/audit";
import { appendAuditEvents, freshDatabasePerTest } from "../support/audit";

describe(`the audit chain (${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "SQLite"})`, () => {
  const fresh = freshDatabasePerTest();
  const appendMany = (n: number) => appendAuditEvents(fresh.database, n, { from: "viewer", to: "editor", nested: { z: 1, a: [1, "two", null] } });

  const { auditEvents } = { auditEvents: () => fresh.database.t.auditEvents };

  it("links each event to the one before it and verifies an intact chain", async () => {
    expect(await verifyAuditChain(fresh.database)).toEqual({ ok: true, count: 0, lastHash: GENESIS_HASH });
    await appendMany(5);
    const events = (await listAudit(fresh.database)).reverse();
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events[0].prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < events.length; i++) expect(events[i].prevHash).toBe(events[i - 1].hash);
    expect(events[2].data).toEqual({ from: "viewer", to: "editor", nested: { z: 1, a: [1, "two", null] } });
    const verdict = await verifyAuditChain(fresh.database, { batchSize: 2 });
    expect(verdict).toEqual({ ok: true, count: 5, lastHash: events[4].hash });
  });

  it("keeps one chain when many transactions append at once", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fresh.database.transaction(async (tx) => {
          await appendAudit(tx, { actorId: null, action: "test.parallel", subjectType: "test", subjectId: String(i) });
        }),
      ),
    );
    expect(await verifyAuditChain(fresh.database)).toMatchObject({ ok: true, count: 20 });
  });

  it("records nothing when the transaction it belongs to rolls back, and leaves no gap", async () => {
    await appendMany(2);
    await expect(
      fresh.database.transaction(async (tx) => {
        await appendAudit(tx, { actorId: null, action: "test.rolled_back", subjectType: "test", subjectId: "x" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    await appendMany(1);
    expect((await listAudit(fresh.database)).map((e) => e.action)).not.toContain("test.rolled_back");
    expect(await verifyAuditChain(fresh.database)).toMatchObject({ ok: true, count: 3 });
  });

  it("detects a changed field at exactly that row", async () => {
    await appendMany(6);
    await fresh.database.db.update(auditEvents()).set({ subjectId: "someone-else" }).where(eq(auditEvents().seq, 4));
    expect(await verifyAuditChain(fresh.database)).toMatchObject({ ok: false, brokenSeq: 4, reason: "hash_mismatch", count: 3 });
  });

  it("detects a changed data payload and a changed timestamp", async () => {
    await appendMany(4);
    await fresh.database.db.update(auditEvents()).set({ data: { from: "viewer", to: "owner" } }).where(eq(auditEvents().seq, 2));
    expect(await verifyAuditChain(fresh.database)).toMatchObject({ ok: false, brokenSeq: 2 });
    await fresh.database.db.update(auditEvents()).set({ data: { from: "viewer", to: "editor", nested: { z: 1, a: [1, "two", null] } } }).where(eq(auditEvents().seq, 2));
    expect(await verifyAuditChain(fresh.database)).toMatchObject({ ok: true });
    await fresh.database.db.update(auditEvents()).set({ at: new Date(Date.now() - 86_400_000) }).where(eq(auditEvents().seq, 3));
    expect(await verifyAuditChain(fresh.database)).toMatchObject({ ok: false, brokenSeq: 3, reason: "hash_mismatch" });
  });

  it("detects a re-hashed row by the link of the row after it", async () => {
    await appendMany(5);
    // A forger who changes row 2 and recomputes its own hash still breaks row 3's link to it.
    const [row] = await fresh.database.db.select().from(auditEvents()).where(eq(auditEvents().seq, 2));
    const { auditHash } = await import("../../server/services/audit");
    const forged = { ...row, seq: Number(row.seq), actorId: "forger" };
    await fresh.database.db
      .update(auditEvents())
      .set({ actorId: "forger", hash: auditHash(row.prevHash, forged) })
      .where(eq(auditEvents().seq, 2));
    expect(await verifyAuditChain(fresh.database)).toMatchObject({ ok: false, brokenSeq: 3, reason: "prev_mismatch" });
  });

  it("detects a deleted row at exactly its place", async () => {
    await appendMany(6);
    await fresh.database.db.delete(auditEvents()).where(eq(auditEvents().seq, 3));
    expect(await verifyAuditChain(fresh.database)).toMatchObject({ ok: false, brokenSeq: 3, reason: "missing", count: 2 });
  });

  it("detects the deletion of the first row at seq 1", async () => {
    await appendMany(3);
    await fresh.database.db.delete(auditEvents()).where(eq(auditEvents().seq, 1));
    expect(await verifyAuditChain(fresh.database)).toMatchObject({ ok: false, brokenSeq: 1, reason: "missing" });
  });

  it("detects reordered rows at the first moved row", async () => {
    await appendMany(6);
    // Swap rows 4 and 5 by exchanging their positions in the chain.
    await fresh.database.db.update(auditEvents()).set({ seq: 1000 }).where(eq(auditEvents().seq, 4));
    await fresh.database.db.update(auditEvents()).set({ seq: 4 }).where(eq(auditEvents().seq, 5));
    await fresh.database.db.update(auditEvents()).set({ seq: 5 }).where(eq(auditEvents().seq, 1000));
    expect(await verifyAuditChain(fresh.database)).toMatchObject({ ok: false, brokenSeq: 4, count: 3 });
  });

  it("detects rows whose contents were swapped while their numbers stayed", async () => {
    await appendMany(6);
    const rows = await fresh.database.db.select().from(auditEvents());
    const two = rows.find((r) => Number(r.seq) === 2)!;
    const five = rows.find((r) => Number(r.seq) === 5)!;
    const { seq: _a, ...twoFields } = two;
    const { seq: _b, ...fiveFields } = five;
    await fresh.database.db.delete(auditEvents()).where(eq(auditEvents().seq, 2));
    await fresh.database.db.delete(auditEvents()).where(eq(auditEvents().seq, 5));
    await fresh.database.db.insert(auditEvents()).values({ ...fiveFields, seq: 2 });
    await fresh.database.db.insert(auditEvents()).values({ ...twoFields, seq: 5 });
    expect(await verifyAuditChain(fresh.database)).toMatchObject({ ok: false, brokenSeq: 2, count: 1 });
  });
});
