/**
 * The data layer is written once against the SQLite schema and runs unchanged on PostgreSQL
 * (docs/decisions/003-one-data-layer.md). That only holds while both schemas declare the same tables,
 * under the same export names, with the same columns: names, nullability, primary keys, uniqueness,
 * and foreign keys. This test holds them together.
 */
import { getTableName, is } from "drizzle-orm";
import { getTableConfig as getPgTableConfig, PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as getSqliteTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as pgSchema from "../db/schema.pg";
import * as sqliteSchema from "../db/schema.sqlite";

interface TableShape {
  name: string;
  columns: Record<string, { column: string; notNull: boolean; primary: boolean; unique: boolean; hasDefault: boolean }>;
  primaryKey: string[];
  foreignKeys: string[];
  indexes: string[];
}

type Config = ReturnType<typeof getSqliteTableConfig> | ReturnType<typeof getPgTableConfig>;

function shape(table: object, config: Config): TableShape {
  const columns: TableShape["columns"] = {};
  // Columns by their property name in the table object (what queries use) and by their SQL name.
  for (const [key, column] of Object.entries(table as Record<string, unknown>)) {
    const found = config.columns.find((c) => c === column);
    if (!found) continue;
    columns[key] = {
      column: found.name,
      notNull: found.notNull,
      primary: found.primary,
      unique: found.isUnique,
      hasDefault: found.hasDefault,
    };
  }
  const primaryKey = [
    ...config.columns.filter((c) => c.primary).map((c) => c.name),
    ...config.primaryKeys.flatMap((pk) => pk.columns.map((c) => c.name)),
  ].sort();
  const foreignKeys = config.foreignKeys
    .map((fk) => {
      const ref = fk.reference();
      return `${ref.columns.map((c) => c.name).join(",")} -> ${getTableName(ref.foreignTable)}(${ref.foreignColumns
        .map((c) => c.name)
        .join(",")}) on delete ${fk.onDelete ?? "no action"}`;
    })
    .sort();
  const indexes = (config.indexes as { config: { name: string; unique: boolean; columns: unknown[] } }[])
    .map((i) => `${i.config.unique ? "unique " : ""}${i.config.name}`)
    .sort();
  return { name: config.name, columns, primaryKey, foreignKeys, indexes };
}

const sqliteTables = Object.fromEntries(
  Object.entries(sqliteSchema)
    .filter(([, v]) => is(v, SQLiteTable))
    .map(([k, v]) => [k, shape(v as SQLiteTable, getSqliteTableConfig(v as SQLiteTable))]),
);
const pgTables = Object.fromEntries(
  Object.entries(pgSchema)
    .filter(([, v]) => is(v, PgTable))
    .map(([k, v]) => [k, shape(v as PgTable, getPgTableConfig(v as PgTable))]),
);

describe("the SQLite and PostgreSQL schemas", () => {
  it("declare the same tables under the same export names", () => {
    expect(Object.keys(sqliteTables).length).toBeGreaterThan(15);
    expect(Object.keys(pgTables).sort()).toEqual(Object.keys(sqliteTables).sort());
    for (const key of Object.keys(sqliteTables)) expect(pgTables[key]?.name, key).toBe(sqliteTables[key].name);
  });

  it("cover the whole domain", () => {
    const names = Object.values(sqliteTables).map((t) => t.name);
    for (const table of [
      "user",
      "session",
      "account",
      "verification",
      "organisations",
      "workspaces",
      "memberships",
      "workspace_approvers",
      "invitations",
      "sections",
      "comment_threads",
      "comments",
      "review_rounds",
      "review_decisions",
      "signoffs",
      "versions",
      "audit_events",
      "yjs_updates",
      "yjs_snapshots",
    ]) {
      expect(names).toContain(table);
    }
  });

  describe.each(Object.keys(sqliteTables).sort())("table %s", (key) => {
    it("has the same columns (names, nullability, primary key, uniqueness, defaults)", () => {
      expect(Object.keys(sqliteTables[key].columns).length).toBeGreaterThan(1);
      expect(pgTables[key]?.columns).toEqual(sqliteTables[key].columns);
    });
    it("has the same primary key", () => {
      expect(sqliteTables[key].primaryKey.length).toBeGreaterThan(0);
      expect(pgTables[key]?.primaryKey).toEqual(sqliteTables[key].primaryKey);
    });
    it("has the same foreign keys", () => {
      expect(pgTables[key]?.foreignKeys).toEqual(sqliteTables[key].foreignKeys);
    });
    it("has the same indexes", () => {
      expect(pgTables[key]?.indexes).toEqual(sqliteTables[key].indexes);
    });
  });
});
