/**
 * The durable log: accepted updates per second through Overleg's UpdateStore (server/collab/store.ts)
 * on SQLite (WAL, synchronous=FULL, as in production) and on PostgreSQL, one update per transaction and
 * group-committed 32 to a transaction (what a room does when 32 updates arrive within one tick).
 */
import pg from "pg";
import { openDatabase, type Database } from "../../db/index";
import { UpdateStore } from "../../server/collab/store";
import { createLogger } from "../../server/log";
import { freshOverlegDatabase, seedBench } from "../lib/overleg-db";
import { round } from "../lib/stats";

export interface DurableResult {
  database: "sqlite" | "postgresql";
  batch: number;
  updatesPerSec: number;
  commitsPerSec: number;
}

/** A small update, like one typed word. */
function sampleUpdate(i: number): Uint8Array {
  const u = new Uint8Array(36);
  for (let k = 0; k < u.length; k++) u[k] = (i + k) & 0xff;
  return u;
}

async function measure(database: Database, sectionId: string, batch: number, ms: number): Promise<{ updates: number; commits: number; ms: number }> {
  const store = new UpdateStore(database, createLogger("error"));
  const t0 = performance.now();
  let updates = 0;
  let commits = 0;
  while (performance.now() - t0 < ms) {
    await store.append(sectionId, Array.from({ length: batch }, (_, i) => sampleUpdate(updates + i)));
    updates += batch;
    commits++;
  }
  return { updates, commits, ms: performance.now() - t0 };
}

async function throughput(kind: DurableResult["database"], database: Database, sectionId: string, ms: number): Promise<DurableResult[]> {
  const out: DurableResult[] = [];
  for (const batch of [1, 32]) {
    const r = await measure(database, sectionId, batch, ms);
    out.push({ database: kind, batch, updatesPerSec: round((r.updates / r.ms) * 1000, 0), commitsPerSec: round((r.commits / r.ms) * 1000, 0) });
  }
  return out;
}

export async function runDurable(ms: number, sections: number): Promise<{ results: DurableResult[]; notes: string[] }> {
  const results: DurableResult[] = [];
  const notes: string[] = [];
  const sqlite = await openDatabase(await freshOverlegDatabase(sections));
  try {
    const { db, t } = sqlite;
    const [section] = await db.select({ id: t.sections.id }).from(t.sections).limit(1);
    results.push(...(await throughput("sqlite", sqlite, section.id, ms)));
  } finally {
    await sqlite.close();
  }

  const base = process.env.BENCH_PG_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `overleg_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: base, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    notes.push(`PostgreSQL not reachable at ${base.replace(/\/\/[^@]*@/, "//")}: ${error instanceof Error ? error.message : String(error)}`);
    return { results, notes };
  }
  try {
    await admin.query(`create database ${name}`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    const database = await openDatabase(url.toString());
    try {
      const [sectionId] = await seedBench(database, 1);
      results.push(...(await throughput("postgresql", database, sectionId, ms)));
    } finally {
      await database.close();
    }
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await admin.end();
  }
  return { results, notes };
}
