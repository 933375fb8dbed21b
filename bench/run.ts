/**
 * Overleg's benchmark: the same load generator against Overleg's collab server and its peers
 * (y-websocket 2.1.0's reference server, @hocuspocus/server 4), each started fresh on 127.0.0.1 for
 * every scenario, in turn. Prints one table and writes bench/out/<timestamp>.json.
 *
 *   npm run bench                 # the full run (several minutes)
 *   npm run bench -- --quick      # small N, short runs (under 3 minutes)
 *   npm run bench -- --only=typing,storm --servers=overleg --profile
 *   npm run bench -- --only=typing --n=10,200 --servers=overleg,y-websocket
 *   npm run bench -- --passes=3      # each scenario three times: medians, and the targets held or missed
 *   npm run bench -- --only=nodes --quick   # Overleg alone: SQLite, PostgreSQL, two nodes + Redis
 *   npm run bench -- --only=nodes --setups=pg-1,pg-2 --n=200
 *   npm run bench -- --only=idle  # the whole app's memory 5 s after `npm start`
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import type { ServerKind } from "./lib/client";
import { SERVER_KINDS, startTarget } from "./lib/servers";
import { medians, printTargets } from "./lib/targets";
import { summariseProfiles, type ProfileLine } from "./lib/profile";
import { round } from "./lib/stats";
import { coldDocument } from "./lib/trace";
import { runCold } from "./scenarios/cold";
import { runDurable } from "./scenarios/durable";
import { runIdle } from "./scenarios/idle";
import { runMemory } from "./scenarios/memory";
import { parseSetups, printNodes, runNodes, type NodesOutcome } from "./scenarios/nodes";
import { runTyping } from "./scenarios/typing";

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k, v ?? "true"] as const;
  }),
);
const quick = args.has("quick");
const only = args.get("only")?.split(",");
const servers = (args.get("servers")?.split(",") as ServerKind[] | undefined) ?? SERVER_KINDS;
const profile = args.has("profile");
/** `--passes=3`: every scenario three times; the table shows each figure's median. */
const passes = Math.max(1, Math.min(9, Number(args.get("passes") ?? 1) || 1));
const outDir = resolve(import.meta.dirname, "out");
mkdirSync(outDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const profDir = join(outDir, `prof-${stamp}`);

/** `--n=10,200`: only these client counts in the typing, echo and storm scenarios. */
const onlyN = args.get("n")?.split(",").map(Number);
const pick = (all: number[]) => (onlyN ? onlyN : all);
const plan = {
  typingN: pick(quick ? [50] : [10, 50, 200, 500]),
  echoN: pick(quick ? [50] : [200]),
  stormN: pick(quick ? [50] : [10, 50, 200]),
  durationMs: quick ? 4000 : 10_000,
  drainTimeoutMs: quick ? 5000 : 10_000,
  sections: quick ? 300 : 2000,
  /** Sections in Overleg's template database: the memory scenario's plus a few for the others. */
  templateSections: (quick ? 300 : 2000) + 10,
  reconnect: quick ? 50 : 200,
  durableMs: quick ? 1500 : 4000,
  /** Several nodes (scenarios/nodes.ts): typing N, and the capacity ramp's section counts. */
  nodesN: onlyN?.[0] ?? (quick ? 50 : 200),
  capacitySteps: quick ? [10, 40] : [25, 50, 100, 200, 400, 800],
  capacityMs: quick ? 3000 : 6000,
  nodesSetups: parseSetups(args.get("setups")),
};

export interface Row {
  scenario: string;
  server: ServerKind;
  n: number;
  metrics: Record<string, number | boolean | string>;
  /** Which pass of `--passes` measured it (1 when there is one). */
  pass?: number;
}
const rows: Row[] = [];
const want = (s: string) => !only || only.includes(s);

function machine() {
  const cpu = cpus();
  return { cpu: cpu[0]?.model ?? "unknown", cores: cpu.length, node: process.version, loadavg: loadavg().map((x) => round(x)) };
}
const machineAtStart = machine();
console.log(`machine: ${machineAtStart.cpu}, ${machineAtStart.cores} cores, node ${machineAtStart.node}, load ${machineAtStart.loadavg.join(" ")}`);

async function typingLike(scenario: "typing" | "typing-suggest" | "echo" | "storm", n: number) {
  for (const kind of servers) {
    if (scenario === "typing-suggest" && kind !== "overleg") continue; // the peers have no suggestion mode
    const profiling = profile && kind === "overleg";
    const running = await startTarget(kind, { sections: plan.templateSections, cpuProfDir: profiling ? join(profDir, `${scenario}-${n}`) : undefined });
    try {
      const result = await runTyping(running.target, running.doc(0), running.child, {
        readers: scenario === "storm" ? 0 : n,
        writers: scenario === "storm" ? n : 10,
        durationMs: plan.durationMs,
        intervalMs: 100,
        echo: scenario === "echo",
        drainTimeoutMs: plan.drainTimeoutMs,
        suggest: scenario === "typing-suggest" ? running.suggest : undefined,
      });
      rows.push({ scenario, server: kind, n, metrics: { ...result } });
      console.log(`${scenario} N=${n} ${kind}: p50 ${result.p50} p99 ${result.p99} ms, loss ${result.lossPct} %, server ${result.usPerDelivered} µs/insert, generator ${result.generatorCpuPct} %${result.closedClients ? `, ${result.closedClients} clients closed by the server` : ""}${result.clientBound ? " (client-bound)" : ""}`);
    } catch (error) {
      console.log(`${scenario} N=${n} ${kind}: failed: ${error instanceof Error ? error.message : String(error)}`);
      rows.push({ scenario, server: kind, n, metrics: { error: String(error) } });
    } finally {
      await running.child.stop();
    }
  }
}

const notes: string[] = [];

/** One pass over the chosen scenarios; its rows are marked with `pass`. */
async function runPass(pass: number): Promise<void> {
  const first = rows.length;
  if (want("typing")) for (const n of plan.typingN) await typingLike("typing", n);
  // Typing in suggesting mode (ADR 027): the same writers as commenters, every keystroke checked.
  if (want("typing") || want("typing-suggest")) for (const n of plan.typingN.filter((x) => x <= 50)) await typingLike("typing-suggest", n);
  if (want("echo")) for (const n of plan.echoN) await typingLike("echo", n);
  if (want("storm")) for (const n of plan.stormN) await typingLike("storm", n);

  if (want("cold")) {
    const update = coldDocument(outDir);
    const coldFile = join(outDir, `cold-${update.byteLength}-section.bin`);
    writeFileSync(coldFile, update);
    for (const kind of servers) {
      try {
        const r = await runCold(kind, update, coldFile, {
          sections: plan.templateSections,
          reconnect: plan.reconnect,
          cpuProfDir: profile && kind === "overleg" ? join(profDir, "cold") : undefined,
        });
        rows.push({ scenario: "cold", server: kind, n: plan.reconnect, metrics: { ...r } });
        console.log(`cold ${kind}: load ${r.loadMs} ms${r.syncedBeforeContent ? " (synced before the content!)" : ""}, second client ${r.secondMs} ms, reconnect ${r.reconnectMs} ms, uploaded ${r.uploadedBytes} B`);
      } catch (error) {
        console.log(`cold ${kind}: failed: ${error instanceof Error ? error.message : String(error)}`);
        rows.push({ scenario: "cold", server: kind, n: plan.reconnect, metrics: { error: String(error) } });
      }
    }
  }

  if (want("memory")) {
    for (const kind of servers) {
      const running = await startTarget(kind, {
        sections: plan.templateSections,
        cpuProfDir: profile && kind === "overleg" ? join(profDir, `memory-${plan.sections}`) : undefined,
      });
      try {
        const r = await runMemory(running, plan.sections);
        rows.push({ scenario: "memory", server: kind, n: plan.sections, metrics: { ...r } });
        console.log(`memory ${kind}: ${r.kbPerSection} KB of RSS, ${r.heapKbPerSection} KB of heap in use (${r.heapCommittedKbPerSection} KB committed) per section + connection`);
      } catch (error) {
        console.log(`memory ${kind}: failed: ${error instanceof Error ? error.message : String(error)}`);
        rows.push({ scenario: "memory", server: kind, n: plan.sections, metrics: { error: String(error) } });
      } finally {
        await running.child.stop();
      }
    }
  }

  if (want("idle")) {
    const r = await runIdle();
    rows.push({ scenario: "idle", server: "overleg", n: 1, metrics: { ...r, idleRssMb: Math.round(r.rssKb / 1024) } });
    console.log(`idle overleg (whole app, npm start): ${Math.round(r.rssKb / 1024)} MB RSS, ${Math.round(r.heapUsedKb / 1024)} MB heap in use, 5 s after start`);
  }

  if (want("durable")) {
    const { results, notes: n } = await runDurable(plan.durableMs, plan.templateSections);
    notes.push(...n);
    for (const r of results) {
      rows.push({ scenario: `durable-${r.database}`, server: "overleg", n: r.batch, metrics: { ...r } });
      console.log(`durable log ${r.database}, ${r.batch} per commit: ${r.updatesPerSec} updates/s`);
    }
  }
  for (const row of rows.slice(first)) row.pass = pass;
}

for (let pass = 1; pass <= passes; pass++) {
  if (passes > 1) console.log(`\npass ${pass} of ${passes}`);
  await runPass(pass);
}
let nodes: NodesOutcome | null = null;
if (want("nodes")) {
  nodes = await runNodes(
    {
      n: plan.nodesN,
      durationMs: plan.durationMs,
      drainTimeoutMs: plan.drainTimeoutMs,
      templateSections: plan.templateSections,
      capacitySteps: plan.capacitySteps,
      capacityMs: plan.capacityMs,
      writersPerSection: 2,
      setups: plan.nodesSetups,
    },
    (line) => console.log(line),
  );
  notes.push(...nodes.notes);
  for (const r of nodes.typing) rows.push({ scenario: `nodes-${r.setup}`, server: "overleg", n: plan.nodesN, metrics: { ...r } });
  for (const c of nodes.capacity) for (const s of c.steps) rows.push({ scenario: `capacity-${c.setup}`, server: "overleg", n: s.sections, metrics: { ...s } });
}
const table = passes > 1 ? medians(rows) : rows;

const profiles: Record<string, ProfileLine[]> = {};
if (profile) {
  for (const row of rows) {
    if (row.server !== "overleg" || row.scenario.startsWith("durable")) continue;
    const key = row.scenario === "cold" ? "cold" : `${row.scenario}-${row.n}`;
    if (!profiles[key]) profiles[key] = summariseProfiles(join(profDir, key));
  }
}

if (passes > 1) console.log(`\nmedians of ${passes} passes:`);
printTable(table);
printTargets(table);
if (nodes) printNodes(nodes);
printSuggestingCost(table);
for (const [key, lines] of Object.entries(profiles).filter(([, l]) => l.length > 0)) {
  console.log(`\nprofile of Overleg, ${key} (self time):`);
  for (const l of lines) console.log(`  ${String(l.pct).padStart(5)} %  ${String(l.selfMs).padStart(6)} ms  ${l.fn}`);
}
for (const n of notes) console.log(`note: ${n}`);

const out = { date: new Date().toISOString(), quick, plan, passes, machine: { ...machineAtStart, loadavgAtEnd: machine().loadavg }, rows, medians: passes > 1 ? table : undefined, profiles, notes };
const file = join(outDir, `${stamp}.json`);
writeFileSync(file, JSON.stringify(out, null, 2));
console.log(`written ${file}`);

function printTable(all: Row[]) {
  const columns: Record<string, string[]> = {
    typing: ["p50", "p95", "p99", "max", "lossPct", "drainMs", "serverCpuPct", "usPerDelivered", "rssKb", "msgsInPerSec", "generatorCpuPct"],
    "typing-suggest": ["p50", "p95", "p99", "max", "lossPct", "drainMs", "serverCpuPct", "usPerInsert", "rssKb", "msgsInPerSec", "generatorCpuPct"],
    echo: ["p50", "p95", "p99", "max", "lossPct", "drainMs", "serverCpuPct", "usPerDelivered", "rssKb", "msgsInPerSec", "generatorCpuPct"],
    storm: ["p50", "p99", "max", "within10sPct", "lossPct", "drainMs", "serverCpuPct", "usPerDelivered", "rssKb", "msgsInPerSec", "generatorCpuPct"],
    cold: ["loadMs", "syncedBeforeContent", "loadServerCpuMs", "secondMs", "reconnectMs", "reconnectServerCpuMs", "uploadedBytes", "downloadedBytes"],
    memory: ["kbPerSection", "heapKbPerSection", "heapCommittedKbPerSection", "rssBeforeKb", "rssAfterKb", "connectMs"],
    idle: ["rssKb", "heapUsedKb", "heapTotalKb", "startMs"],
  };
  // Lower is better for these; the ratio column is Overleg / peer.
  const ratioOf: Record<string, string> = { "typing-suggest": "p99", typing: "p99", echo: "p99", storm: "p99", cold: "loadMs", memory: "kbPerSection", idle: "rssKb" };
  console.log("");
  for (const scenario of ["typing", "typing-suggest", "echo", "storm", "cold", "memory", "idle"]) {
    const group = all.filter((r) => r.scenario === scenario);
    if (!group.length) continue;
    const cols = columns[scenario];
    console.log(`${scenario.padEnd(8)} ${"N".padStart(5)} ${"server".padEnd(12)} ${cols.map((c) => c.padStart(14)).join("")}  ratio(${ratioOf[scenario]} O/peer)`);
    for (const n of [...new Set(group.map((r) => r.n))]) {
      const same = group.filter((r) => r.n === n);
      const overleg = same.find((r) => r.server === "overleg")?.metrics;
      for (const r of same) {
        const m = r.metrics;
        const cells = cols.map((c) => {
          const v = m[c];
          return (v === undefined ? (m.error ? "error" : "") : String(v)).padStart(14);
        });
        let ratio = "";
        const key = ratioOf[scenario];
        if (r.server !== "overleg" && overleg && typeof overleg[key] === "number" && typeof m[key] === "number") {
          ratio = `${(overleg[key] / m[key]).toFixed(2)}×`;
          if (scenario !== "memory" && scenario !== "cold" && typeof overleg.usPerDelivered === "number" && typeof m.usPerDelivered === "number") {
            ratio += ` cpu ${(overleg.usPerDelivered / m.usPerDelivered).toFixed(2)}× p50 ${(Number(overleg.p50) / Number(m.p50)).toFixed(2)}×`;
          }
          if (scenario === "memory" && typeof overleg.heapKbPerSection === "number" && typeof m.heapKbPerSection === "number") {
            ratio += ` heap ${(overleg.heapKbPerSection / m.heapKbPerSection).toFixed(2)}×`;
          }
          if (scenario === "cold" && typeof overleg.secondMs === "number" && typeof m.secondMs === "number") {
            ratio += ` second ${(overleg.secondMs / m.secondMs).toFixed(2)}×`;
          }
          if (scenario === "memory" && typeof overleg.connectMs === "number" && typeof m.connectMs === "number") {
            ratio += ` connect ${(overleg.connectMs / m.connectMs).toFixed(2)}×`;
          }
          if (scenario === "cold" && typeof overleg.reconnectMs === "number" && typeof m.reconnectMs === "number") {
            ratio += ` reconnect ${(overleg.reconnectMs / m.reconnectMs).toFixed(2)}×`;
          }
        }
        const bound = m.clientBound ? " client-bound" : "";
        console.log(`${scenario.padEnd(8)} ${String(n).padStart(5)} ${r.server.padEnd(12)} ${cells.join("")}  ${ratio}${bound}`);
      }
    }
    console.log("");
  }
  const m = machine();
  console.log(`machine: ${m.cpu}, ${m.cores} cores, node ${m.node}, load now ${m.loadavg.join(" ")}`);
}

/** Overleg's server CPU per keystroke, suggesting against editing, at each N both ran (target: at most 3×). */
function printSuggestingCost(all: Row[]) {
  for (const r of all.filter((x) => x.scenario === "typing-suggest" && x.server === "overleg")) {
    const editing = all.find((x) => x.scenario === "typing" && x.server === "overleg" && x.n === r.n)?.metrics;
    const s = Number(r.metrics.usPerInsert);
    const e = Number(editing?.usPerInsert);
    if (!editing || !Number.isFinite(s) || !Number.isFinite(e)) continue;
    console.log(`suggesting N=${r.n}: server ${s} µs per keystroke, editing ${e} µs: ${(s / e).toFixed(2)}× (target ≤ 3×)${r.metrics.closedClients ? `, ${r.metrics.closedClients} clients closed` : ""}`);
  }
}
