/**
 * The demo database, migrated and seeded ONCE per test run (test/support/global-setup.ts), so each test
 * server starts from a copy instead of migrating and hashing eight demo passwords (scrypt) again:
 *
 * - SQLite: a file in a temporary directory, its WAL checkpointed into the main file; a test server
 *   gets a file copy of it in a directory of its own.
 * - PostgreSQL: a database of this run (`overleg_template_<pid>_<random>`, so runs of other people on
 *   the same server never share or drop it); a test server gets `CREATE DATABASE … TEMPLATE` of it.
 *
 * Every copy is the test's own database; nothing is shared between tests after the copy. Tests that
 * test the seed itself still seed the real way (`template: false`). Tests that need an empty database
 * (freshDatabaseUrl, `seed: false`) get a copy of a second template, migrated and empty: migrating
 * PostgreSQL afresh for every test took seconds each.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase } from "../../db/index";
import { seedDemo } from "../../server/seed/seed";
import { createAuth } from "../../server/auth";
import { parseEnv } from "../../server/env";
import { createLogger } from "../../server/log";

declare module "vitest" {
  export interface ProvidedContext {
    /** The URL of this run's seeded template database (file: or postgres://), or null when there is none. */
    overlegTemplateUrl: string | null;
    /** The URL of this run's migrated, empty template database, or null when there is none. */
    overlegEmptyTemplateUrl: string | null;
  }
}

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//.test(url);
}

/** Migrates and seeds a database at `url` with the demo data, the way `npm start` does on an empty database. */
export async function seedDatabase(url: string): Promise<void> {
  const env = parseEnv({ NODE_ENV: "test", DATABASE_URL: url, LOG_LEVEL: "error" });
  const database = await openDatabase(url);
  try {
    await seedDemo(database, createAuth(database, env), createLogger("error"));
    // Everything in the main file, so a plain file copy is the whole database.
    database.sqlite?.pragma("wal_checkpoint(TRUNCATE)");
  } finally {
    await database.close();
  }
}

/** Migrates a database at `url`, leaving it empty. */
async function migrateOnly(url: string): Promise<void> {
  const database = await openDatabase(url);
  database.sqlite?.pragma("wal_checkpoint(TRUNCATE)");
  await database.close();
}

export function withDatabaseName(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(base: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates this run's seeded template (or, with `seed: false`, a migrated empty one); `drop` removes it. `testDatabaseUrl` is TEST_DATABASE_URL. */
export async function createTemplate(testDatabaseUrl: string | undefined, options: { seed?: boolean } = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  const prepare = options.seed === false ? migrateOnly : seedDatabase;
  if (isPostgresUrl(testDatabaseUrl)) {
    const name = `overleg_template_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    await adminQuery(testDatabaseUrl, `create database ${name}`);
    const url = withDatabaseName(testDatabaseUrl, name);
    const drop = () => adminQuery(testDatabaseUrl, `drop database if exists ${name} with (force)`);
    try {
      await prepare(url);
    } catch (error) {
      await drop();
      throw error;
    }
    return { url, drop };
  }
  const dir = mkdtempSync(join(tmpdir(), "overleg-template-"));
  const url = `file:${join(dir, "overleg.db")}`;
  const drop = async () => rmSync(dir, { recursive: true, force: true });
  try {
    await prepare(url);
  } catch (error) {
    await drop();
    throw error;
  }
  return { url, drop };
}
