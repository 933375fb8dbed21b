/**
 * The bench's targets, each checked against the table the run printed: a ratio of Overleg's figure to
 * a peer's (or an absolute figure) measured in the same run, marked held or missed. A target whose
 * figures the run did not measure (a scenario left out with --only) says so.
 */
import type { Row } from "../run";
import { round } from "./stats";

type Metrics = Row["metrics"];

/** One row per scenario, server and N, each numeric figure the median of the passes. */
export function medians(rows: readonly Row[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = `${row.scenario}\u0000${row.server}\u0000${row.n}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((group) => {
    const metrics: Metrics = {};
    const names = new Set(group.flatMap((r) => Object.keys(r.metrics)));
    for (const name of names) {
      const values = group.map((r) => r.metrics[name]).filter((v) => v !== undefined);
      const numbers = values.filter((v): v is number => typeof v === "number").sort((a, b) => a - b);
      if (numbers.length === values.length && numbers.length > 0) {
        const mid = numbers.length >> 1;
        metrics[name] = round(numbers.length % 2 ? numbers[mid] : (numbers[mid - 1] + numbers[mid]) / 2);
      } else if (values.length > 0) {
        metrics[name] = values[0];
      }
    }
    const failed = group.filter((r) => r.metrics.error !== undefined).length;
    if (failed > 0) metrics.failedPasses = failed;
    return { scenario: group[0].scenario, server: group[0].server, n: group[0].n, metrics };
  });
}

interface Target {
  name: string;
  /** The measured value and the limit it must stay at or under; null when not measured. */
  measure(find: (scenario: string, server: string, n?: number) => Metrics | undefined): { value: number; limit: number; unit: string } | null;
}

const ratio = (scenario: string, n: number | undefined, peer: string, metric: string, limit: number): Target["measure"] => (find) => {
  const o = find(scenario, "overleg", n)?.[metric];
  const p = find(scenario, peer, n)?.[metric];
  if (typeof o !== "number" || typeof p !== "number" || p === 0) return null;
  return { value: o / p, limit, unit: "×" };
};

const absolute = (scenario: string, n: number | undefined, metric: string, limit: number, unit: string): Target["measure"] => (find) => {
  const v = find(scenario, "overleg", n)?.[metric];
  return typeof v === "number" ? { value: v, limit, unit } : null;
};

/** The performance targets Overleg holds itself to (bench/RESULTS.md explains each). */
export const TARGETS: Target[] = [
  { name: "typing N=10: p99 ≤ 1.0× y-websocket", measure: ratio("typing", 10, "y-websocket", "p99", 1.0) },
  { name: "typing N=10: p50 ≤ 1.2× y-websocket", measure: ratio("typing", 10, "y-websocket", "p50", 1.2) },
  { name: "storm N=10: p99 ≤ 1.0× y-websocket", measure: ratio("storm", 10, "y-websocket", "p99", 1.0) },
  { name: "storm N=10: p50 ≤ 1.2× y-websocket", measure: ratio("storm", 10, "y-websocket", "p50", 1.2) },
  { name: "typing N=200: p99 ≤ 0.6× y-websocket", measure: ratio("typing", 200, "y-websocket", "p99", 0.6) },
  { name: "typing N=200: CPU per delivered insert ≤ 0.5× y-websocket", measure: ratio("typing", 200, "y-websocket", "usPerDelivered", 0.5) },
  { name: "storm N=200: CPU per delivered insert ≤ 0.75× Hocuspocus", measure: ratio("storm", 200, "hocuspocus", "usPerDelivered", 0.75) },
  { name: "storm N=200: p99 ≤ Hocuspocus", measure: ratio("storm", 200, "hocuspocus", "p99", 1.0) },
  { name: "storm N=200: loss 0 %", measure: absolute("storm", 200, "lossPct", 0, " %") },
  { name: "reconnect of 200 clients ≤ Hocuspocus", measure: ratio("cold", undefined, "hocuspocus", "reconnectMs", 1.0) },
  { name: "second client on a just-loaded 1.7 MB section ≤ Hocuspocus", measure: ratio("cold", undefined, "hocuspocus", "secondMs", 1.0) },
  { name: "connecting 2,000 sections ≤ 1.5× y-websocket", measure: ratio("memory", undefined, "y-websocket", "connectMs", 1.5) },
  { name: "whole-app idle RSS after start ≤ 120 MB", measure: absolute("idle", undefined, "idleRssMb", 120, " MB") },
  {
    name: "suggesting keystroke ≤ 3× an editing keystroke (server CPU)",
    measure: (find) => {
      const s = find("typing-suggest", "overleg", 10)?.usPerInsert;
      const e = find("typing", "overleg", 10)?.usPerInsert;
      return typeof s === "number" && typeof e === "number" && e > 0 ? { value: s / e, limit: 3, unit: "×" } : null;
    },
  },
];

/** Prints each target with the figure this run measured and whether it held. */
export function printTargets(table: readonly Row[]): void {
  const find = (scenario: string, server: string, n?: number) =>
    table.find((r) => r.scenario === scenario && r.server === server && (n === undefined || r.n === n) && r.metrics.error === undefined)?.metrics;
  console.log("targets:");
  for (const target of TARGETS) {
    const m = target.measure(find);
    const verdict = m === null ? "not measured in this run" : `${round(m.value)}${m.unit} (limit ${m.limit}${m.unit}): ${m.value <= m.limit ? "held" : "MISSED"}`;
    console.log(`  ${target.name.padEnd(64)} ${verdict}`);
  }
}
