/**
 * Starts test/support/child-server.ts as a separate process on an existing database, so a test can
 * kill it with SIGKILL and start it again.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import type { CollabOptions } from "../../server/collab/index";
import { freePort } from "../support/server";

const entry = resolve(import.meta.dirname, "../support/child-server.ts");

export interface ChildServer {
  url: string;
  process: ChildProcess;
  /** kill -9, and wait until the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), and wait until the process is gone. */
  stop(): Promise<number | null>;
}

export async function startChildServer(databaseUrl: string, collab: CollabOptions = {}, timeoutMs = 30_000): Promise<ChildServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "error",
      OVERLEG_TEST_COLLAB: JSON.stringify(collab),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const url = await new Promise<string>((done, fail) => {
    let stdout = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`the child server did not start within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening (\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        done(match[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`the child server exited (${code}) before listening:\n${stderr}`));
    });
  });
  return {
    url,
    process: child,
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
