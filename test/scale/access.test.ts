/**
 * Access changes made on one node reach collab connections held by another: node A runs in this
 * process (so the test calls its commands), node B is a child process on the same database and
 * Redis. Also: a node that loses its database reports itself unhealthy.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloseCode } from "../../app/shared/collab";
import { disablePerson } from "../../server/services/admin";
import { loadActor } from "../../server/services/access";
import { removeMember } from "../../server/services/memberships";
import { connectProvider, pollAsync, synced, until, type ProviderClient } from "../collab/helpers";
import { startTestServer, type TestServer } from "../support/server";
import { SHARED_REDIS_URL, skipReason, startNode, type Node } from "./support";

const reason = await skipReason();

/** Resolves with the close code once the server closed the provider's connection with one of `codes`. */
function closedWith(client: ProviderClient, codes: number[], what: string): Promise<number> {
  return until(
    (fn) => {
      client.provider.on("connection-close", fn);
      return () => client.provider.off("connection-close", fn);
    },
    () => client.closes.some((c) => codes.includes(c)),
    what,
    15_000,
  ).then(() => client.closes.find((c) => codes.includes(c))!);
}

describe.skipIf(reason !== null)(`access changes across nodes${reason ? ` (${reason})` : ""}`, () => {
  let a: TestServer;
  let b: Node;
  const clients: ProviderClient[] = [];

  beforeAll(async () => {
    a = await startTestServer({ env: { REDIS_URL: SHARED_REDIS_URL } });
    b = await startNode(a.env.DATABASE_URL, { redisUrl: SHARED_REDIS_URL });
  }, 200_000);

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await b?.kill();
    await a?.stop();
  });

  const onB = async (email: string, sectionId: string) => {
    const client = connectProvider(b.url, sectionId, { cookie: (await a.signIn(email)).cookie });
    clients.push(client);
    await synced(client, 15_000);
    return client;
  };

  it("closes on node B the collab connection of a member removed on node A; others stay", async () => {
    const workspaceId = await a.workspaceId("Toegang tot financiering");
    const [sectionId] = await a.sectionIds("Toegang tot financiering");
    const drafter = await onB("drafter@kgg.example", sectionId);
    const lead = await onB("lead@ez.example", sectionId);
    const actor = (await loadActor(a.database, await a.userId("lead@ez.example")))!;
    await removeMember(a.services, { actor, workspaceId, userId: await a.userId("drafter@kgg.example") });
    expect(await closedWith(drafter, [CloseCode.Forbidden], "the removed member's connection on node B to close")).toBe(CloseCode.Forbidden);
    expect(lead.provider.wsconnected).toBe(true);
    expect(lead.closes).toEqual([]);
  });

  it("closes on node B the collab connection of a person disabled on node A", async () => {
    const [sectionId] = await a.sectionIds("Geschoolde arbeidskrachten");
    const viewer = await onB("viewer@tno.example", sectionId);
    const actor = (await loadActor(a.database, await a.userId("admin@overleg.example")))!;
    await disablePerson(a.services, { actor, userId: await a.userId("viewer@tno.example") });
    const code = await closedWith(viewer, [CloseCode.Unauthorized, CloseCode.Forbidden], "the disabled person's connection on node B to close");
    expect([CloseCode.Unauthorized, CloseCode.Forbidden]).toContain(code);
  });

  it("reports database and Redis on /healthz, and is unhealthy once the database is gone", async () => {
    const lonely = await startTestServer({ env: { REDIS_URL: SHARED_REDIS_URL }, seed: false });
    try {
      // Its connections to Redis open as it starts.
      let body: unknown;
      await pollAsync(async () => {
        const res = await fetch(`${lonely.url}/healthz`);
        body = await res.json();
        return res.status === 200 && (body as { redis?: string }).redis === "ok";
      }, "the new node to report Redis ok", 10_000);
      expect(body).toEqual({ status: "ok", database: "ok", redis: "ok" });
      const name = new URL(lonely.env.DATABASE_URL).pathname.slice(1);
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      try {
        await admin.query(`drop database ${name} with (force)`);
      } finally {
        await admin.end();
      }
      const lost = await fetch(`${lonely.url}/healthz`);
      expect(lost.status).toBe(503);
      expect(await lost.json()).toMatchObject({ status: "error", database: "unavailable", redis: "ok" });
    } finally {
      await lonely.stop().catch(() => undefined);
    }
  });
});
