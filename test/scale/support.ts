/**
 * Several Overleg nodes for the scale tests: child processes (test/support/child-server.ts) on one PostgreSQL
 * database and one Redis, a Redis server of the test's own (to stop and start in the middle), and
 * stock y-websocket providers that a client-side list of node URLs sends to a live node, as a load
 * balancer would.
 *
 * These tests need PostgreSQL (TEST_DATABASE_URL, the suite `npm run test:pg` runs) and Redis; on
 * SQLite (`npm test`) they are skipped, saying why.
 */
import { spawn, type ChildProcess } from "node:child_process";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { openDatabase } from "../../db/index";
import type { CollabOptions } from "../../server/collab/index";
import { loadStoredDoc } from "../../server/services/section-text";
import { seededDatabaseUrl } from "../support/server";
import { freePort, startChildServer, type ChildServer } from "../support/spawn";
import { redisAnswers, SHARED_REDIS_URL } from "../support/redis";
import { onDocUpdate, textOf, until, type ProviderClient } from "../collab/helpers";

export { SHARED_REDIS_URL };
const pgUrl = process.env.TEST_DATABASE_URL;


/** Why the scale tests cannot run here, or null when they can. */
export async function skipReason(): Promise<string | null> {
  if (!pgUrl || !/^postgres/.test(pgUrl)) return "skipped: several nodes need PostgreSQL and Redis; run `npm run test:pg` (TEST_DATABASE_URL)";
  if (!(await redisAnswers(SHARED_REDIS_URL))) return `skipped: Redis does not answer at ${SHARED_REDIS_URL}`;
  return null;
}

/** A PostgreSQL database of the test's own with the demo data; the first section of the first workspace. */
export async function seededDatabase(): Promise<{ url: string; drop: () => Promise<void>; sectionId: string; workspaceId: string }> {
  const { url, drop } = await seededDatabaseUrl();
  const database = await openDatabase(url);
  try {
    const { db, t } = database;
    const [section] = await db.select({ id: t.sections.id, workspaceId: t.sections.workspaceId }).from(t.sections).orderBy(t.sections.position).limit(1);
    return { url, drop, sectionId: section.id, workspaceId: section.workspaceId };
  } finally {
    await database.close();
  }
}

/** The paragraphs of a section as stored in the database. */
export async function storedLines(databaseUrl: string, sectionId: string): Promise<Set<string>> {
  const database = await openDatabase(databaseUrl);
  try {
    const doc = await loadStoredDoc(database, sectionId);
    return new Set(textOf(doc).split("\n"));
  } finally {
    await database.close();
  }
}

// ── nodes ──────────────────────────────────────────────────────────────────────────────────────────

export type Node = ChildServer;

export interface NodeOptions {
  redisUrl: string;
  collab?: CollabOptions;
  signInPerMinute?: number;
  /** How often the node re-checks open connections' sessions (ms); default 30 s. */
  sessionCheckMs?: number;
}

export async function startNode(databaseUrl: string, options: NodeOptions, timeoutMs = 90_000): Promise<Node> {
  return startChildServer(
    databaseUrl,
    {
      REDIS_URL: options.redisUrl,
      OVERLEG_TEST_COLLAB: JSON.stringify(options.collab ?? {}),
      OVERLEG_TEST_SIGNIN_PER_MINUTE: String(options.signInPerMinute ?? 0),
      OVERLEG_TEST_SESSION_CHECK_MS: String(options.sessionCheckMs ?? ""),
    },
    timeoutMs,
  );
}

// ── a Redis server of the test's own ───────────────────────────────────────────────────────────────
export interface OwnRedis {
  url: string;
  /** Stops it (SIGTERM; nothing is saved) and waits until it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const start = async () => {
    const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    proc = child;
    exited = new Promise<void>((done) => child.once("exit", () => done()));
    await new Promise<void>((done, fail) => {
      let out = "";
      const timer = setTimeout(() => fail(new Error(`redis-server did not start within 10 s:\n${out}`)), 10_000);
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("Ready to accept connections")) {
          clearTimeout(timer);
          done();
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        fail(new Error(`redis-server exited:\n${out}`));
      });
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      await exited;
    },
    start,
  };
}

// ── clients behind a "load balancer" ───────────────────────────────────────────────────────────────
/** The node URLs a client may use, and which of them are up (the test marks a node down before killing it). */
export class NodeList {
  readonly down = new Set<string>();
  constructor(readonly urls: string[]) {}
  /** The first live node from `preferred` on. */
  pick(preferred: number): string {
    for (let i = 0; i < this.urls.length; i++) {
      const url = this.urls[(preferred + i) % this.urls.length];
      if (!this.down.has(url)) return url;
    }
    throw new Error("no node is up");
  }
}

export interface BalancedClient extends ProviderClient {
  /** The node this client's current (or last) connection went to. */
  node(): string;
}

/**
 * The stock provider with the session's headers, whose every (re)connection goes to a live node of
 * `nodes`, starting with `preferred`.
 */
export function connectBalanced(nodes: NodeList, preferred: number, sectionId: string, headers: Record<string, string>): BalancedClient {
  let current = nodes.pick(preferred);
  const Balanced = class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      current = nodes.pick(preferred);
      const target = new URL(url.toString());
      const node = new URL(current.replace(/^http/, "ws"));
      target.host = node.host;
      super(target, protocols, { headers });
    }
  };
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${current.replace(/^http/, "ws")}/collab`, sectionId, doc, {
    WebSocketPolyfill: Balanced as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 300,
  });
  const closes: number[] = [];
  provider.on("connection-close", (event) => {
    if (event) closes.push(event.code);
  });
  return {
    doc,
    provider,
    closes,
    denied: [],
    node: () => current,
    destroy() {
      provider.destroy();
      provider.awareness.destroy();
      doc.destroy();
    },
  };
}

/** The paragraphs of a document (each test word is a paragraph of its own). */
export const lines = (doc: Y.Doc) => new Set(textOf(doc).split("\n"));

/** Waits until every client's text holds every one of `words`; the message names who lacks what. */
export async function converge(clients: ProviderClient[], words: string[], what: string, ms = 20_000): Promise<void> {
  try {
    await Promise.all(
      clients.map((c, i) =>
        until(onDocUpdate(c.doc), () => {
          const have = lines(c.doc);
          return words.every((w) => have.has(w));
        }, `client ${i} to have all ${words.length} words (${what})`, ms),
      ),
    );
  } catch (error) {
    const missing = clients.map((c, i) => {
      const have = lines(c.doc);
      return `client ${i}: missing ${words.filter((w) => !have.has(w)).slice(0, 10).join(" ")}`;
    });
    throw new Error(`${(error as Error).message}\n${missing.join("\n")}`);
  }
}
