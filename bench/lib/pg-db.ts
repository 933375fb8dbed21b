/**
 * The bench's PostgreSQL database: `overleg_bench_<pid>` on the server at BENCH_PG_URL (else
 * TEST_DATABASE_URL, else the local default), created fresh, migrated and seeded the way
 * bench/lib/overleg-db.ts seeds the SQLite template (the demo data plus the "Bench section NNNN"
 * drafts), and dropped afterwards: by `drop()`, and on Ctrl-C or SIGTERM of the bench too.
 *
 * Also meters what PostgreSQL and Redis spend: the CPU time of this database's backends and of the
 * Redis server (both read from /proc on this machine; the Redis server may serve others as well).
 */
import pg from "pg";
import { Redis } from "ioredis";
import { openDatabase } from "../../db/index";
import { seedBench } from "./overleg-db";
import { cpuMsOf } from "./proc";

export const PG_BASE_URL = process.env.BENCH_PG_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const BENCH_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export interface PgBenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

const hidePassword = (url: string) => url.replace(/\/\/[^@]*@/, "//");

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_BASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL not reachable at ${hidePassword(PG_BASE_URL)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates, migrates and seeds `overleg_bench_<pid>` with `sections` bench sections. */
export async function createPgBenchDatabase(sections: number): Promise<PgBenchDatabase> {
  const name = `overleg_bench_${process.pid}`;
  const url = new URL(PG_BASE_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await admin((c) => c.query(`drop database if exists ${name} with (force)`));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    void drop()
      .catch(() => undefined)
      .finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  // A database left by an earlier bench with this pid (a crash) is dropped first.
  await admin(async (c) => {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name}`);
  });
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const database = await openDatabase(url.toString());
    try {
      await seedBench(database, sections);
    } finally {
      await database.close();
    }
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
  return { name, url: url.toString(), drop };
}

/** The CPU time (ms) spent by a set of processes, sampled while a run lasts. */
export interface CpuMeter {
  /** Starts counting from now. */
  start(): Promise<void>;
  /** CPU ms since start(); 0 when not started (so it may be called again after a failure). */
  stop(): Promise<number>;
}

/**
 * The backends serving database `name`. Backends that come and go during the run are found by
 * polling pg_stat_activity every 250 ms; each one's CPU is counted from when it was first seen (or
 * from zero when it started during the run).
 */
export function pgBackendsMeter(name: string): CpuMeter {
  let client = new pg.Client();
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  let timer: NodeJS.Timeout | undefined;
  let startedAt = false;
  let running = false;
  const poll = async () => {
    const { rows } = await client.query<{ pid: number }>("select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [name]);
    for (const { pid } of rows) {
      let ms: number;
      try {
        ms = cpuMsOf(pid);
      } catch {
        continue; // gone
      }
      if (!first.has(pid)) first.set(pid, startedAt ? 0 : ms);
      last.set(pid, ms);
    }
  };
  return {
    async start() {
      client = new pg.Client({ connectionString: PG_BASE_URL, connectionTimeoutMillis: 3000 });
      first.clear();
      last.clear();
      startedAt = false;
      running = true;
      await client.connect();
      await poll();
      startedAt = true;
      timer = setInterval(() => void poll().catch(() => undefined), 250);
    },
    async stop() {
      if (!running) return 0;
      running = false;
      clearInterval(timer);
      await poll().catch(() => undefined);
      await client.end().catch(() => undefined);
      let total = 0;
      for (const [pid, ms] of last) total += ms - (first.get(pid) ?? ms);
      return total;
    },
  };
}

/** The Redis server's own process (its pid from INFO), or null when it is not on this machine. */
export async function redisMeter(url = BENCH_REDIS_URL): Promise<CpuMeter | null> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
  client.on("error", () => {});
  let pid: number;
  try {
    await client.connect();
    const info = await client.info("server");
    pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  } finally {
    client.disconnect();
  }
  try {
    cpuMsOf(pid);
  } catch {
    return null;
  }
  let at = 0;
  return {
    async start() {
      at = cpuMsOf(pid);
    },
    async stop() {
      return cpuMsOf(pid) - at;
    },
  };
}
