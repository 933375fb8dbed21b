/**
 * Several nodes: what a second Overleg node costs, and how many stored updates per second one node
 * sustains on SQLite and on PostgreSQL. Three setups, each started fresh:
 *
 * - `sqlite-1`: one node on a copy of the SQLite template (as every other scenario runs Overleg);
 * - `pg-1`: one node on PostgreSQL (`overleg_bench_<pid>`, created, seeded and dropped here);
 * - `pg-2`: two nodes on that database and one Redis (REDIS_URL), clients split half per node
 *   (alternately, so writers and readers are half on each), every update crossing Redis to reach the
 *   other node's half.
 *
 * In each: the typing scenario (10 writers, N readers, one section), then the capacity ramp
 * (scenarios/capacity.ts) on sections of their own. Overleg runs with its defaults (durability,
 * limits, auth) except the per-person connection limit (bench/servers/overleg.ts says why).
 */
import type { Target } from "../lib/client";
import { BENCH_REDIS_URL, createPgBenchDatabase, pgBackendsMeter, redisMeter, type CpuMeter, type PgBenchDatabase } from "../lib/pg-db";
import type { ServerChild } from "../lib/proc";
import { startTarget, type Running } from "../lib/servers";
import { round } from "../lib/stats";
import { runCapacity, type CapacityStep } from "./capacity";
import { runTyping, type TypingResult } from "./typing";

export type NodesSetup = "sqlite-1" | "pg-1" | "pg-2";

export interface NodesPlan {
  n: number;
  durationMs: number;
  drainTimeoutMs: number;
  /** Sections in the template databases (SQLite's is shared with the other scenarios). */
  templateSections: number;
  capacitySteps: number[];
  capacityMs: number;
  writersPerSection: number;
  /** Only these setups (default all three). */
  setups?: NodesSetup[];
}

export const NODES_SETUPS: NodesSetup[] = ["sqlite-1", "pg-1", "pg-2"];

/** `--setups=pg-1,pg-2`: the setups named, or all when none; an unknown name is an error. */
export function parseSetups(arg: string | undefined): NodesSetup[] | undefined {
  if (!arg) return undefined;
  const names = arg.split(",");
  const unknown = names.filter((n) => !NODES_SETUPS.includes(n as NodesSetup));
  if (unknown.length) throw new Error(`unknown setup ${unknown.join(", ")}: the setups are ${NODES_SETUPS.join(", ")}`);
  return names as NodesSetup[];
}

export interface NodesTyping extends TypingResult {
  setup: NodesSetup;
  nodes: number;
  deliveredPct: number;
  /** PostgreSQL backends' CPU per insert (each insert is one stored update). */
  pgUsPerInsert?: number;
  /** The Redis server's CPU per insert. */
  redisUsPerInsert?: number;
}

export interface NodesOutcome {
  typing: NodesTyping[];
  capacity: { setup: NodesSetup; steps: CapacityStep[] }[];
  notes: string[];
}

/** Several children measured as one server (their CPU and RSS summed). */
function together(children: ServerChild[]): ServerChild {
  return {
    pid: children[0].pid,
    info: children[0].info,
    cpuMs: () => children.reduce((n, c) => n + c.cpuMs(), 0),
    rssKb: () => children.reduce((n, c) => n + c.rssKb(), 0),
    collectGarbage: () => children[0].collectGarbage(),
    stop: async () => {
      await Promise.all(children.map((c) => c.stop()));
    },
  };
}

async function startSetup(setup: NodesSetup, plan: NodesPlan, pg: PgBenchDatabase | null): Promise<Running[]> {
  // One node never talks to Redis, even when the bench's environment names one.
  if (setup === "sqlite-1") return [await startTarget("overleg", { sections: plan.templateSections, env: { REDIS_URL: "" } })];
  if (!pg) throw new Error("no PostgreSQL database");
  if (setup === "pg-1") return [await startTarget("overleg", { sections: plan.templateSections, databaseUrl: pg.url, env: { REDIS_URL: "" } })];
  const nodes: Running[] = [];
  try {
    for (let i = 0; i < 2; i++) nodes.push(await startTarget("overleg", { sections: plan.templateSections, databaseUrl: pg.url, env: { REDIS_URL: BENCH_REDIS_URL } }));
  } catch (error) {
    await Promise.all(nodes.map((n) => n.child.stop()));
    throw error;
  }
  return nodes;
}

