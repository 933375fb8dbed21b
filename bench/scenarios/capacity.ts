/**
 * Capacity: many sections, a few people typing in each (W writers per section, each inserting 10
 * characters and moving their cursor every 100 ms), in steps of more sections until the server no
 * longer keeps up. An insert counts as stored once another writer in its section received it: Overleg
 * sends nothing before its tick's commit, so what arrives was in the database first. A room commits
 * its own tick's updates, so with two writers per section nearly every update is a commit of its own:
 * this measures commits per second across sections, the case group commit within one room does not help.
 *
 * Per step: offered and stored updates per second, latency to the other writer, and the CPU of the
 * Overleg node(s), the database's backends (PostgreSQL) and Redis over the measured interval.
 */
import { scanMarkers, openAll, type Target } from "../lib/client";
import type { CpuMeter } from "../lib/pg-db";
import type { ServerChild } from "../lib/proc";
import { cpuMeter, Histogram, round, sleep } from "../lib/stats";
import { Writer } from "../lib/writer";

export interface CapacityStep {
  sections: number;
  writers: number;
  offeredPerSec: number;
  /** Inserts another writer received (so stored) per second, from the first send to the last delivery. */
  storedPerSec: number;
  storedPct: number;
  p50: number;
  p99: number;
  max: number;
  serverCpuPct: number;
  /** Overleg CPU per stored update (all nodes). */
  usPerStored: number;
  /** PostgreSQL backends' CPU per stored update (this database's backends only). */
  pgUsPerStored?: number;
  /** The Redis server's CPU per stored update (its whole process; it may serve others too). */
  redisUsPerStored?: number;
  generatorCpuPct: number;
  clientBound: boolean;
  /** This step no longer kept up: under 95 % stored within the drain, or p99 over 1 s. */
  saturated: boolean;
}

export interface CapacityOptions {
  /** Section counts, one step each, in order; the ramp stops after the first saturated step. */
  steps: number[];
  writersPerSection: number;
  durationMs: number;
  intervalMs: number;
  drainTimeoutMs: number;
  /** The section (document name) for slot i; each step takes fresh ones from `firstSlot` on. */
  doc(i: number): string;
  firstSlot: number;
  /** The server writer `i` connects to. */
  targetOf(i: number): Target;
  server: Pick<ServerChild, "cpuMs">;
  meters: { pg?: CpuMeter; redis?: CpuMeter };
}

export async function runCapacity(o: CapacityOptions, log: (line: string) => void): Promise<CapacityStep[]> {
  const out: CapacityStep[] = [];
  let slot = o.firstSlot;
  for (const sections of o.steps) {
    const step = await runStep(o, sections, slot);
    slot += sections;
    out.push(step);
    log(
      `  ${sections} sections × ${o.writersPerSection} writers: offered ${step.offeredPerSec}/s, stored ${step.storedPerSec}/s (${step.storedPct} %), p50 ${step.p50} p99 ${step.p99} ms, server ${step.serverCpuPct} % (${step.usPerStored} µs/update)` +
        `${step.pgUsPerStored !== undefined ? `, PostgreSQL ${step.pgUsPerStored} µs/update` : ""}${step.redisUsPerStored !== undefined ? `, Redis ${step.redisUsPerStored} µs/update` : ""}, generator ${step.generatorCpuPct} %${step.clientBound ? " (client-bound)" : ""}${step.saturated ? " — saturated" : ""}`,
    );
    if (step.saturated || step.clientBound) break;
  }
  return out;
}

async function runStep(o: CapacityOptions, sections: number, firstSlot: number): Promise<CapacityStep> {
  const w = o.writersPerSection;
  const count = sections * w;
  const perWriter = Math.floor(o.durationMs / o.intervalMs);
  const total = perWriter * count;
  const sentAt = new Float64Array(total);
  const senderOf = new Int32Array(total).fill(-1);
  const stored = new Uint8Array(total);
  const hist = new Histogram();
  let storedCount = 0;
  let delivered = 0;
  let lastDelivery = 0;

  const writers: Writer[] = [];
  for (let i = 0; i < count; i++) {
    const index = i;
    writers.push(
      new Writer(o.targetOf(i), o.doc(firstSlot + Math.floor(i / w)), {
        onUpdate(update) {
          const now = performance.now();
          scanMarkers(update, (id) => {
            if (id >= total || senderOf[id] < 0 || senderOf[id] === index) return;
            delivered++;
            hist.record(now - sentAt[id]);
            lastDelivery = now;
            if (!stored[id]) {
              stored[id] = 1;
              storedCount++;
            }
          });
        },
      }),
    );
  }
  try {
    await openAll(writers.map((x) => x.client));
    for (const x of writers) x.start();
    await sleep(500);
    await o.meters.pg?.start();
    await o.meters.redis?.start();
    const cpu0 = o.server.cpuMs();
    const meter = cpuMeter();
    const t0 = performance.now();
    let nextId = 0;
    await Promise.all(
      writers.map(
        (x, index) =>
          new Promise<void>((done) => {
            let n = 0;
            let timer: NodeJS.Timeout | undefined;
            const tick = () => {
              if (n >= perWriter) {
                clearInterval(timer);
                return done();
              }
              n++;
              const id = nextId++;
              senderOf[id] = index;
              sentAt[id] = performance.now();
              x.type(id);
            };
            setTimeout(() => {
              tick();
              timer = setInterval(tick, o.intervalMs);
            }, Math.random() * o.intervalMs);
          }),
      ),
    );
    const sendEnd = performance.now();
    const expected = nextId * (w - 1);
    const drainEnd = sendEnd + o.drainTimeoutMs;
    while (delivered < expected && performance.now() < drainEnd) await sleep(20);
    const t1 = performance.now();
    const serverCpuMs = o.server.cpuMs() - cpu0;
    const pgMs = await o.meters.pg?.stop();
    const redisMs = await o.meters.redis?.stop();
    const gen = meter();
    const until = Math.max(sendEnd, lastDelivery);
    const storedPerSec = (storedCount / (until - t0)) * 1000;
    const storedPct = nextId ? (storedCount / nextId) * 100 : 0;
    const p99 = hist.percentile(99);
    const per = (ms: number | undefined) => (ms === undefined || !storedCount ? undefined : round((ms * 1000) / storedCount, 1));
    return {
      sections,
      writers: count,
      offeredPerSec: round((count * 1000) / o.intervalMs, 0),
      storedPerSec: round(storedPerSec, 0),
      storedPct: round(storedPct, 2),
      p50: round(hist.percentile(50)),
      p99: round(p99),
      max: round(hist.max),
      serverCpuPct: round((serverCpuMs / (t1 - t0)) * 100, 1),
      usPerStored: per(serverCpuMs) ?? Number.NaN,
      pgUsPerStored: per(pgMs),
      redisUsPerStored: per(redisMs),
      generatorCpuPct: round(gen.pctOfCore, 1),
      clientBound: gen.pctOfCore > 80,
      saturated: storedPct < 95 || !(p99 <= 1000),
    };
  } finally {
    for (const x of writers) x.destroy();
    await sleep(300);
  }
}
