/**
 * Raw SQL for the search tables, which drizzle's schema does not declare (an FTS5 table, a generated
 * tsvector column; db/migrations/*\/0004_search_index.sql). Rows come back as plain objects keyed by
 * the column names the query gives, on either database.
 */
import type { SQL } from "drizzle-orm";
import type { Database, Db } from "../../db/index";

/** Runs a query that returns rows, on `tx` (a transaction) or the database itself. */
export async function rows<T>(database: Database, query: SQL, tx: Db = database.db): Promise<T[]> {
  if (database.dialect === "pg") {
    const result = await (tx as unknown as { execute(q: SQL): Promise<{ rows: T[] }> }).execute(query);
    return result.rows;
  }
  return (tx as unknown as { all(q: SQL): T[] }).all(query);
}

/** Runs a statement that returns nothing. */
export async function run(database: Database, query: SQL, tx: Db = database.db): Promise<void> {
  if (database.dialect === "pg") await (tx as unknown as { execute(q: SQL): Promise<unknown> }).execute(query);
  else (tx as unknown as { run(q: SQL): unknown }).run(query);
}

/** A moment as the search tables store it: ms since the epoch (SQLite), timestamptz (PostgreSQL). */
export function moment(database: Database, at: Date): number | string {
  return database.dialect === "pg" ? at.toISOString() : at.getTime();
}
