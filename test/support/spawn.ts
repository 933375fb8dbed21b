/**
 * The one way tests and the bench start a child process and wait until it says it is ready: a free
 * loopback port, spawn, read stdout until a line matches, fail with the child's stderr when it exits
 * or takes too long first. Used where the child process is what is tested (start-up, kill -9, several
 * nodes) and by the bench (which measures its servers from outside); everything else runs in-process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { serverBundle } from "../../scripts/build-server.mjs";

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

export interface ReadyChild {
  process: ChildProcess;
  /** The match of `ready` on the child's stdout. */
  ready: RegExpExecArray;
  /** Resolves with the exit code (null when killed by a signal) once the process is gone. */
  exited: Promise<number | null>;
  /** The last of what the child wrote to stderr. */
  stderr(): string;
  /** Sends `signal` unless the process is already gone, and waits until it is. */
  signal(signal: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnReadyOptions {
  /** What the error messages call the child. */
  name: string;
  args: string[];
  command?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Matched against everything the child wrote to stdout so far. */
  ready: RegExp;
  timeoutMs?: number;
  /** How much of stderr to keep for error messages (characters). */
  stderrTail?: number;
}

/** Spawns `command args` (default: this Node), and resolves once stdout matches `ready`. */
export async function spawnReady(options: SpawnReadyOptions): Promise<ReadyChild> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const keep = options.stderrTail ?? 20_000;
  const child = spawn(options.command ?? process.execPath, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-keep);
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  // A test runner or bench that dies leaves no server behind.
  const orphanGuard = () => child.kill("SIGKILL");
  process.once("exit", orphanGuard);
  void exited.then(() => process.off("exit", orphanGuard));
  const ready = await new Promise<RegExpExecArray>((done, fail) => {
    let stdout = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`${options.name} did not start within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = options.ready.exec(stdout);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off("data", onData); // the stream keeps flowing; later output is the caller's
        done(match);
      }
    };
    child.stdout!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`${options.name} exited (${code}) before it was ready:\n${stderr}`));
    });
  });
  return {
    process: child,
    ready,
    exited,
    stderr: () => stderr,
    async signal(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * The bundle of one of Overleg's entry points (scripts/build-server.mjs), as `npm start`, `npm run
 * seed` and `npm run audit:verify` run them; the global setup builds them once per run.
 */
export { serverBundle };

export interface ChildServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** kill -9, and wait until the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), and wait until the process is gone; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Overleg as a child process (test/support/child-server.ts, bundled) serving the existing database at
 * `databaseUrl`; `env` adds its test settings (OVERLEG_TEST_COLLAB, REDIS_URL, …).
 */
export async function startChildServer(databaseUrl: string, env: Record<string, string> = {}, timeoutMs = 30_000): Promise<ChildServer> {
  const port = await freePort();
  const child = await spawnReady({
    name: "the child server",
    args: ["--enable-source-maps", serverBundle("test-child")],
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "error", ...env },
    ready: /listening (\S+)/,
    timeoutMs,
  });
  return {
    url: child.ready[1],
    port,
    process: child.process,
    async kill() {
      await child.signal("SIGKILL");
    },
    stop: () => child.signal("SIGTERM"),
  };
}
