/**
 * Whole-app idle memory: Overleg as `npm start` runs it (the server bundle, the Remix
 * build, socket.io, the collab server, the mail sender, search), on plain Node with an SQLite file. A first start fills
 * the file with the demo data and stops; a second start on it is measured: its resident memory (RSS)
 * and JS heap 5 s after it listens, after one full garbage collection. Overleg only: the peers are
 * collab servers without an app.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildServer } from "../../scripts/build-server.mjs";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { serverBundle, spawnReady, type ReadyChild } from "../../test/support/spawn";
import { freePort, rssKbOf } from "../lib/proc";
import { round, sleep } from "../lib/stats";

export interface IdleResult {
  /** Resident memory of the idle process, after a full collection. */
  rssKb: number;
  /** JS heap in use after that collection. */
  heapUsedKb: number;
  /** JS heap V8 keeps committed (part of the RSS). */
  heapTotalKb: number;
  /** From spawning the second start to its "listening" line. */
  startMs: number;
}

async function start(dir: string): Promise<ReadyChild> {
  return spawnReady({
    name: "overleg (npm start)",
    args: ["--expose-gc", "--import", resolve(import.meta.dirname, "../servers/gc-hook.mjs"), serverBundle("main")],
    env: {
      ...process.env,
      // As `npm start` sets it (package.json, ADR 045): two malloc arenas, not sixteen.
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2",
      NODE_ENV: "development",
      HOST: "127.0.0.1",
      PORT: String(await freePort()),
      DATABASE_URL: `file:${join(dir, "overleg.db")}`,
      AUDIT_KEY_FILE: join(dir, "audit-key.pem"),
      LOG_LEVEL: "info",
    },
    ready: /Overleg is listening/,
    timeoutMs: 120_000,
  });
}

export async function runIdle(): Promise<IdleResult> {
  ensureBuild();
  await buildServer();
  const dir = mkdtempSync(join(tmpdir(), "overleg-idle-"));
  try {
    await (await start(dir)).signal("SIGTERM"); // seeds the demo data
    const t0 = performance.now();
    const child = await start(dir);
    const startMs = performance.now() - t0;
    try {
      await sleep(5000);
      const heap = await new Promise<{ used: number; committed: number }>((done, fail) => {
        const timer = setTimeout(() => fail(new Error("no gc-done from the idle server")), 10_000);
        const onData = (chunk: Buffer) => {
          const line = /gc-done (\d+) (\d+)/.exec(chunk.toString());
          if (!line) return;
          clearTimeout(timer);
          child.process.stdout!.off("data", onData);
          done({ used: Number(line[1]), committed: Number(line[2]) });
        };
        child.process.stdout!.on("data", onData);
        child.process.kill("SIGUSR2");
      });
      return {
        rssKb: rssKbOf(child.process.pid!),
        heapUsedKb: round(heap.used / 1024, 0),
        heapTotalKb: round(heap.committed / 1024, 0),
        startMs: round(startMs, 0),
      };
    } finally {
      await child.signal("SIGTERM");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
