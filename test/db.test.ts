import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, preparedQuery, type Database } from "../db/index";

describe("the SQLite data layer's statement cache", () => {
  let dir: string;
  let database: Database;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "overleg-db-"));
    database = await openDatabase(`file:${join(dir, "cache.db")}`);
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("hands a statement out again with rows as objects, whatever the last user switched it to", () => {
    const client = database.sqlite!;
    const first = client.prepare("select 7 as seven");
    expect(first.raw().all()).toEqual([[7]]);
    const again = client.prepare("select 7 as seven");
    expect(again).toBe(first); // compiled once
    expect(again.all()).toEqual([{ seven: 7 }]);
  });

  it("answers the query builder's repeated queries correctly, in both result shapes", async () => {
    const { db, t } = database;
    await db.insert(t.organisations).values([
      { id: "org-a", name: "Ministerie A", shortCode: "A", kind: "ministry" },
      { id: "org-b", name: "Ministerie B", shortCode: "B", kind: "ministry" },
    ]);
    for (const id of ["org-a", "org-b", "org-a"]) {
      const [row] = await db.select({ name: t.organisations.name }).from(t.organisations).where(eq(t.organisations.id, id));
      expect(row.name).toBe(id === "org-a" ? "Ministerie A" : "Ministerie B");
      const all = await db.query.organisations.findMany({ orderBy: [asc(t.organisations.id)] });
      expect(all.map((o) => o.shortCode)).toEqual(["A", "B"]);
    }
  });

  it("runs a query built once with each call's values, also when the builder runs the same SQL in between", async () => {
    const { db, t } = database;
    const nameOf = preparedQuery("test_organisation_name", ({ db, t }) =>
      db.select({ name: t.organisations.name }).from(t.organisations).where(eq(t.organisations.id, sql.placeholder("id"))),
    );
    for (const id of ["org-a", "org-b", "org-a", "org-missing"]) {
      const built = await db.select({ name: t.organisations.name }).from(t.organisations).where(eq(t.organisations.id, id));
      const prepared = await nameOf(database, { id });
      expect(prepared).toEqual(built);
      expect(prepared).toEqual(id === "org-missing" ? [] : [{ name: id === "org-a" ? "Ministerie A" : "Ministerie B" }]);
    }
  });

  it("keeps at most 500 statements: an old one is compiled again when it comes back", () => {
    const client = database.sqlite!;
    const oldest = client.prepare("select 1 as one");
    for (let i = 0; i < 500; i++) client.prepare(`select ${i + 2} as n`);
    const back = client.prepare("select 1 as one");
    expect(back).not.toBe(oldest);
    expect(back.get()).toEqual({ one: 1 });
  });
});
