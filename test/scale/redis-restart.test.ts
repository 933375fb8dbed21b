/**
 * Two nodes (child processes) on one PostgreSQL database and a Redis of the test's own, which is
 * stopped and started again while clients on both nodes type: edits keep being stored while Redis is
 * away (the nodes report "degraded", not unhealthy), and once it is back the nodes catch up from the
 * update log and every client has every word. Then, on the same nodes: a garbled message on the
 * section's channel stops neither node; sign-in attempts are counted in Redis, so the limit holds
 * across nodes.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendParagraph, pollAsync, signInAt, synced } from "../collab/helpers";
import {
  connectBalanced,
  converge,
  lines,
  NodeList,
  seededDatabase,
  skipReason,
  startNode,
  startOwnRedis,
  storedLines,
  type BalancedClient,
  type Node,
  type OwnRedis,
} from "./support";

const reason = await skipReason();
const SIGN_IN_PER_MINUTE = 4;

async function health(node: Node): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${node.url}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe.skipIf(reason !== null)(`two nodes through a Redis restart${reason ? ` (${reason})` : ""}`, () => {
  let db: Awaited<ReturnType<typeof seededDatabase>>;
  let redis: OwnRedis;
  let nodes: Node[] = [];
  const clients: BalancedClient[] = [];

  beforeAll(async () => {
    db = await seededDatabase();
    redis = await startOwnRedis();
    nodes = await Promise.all([0, 1].map(() => startNode(db.url, { redisUrl: redis.url, signInPerMinute: SIGN_IN_PER_MINUTE })));
    const list = new NodeList(nodes.map((n) => n.url));
    const lead = (await signInAt(nodes[0].url, "lead@ez.example")).cookie;
    const drafter = (await signInAt(nodes[1].url, "drafter@kgg.example")).cookie;
    clients.push(
      connectBalanced(list, 0, db.sectionId, { cookie: lead }),
      connectBalanced(list, 1, db.sectionId, { cookie: drafter }),
      connectBalanced(list, 0, db.sectionId, { cookie: drafter }),
      connectBalanced(list, 1, db.sectionId, { cookie: lead }),
    );
    await Promise.all(clients.map((c) => synced(c, 15_000)));
  }, 200_000);

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await Promise.all(nodes.map((n) => n.kill()));
    await redis?.stop();
    await db?.drop();
  });

  it("converges after Redis is stopped and started again in the middle of editing, losing nothing", async () => {
    expect((await health(nodes[0])).body).toEqual({ status: "ok", database: "ok", redis: "ok" });
    const typed: string[] = [];
    const typeAll = (phase: string, n: number) =>
      clients.forEach((c, i) => {
        for (let w = 0; w < n; w++) {
          const word = `${phase}-c${i}-w${w}`;
          appendParagraph(c.doc, word);
          typed.push(word);
        }
      });

    typeAll("before", 5);
    await converge(clients, typed, "before Redis stops");

    await redis.stop();
    await pollAsync(async () => (await health(nodes[1])).body.redis === "unavailable", "node 2 to report Redis unavailable", 10_000);
    expect(await health(nodes[1])).toEqual({ status: 200, body: { status: "degraded", database: "ok", redis: "unavailable" } });

    // Typed while Redis is away: each node stores what its clients send.
    typeAll("during", 5);
    await pollAsync(async () => {
      const stored = await storedLines(db.url, db.sectionId);
      return typed.filter((w) => w.startsWith("during")).every((w) => stored.has(w));
    }, "the words typed while Redis is away to be stored", 15_000);

    await redis.start();
    typeAll("after", 5);
    await converge(clients, typed, "after Redis is back", 30_000);
    await pollAsync(async () => (await health(nodes[0])).body.status === "ok", "node 1 to report ok again", 15_000);

    const everything = new Set(clients.flatMap((c) => [...lines(c.doc)]));
    await pollAsync(async () => {
      const stored = await storedLines(db.url, db.sectionId);
      return [...everything].every((w) => stored.has(w));
    }, "every word any client has to be in the database", 15_000);
  }, 120_000);

  it("keeps both nodes serving, and every client getting what is typed next, when a message on the section's channel does not apply", async () => {
    const publisher = new Redis(redis.url);
    try {
      // An update frame (format 1, kind 0) from a node id no node has, whose payload is no Yjs update.
      const frame = Buffer.concat([Buffer.from([1, 0]), randomBytes(16), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9])]);
      expect(await publisher.publish(`overleg:collab:${db.sectionId}`, frame)).toBe(2); // both nodes have the section open
    } finally {
      publisher.disconnect();
    }
    const words = clients.map((c, i) => {
      const word = `after-garbage-c${i}`;
      appendParagraph(c.doc, word);
      return word;
    });
    await converge(clients, words, "after a message that does not apply");
    for (const node of nodes) expect(await health(node)).toEqual({ status: 200, body: { status: "ok", database: "ok", redis: "ok" } });
    expect(clients.map((c) => c.node()).sort()).toEqual([nodes[0].url, nodes[0].url, nodes[1].url, nodes[1].url].sort()); // nobody had to move
  });

  it("counts sign-in attempts in Redis, so the limit holds across nodes", async () => {
    const admin = new Redis(redis.url);
    try {
      await admin.flushdb(); // the attempts of the setup's sign-ins (and a restarted Redis) start afresh
    } finally {
      admin.disconnect();
    }
    const statuses: number[] = [];
    for (let i = 0; i < SIGN_IN_PER_MINUTE + 2; i++) {
      const node = nodes[i % 2];
      const res = await fetch(`${node.url}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: node.url },
        body: JSON.stringify({ email: "lead@ez.example", password: "not-the-password" }),
      });
      await res.text();
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });
});
