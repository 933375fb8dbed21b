/**
 * Opens Overleg's database: SQLite (better-sqlite3, WAL) by default, PostgreSQL when DATABASE_URL is
 * postgres://. The data layer is written once against the SQLite types (`Db`, `Schema`); on PostgreSQL
 * the same query builders run against the PostgreSQL tables, which declare the same columns (see
 * docs/decisions/003-one-data-layer.md). Queries are always awaited and never use the SQLite-only
 * `.run()/.get()/.all()`; transactions go through `database.transaction`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { sql } from "drizzle-orm";
import { drizzle as drizzleSqlite, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate as migrateSqlite } from "drizzle-orm/better-sqlite3/migrator";
import type pg from "pg";
import { projectRoot } from "./root";
import * as pgSchema from "./schema.pg";
import * as sqliteSchema from "./schema.sqlite";

export type Schema = typeof sqliteSchema;
export type Db = BetterSQLite3Database<Schema>;
export type Dialect = "sqlite" | "pg";

export interface Database {
  dialect: Dialect;
  /** The query builder; on PostgreSQL it is a node-postgres drizzle instance behind the same type. */
  db: Db;
  /** The tables of the active dialect. */
  t: Schema;
  /** Runs `fn` in one transaction; nested calls join the outer one. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The underlying client, for the few things drizzle has no builder for. */
  sqlite?: BetterSqlite3.Database;
  pool?: pg.Pool;
}

export const migrationsFolder = { sqlite: resolve(projectRoot, "db/migrations/sqlite"), pg: resolve(projectRoot, "db/migrations/pg") };

export function dialectOf(url: string): Dialect {
  return /^postgres(ql)?:\/\//.test(url) ? "pg" : "sqlite";
}

/** Opens the database and applies pending migrations. */
export async function openDatabase(url: string): Promise<Database> {
  return dialectOf(url) === "pg" ? openPg(url) : openSqlite(url);
}

function sqlitePath(url: string): string {
  if (url === ":memory:") return url;
  const path = url.replace(/^file:(\/\/)?/, "");
  mkdirSync(dirname(resolve(path)), { recursive: true });
  return path;
}

/**
 * The query builder prepares a new statement for every query it runs; preparing costs more than
 * running most of ours (a session lookup, a section's status), and each prepared statement holds
 * native memory until it is garbage collected. Statements are kept by their SQL instead (the most
 * recently used 500), so a query the server runs again is compiled once. A cached statement is handed
 * out with its result mode reset (the builder switches some to raw rows), and only one query runs at a
 * time on the connection (better-sqlite3 is synchronous and nothing here iterates lazily), so sharing
 * one is safe.
 */
function cacheStatements(client: BetterSqlite3.Database, size = 500): void {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = client.prepare.bind(client) as (source: string) => BetterSqlite3.Statement;
  client.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement) {
      cache.delete(source); // most recently used last
      if (statement.reader) statement.raw(false);
    } else {
      statement = prepare(source);
      if (cache.size >= size) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, statement);
    return statement;
  }) as typeof client.prepare;
}

function openSqlite(url: string): Database {
  const client = new BetterSqlite3(sqlitePath(url));
  client.pragma("journal_mode = WAL");
  client.pragma("synchronous = FULL");
  client.pragma("foreign_keys = ON");
  client.pragma("busy_timeout = 5000");
  cacheStatements(client);
  const db = drizzleSqlite(client, { schema: sqliteSchema });
  migrateSqlite(db, { migrationsFolder: migrationsFolder.sqlite });

  // better-sqlite3 transactions are synchronous; ours are async, so they are serialised here and
  // nested calls (found through AsyncLocalStorage) join the transaction already open.
  const inTx = new AsyncLocalStorage<true>();
  let queue: Promise<unknown> = Promise.resolve();
  return {
    dialect: "sqlite",
    db,
    t: sqliteSchema,
    sqlite: client,
    transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      if (inTx.getStore()) return fn(db);
      const run = () =>
        inTx.run(true, async () => {
          client.exec("BEGIN IMMEDIATE");
          try {
            const result = await fn(db);
            client.exec("COMMIT");
            return result;
          } catch (error) {
            if (client.inTransaction) client.exec("ROLLBACK");
            throw error;
          }
        });
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
    async ping() {
      client.prepare("select 1").get();
    },
    async close() {
      if (client.open) client.close();
    },
  };
}

async function openPg(url: string): Promise<Database> {
  // Loaded here, on PostgreSQL only: a node on SQLite never loads the PostgreSQL driver.
  const [{ default: pg }, { drizzle: drizzlePg }, { migrate: migratePg }] = await Promise.all([
    import("pg"),
    import("drizzle-orm/node-postgres"),
    import("drizzle-orm/node-postgres/migrator"),
  ]);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on("error", (error) => console.error("[db] idle PostgreSQL client error:", error.message));
  const pgDb = drizzlePg(pool, { schema: pgSchema });
  // Several nodes may start at once: one migrates, the others wait for it.
  const lock = await pool.connect();
  try {
    await lock.query("select pg_advisory_lock(7305201)");
    await migratePg(pgDb, { migrationsFolder: migrationsFolder.pg });
  } finally {
    await lock.query("select pg_advisory_unlock(7305201)").catch(() => undefined);
    lock.release();
  }
  const db = pgDb as unknown as Db;
  const current = new AsyncLocalStorage<Db>();
  return {
    dialect: "pg",
    db,
    t: pgSchema as unknown as Schema,
    pool,
    transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      const outer = current.getStore();
      if (outer) return fn(outer);
      return pgDb.transaction((tx) => current.run(tx as unknown as Db, () => fn(tx as unknown as Db)));
    },
    async ping() {
      await pgDb.execute(sql`select 1`);
    },
    async close() {
      await pool.end();
    },
  };
}

/** Built queries by database and name (see preparedQuery). */
const preparedQueries = new WeakMap<Database, Map<string, (values: Record<string, unknown>) => Promise<unknown>>>();

/**
 * A query the server runs on every connection or request, built once per database with placeholders
 * (`sql.placeholder("id")`) and then only run: drizzle's builder takes about 0.1 ms a query, more than
 * SQLite takes to run a lookup by key. `name` names the query (it is the statement's name on
 * PostgreSQL, so unique); `build` gets the database and returns the select, not awaited.
 *
 *   const sectionById = preparedQuery("section_by_id", ({ db, t }) =>
 *     db.select().from(t.sections).where(eq(t.sections.id, sql.placeholder("id"))).limit(1));
 *   const [section] = await sectionById(database, { id });
 */
export function preparedQuery<Q extends PromiseLike<unknown>>(
  name: string,
  build: (database: Database) => Q,
): (database: Database, values: Record<string, unknown>) => Promise<Awaited<Q>> {
  return (database, values) => {
    let byName = preparedQueries.get(database);
    if (!byName) preparedQueries.set(database, (byName = new Map()));
    let run = byName.get(name);
    if (!run) {
      const query = build(database) as unknown as { prepare(name?: string): unknown };
      if (database.dialect === "pg") {
        const statement = query.prepare(name) as { execute(values: Record<string, unknown>): Promise<unknown> };
        run = (v) => statement.execute(v);
      } else {
        const statement = query.prepare() as { all(values: Record<string, unknown>): unknown };
        run = async (v) => statement.all(v);
      }
      byName.set(name, run);
    }
    return run(values) as Promise<Awaited<Q>>;
  };
}
