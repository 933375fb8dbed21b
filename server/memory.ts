/**
 * Giving back the memory a start-up used (ADR 045).
 *
 * A start allocates in a burst: migrations, the seed, the Remix build and its packages. V8 answers
 * by growing its young generation to the maximum (two 16 MB semi-spaces) and keeps it until its
 * memory reducer runs, 10–20 s after the process goes quiet; until then an idle Overleg holds about
 * 20 MB more than it needs. One memory-reducing full collection once the start is done gives that
 * back at once. Node has no direct call for it: `v8.queryObjects` (Node ≥ 20.13) runs exactly that
 * collection (V8's `CollectAllAvailableGarbage`) before it counts, so counting the instances of a
 * class nobody creates is the call. It costs about half a second, once, before the server listens.
 */
import v8 from "node:v8";
import type { Logger } from "./log";

class NeverInstantiated {}

type QueryObjects = (ctor: unknown, options: { format: "count" }) => number;

/** Runs the memory-reducing collection; false (and nothing done) on a Node without `v8.queryObjects`. */
export function settleMemory(log?: Logger): boolean {
  const queryObjects = (v8 as unknown as { queryObjects?: QueryObjects }).queryObjects;
  if (typeof queryObjects !== "function") return false;
  const started = performance.now();
  const before = process.memoryUsage().rss;
  queryObjects(NeverInstantiated, { format: "count" });
  const after = process.memoryUsage().rss;
  log?.debug("start-up memory given back", {
    freedMb: Math.round((before - after) / 1048576),
    rssMb: Math.round(after / 1048576),
    ms: Math.round(performance.now() - started),
  });
  return true;
}