/** Both meters as one `measured` hook; `read()` gives their CPU ms after stop. */
function metered(pg: CpuMeter | undefined, redis: CpuMeter | undefined) {
  const got: { pgMs?: number; redisMs?: number } = {};
  return {
    got,
    hook: {
      async start() {
        await pg?.start();
        await redis?.start();
      },
      async stop() {
        got.pgMs = await pg?.stop();
        got.redisMs = await redis?.stop();
      },
    },
  };
}

export async function runNodes(plan: NodesPlan, log: (line: string) => void): Promise<NodesOutcome> {
  const out: NodesOutcome = { typing: [], capacity: [], notes: [] };
  const wanted = plan.setups ?? NODES_SETUPS;
  let pg: PgBenchDatabase | null = null;
  try {
    if (wanted.some((s) => s !== "sqlite-1")) pg = await createPgBenchDatabase(plan.templateSections);
  } catch (error) {
    out.notes.push(`nodes: only SQLite measured: ${error instanceof Error ? error.message : String(error)}`);
  }
  const redis = wanted.includes("pg-2") ? ((await redisMeter().catch(() => null)) ?? undefined) : undefined;
  if (!redis && wanted.includes("pg-2")) out.notes.push(`nodes: Redis at ${BENCH_REDIS_URL} not reachable (or not on this machine): its CPU is not metered`);
  try {
    const setups = wanted.filter((s) => pg || s === "sqlite-1");
    for (const [k, setup] of setups.entries()) {
      let nodes: Running[];
      try {
        nodes = await startSetup(setup, plan, pg);
      } catch (error) {
        out.notes.push(`nodes ${setup}: did not start: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const child = together(nodes.map((n) => n.child));
      const targetOf = (i: number): Target => nodes[i % nodes.length].target;
      const pgMeter = setup === "sqlite-1" || !pg ? undefined : pgBackendsMeter(pg.name);
      const redisHere = setup === "pg-2" ? redis : undefined;
      try {
        const m = metered(pgMeter, redisHere);
        const r = await runTyping(nodes[0].target, nodes[0].doc(k), child, {
          readers: plan.n,
          writers: 10,
          durationMs: plan.durationMs,
          intervalMs: 100,
          echo: false,
          drainTimeoutMs: plan.drainTimeoutMs,
          targetOf,
          measured: m.hook,
        });
        const per = (ms: number | undefined) => (ms === undefined || !r.inserts ? undefined : round((ms * 1000) / r.inserts, 1));
        const row: NodesTyping = {
          ...r,
          setup,
          nodes: nodes.length,
          deliveredPct: round(100 - r.lossPct, 3),
          pgUsPerInsert: per(m.got.pgMs),
          redisUsPerInsert: per(m.got.redisMs),
        };
        out.typing.push(row);
        log(`nodes typing N=${plan.n} ${setup}: p50 ${r.p50} p99 ${r.p99} ms, delivered ${row.deliveredPct} %, Overleg ${r.serverCpuPct} % (${r.usPerDelivered} µs/delivered)${row.pgUsPerInsert !== undefined ? `, PostgreSQL ${row.pgUsPerInsert} µs/insert` : ""}${row.redisUsPerInsert !== undefined ? `, Redis ${row.redisUsPerInsert} µs/insert` : ""}`);
      } catch (error) {
        out.notes.push(`nodes typing ${setup}: failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      try {
        log(`capacity ${setup}:`);
        const steps = await runCapacity(
          {
            steps: plan.capacitySteps,
            writersPerSection: plan.writersPerSection,
            durationMs: plan.capacityMs,
            intervalMs: 100,
            drainTimeoutMs: plan.drainTimeoutMs,
            doc: (i) => nodes[0].doc(i),
            firstSlot: 10,
            targetOf,
            server: child,
            meters: { pg: pgMeter, redis: redisHere },
          },
          log,
        );
        out.capacity.push({ setup, steps });
      } catch (error) {
        out.notes.push(`capacity ${setup}: failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        await pgMeter?.stop(); // closes its connection if a failure left it open
        await child.stop();
      }
    }
  } finally {
    await pg?.drop().catch((error: unknown) => out.notes.push(`nodes: dropping ${pg?.name} failed: ${String(error)}`));
  }
  return out;
}

export function printNodes(outcome: NodesOutcome): void {
  if (outcome.typing.length) {
    const cols = ["p50", "p99", "max", "deliveredPct", "serverCpuPct", "usPerDelivered", "pgUsPerInsert", "redisUsPerInsert", "msgsInPerSec", "rssKb", "generatorCpuPct"] as const;
    console.log(`nodes    ${"N".padStart(5)} ${"setup".padEnd(12)} ${cols.map((c) => c.padStart(17)).join("")}  ratio(vs one node on PostgreSQL: p50, p99, CPU)`);
    const base = outcome.typing.find((r) => r.setup === "pg-1");
    for (const r of outcome.typing) {
      const cells = cols.map((c) => String(r[c] ?? "").padStart(17)).join("");
      const ratio =
        base && r.setup !== "pg-1"
          ? `${(r.p50 / base.p50).toFixed(2)}× ${(r.p99 / base.p99).toFixed(2)}× ${(r.usPerDelivered / base.usPerDelivered).toFixed(2)}×`
          : "";
      console.log(`nodes    ${String(r.clients - 10).padStart(5)} ${r.setup.padEnd(12)} ${cells}  ${ratio}${r.clientBound ? " client-bound" : ""}`);
    }
    console.log("");
  }
  if (outcome.capacity.length) {
    const cols = ["writers", "offeredPerSec", "storedPerSec", "storedPct", "p50", "p99", "serverCpuPct", "usPerStored", "pgUsPerStored", "redisUsPerStored", "generatorCpuPct"] as const;
    console.log(`capacity ${"secs".padStart(5)} ${"setup".padEnd(12)} ${cols.map((c) => c.padStart(17)).join("")}`);
    for (const { setup, steps } of outcome.capacity) {
      for (const s of steps) {
        const cells = cols.map((c) => String(s[c] ?? "").padStart(17)).join("");
        console.log(`capacity ${String(s.sections).padStart(5)} ${setup.padEnd(12)} ${cells}${s.saturated ? "  saturated" : ""}${s.clientBound ? "  client-bound" : ""}`);
      }
    }
    // Side by side: the highest offered load each setup kept up with, and what it stored once it no longer did.
    const label: Record<NodesSetup, string> = { "sqlite-1": "SQLite, 1 node", "pg-1": "PostgreSQL, 1 node", "pg-2": "PostgreSQL + Redis, 2 nodes" };
    const fmt = (x: number | undefined) => (x === undefined ? "–" : String(x));
    const first = outcome.capacity.find((c) => c.steps.length)?.steps[0];
    console.log(`\nstored updates/s, ${first ? first.writers / first.sections : "?"} writers per section`.padEnd(44) + outcome.capacity.map((c) => label[c.setup].padStart(30)).join(""));
    const keptUp = outcome.capacity.map((c) => c.steps.filter((x) => !x.saturated && !x.clientBound).at(-1)?.storedPerSec);
    const atSaturation = outcome.capacity.map((c) => c.steps.find((x) => x.saturated)?.storedPerSec);
    console.log("  highest step kept up with (p99 ≤ 1 s)".padEnd(44) + keptUp.map((x) => fmt(x).padStart(30)).join(""));
    console.log("  stored at the first saturated step".padEnd(44) + atSaturation.map((x) => fmt(x).padStart(30)).join(""));
    console.log("");
  }
}
