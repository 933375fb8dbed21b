/**
 * Servers under test run as child processes: their CPU time and RSS are read from /proc, so the load
 * generator's own work never counts as theirs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

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
  const args = ["--expose-gc", "--import", "tsx"];
  args.push(resolve(import.meta.dirname, "..", "servers", entry));
  const child: ChildProcess = spawn(process.execPath, args, {
    env: {
      ...process.env,
      ...options.env,
      ...(options.cpuProfDir ? { BENCH_PROFILE_FILE: `${options.cpuProfDir}/${entry.replace(/\.ts$/, "")}-${Date.now()}.cpuprofile` } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const orphanGuard = () => child.kill("SIGKILL");
  process.once("exit", orphanGuard);
  void exited.then(() => process.off("exit", orphanGuard));
  const timeoutMs = options.timeoutMs ?? 60_000;
  const info = await new Promise<ServerChild["info"]>((done, fail) => {
    let stdout = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`${entry} did not start within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = /^ready (.+)\n/m.exec(stdout);
      if (line) {
        clearTimeout(timer);
        done(JSON.parse(line[1]) as ServerChild["info"]);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`${entry} exited before it was ready:\n${stderr}`));
    });
  });
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
