/**
 * Servers under test run as child processes: their CPU time and RSS are read from /proc, so the load
 * generator's own work never counts as theirs.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { freePort, spawnReady } from "../../test/support/spawn";

export { freePort };

export interface ServerChild {
  pid: number;
  /** What the child printed on its `ready` line (its URL and anything the bench needs). */
  info: Record<string, unknown> & { url: string };
  /** User + system CPU time of the child so far, in milliseconds. */
  cpuMs(): number;
  /** Resident set size now, in KiB. */
  rssKb(): number;
  /** A full garbage collection in the child (bench/servers/gc.ts); resolves with the JS heap in use after it, in bytes. */
  collectGarbage(): Promise<HeapReading>;
  /** SIGTERM (the child shuts down gracefully, writing its CPU profile if asked), then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

/** The child's JS heap after a full collection, in bytes: in use, and committed (what V8 holds from the system for it). */
export interface HeapReading {
  used: number;
  committed: number;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

export function rssKbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return match ? Number(match[1]) : 0;
}

export interface SpawnOptions {
  env: Record<string, string>;
  /** Profile the child's CPU from its ready line to its exit into this directory (Overleg's child). */
  cpuProfDir?: string;
  timeoutMs?: number;
}

export async function spawnServer(entry: string, options: SpawnOptions): Promise<ServerChild> {
  const started = await spawnReady({
    name: entry,
    args: ["--expose-gc", "--import", "tsx", resolve(import.meta.dirname, "..", "servers", entry)],
    env: {
      ...process.env,
      ...options.env,
      ...(options.cpuProfDir ? { BENCH_PROFILE_FILE: `${options.cpuProfDir}/${entry.replace(/\.ts$/, "")}-${Date.now()}.cpuprofile` } : {}),
    },
    ready: /^ready (.+)\n/m,
    timeoutMs: options.timeoutMs ?? 60_000,
    stderrTail: 4000,
  });
  const child = started.process;
  const exited = started.exited;
  const info = JSON.parse(started.ready[1]) as ServerChild["info"];
  const pid = child.pid!;
  return {
    pid,
    info,
    cpuMs: () => cpuMsOf(pid),
    rssKb: () => rssKbOf(pid),
    collectGarbage: () =>
      new Promise<HeapReading>((done) => {
        const timer = setTimeout(() => finish({ used: Number.NaN, committed: Number.NaN }), 10_000);
        function onData(chunk: Buffer) {
          const line = /gc-done (\d+) (\d+)/.exec(chunk.toString());
          if (line) finish({ used: Number(line[1]), committed: Number(line[2]) });
        }
        function finish(reading: HeapReading) {
          clearTimeout(timer);
          child.stdout!.off("data", onData);
          done(reading);
        }
        child.stdout!.on("data", onData);
        child.kill("SIGUSR2");
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
