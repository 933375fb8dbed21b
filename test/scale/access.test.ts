/**
 * Access changes made on one node reach the connections another node holds: node A runs in this
 * process (the test calls its commands and signs out through its HTTP API), node B is a child
 * process on the same database and Redis that holds every socket.io socket and collab connection
 * of these tests. B re-checks sessions only once an hour, so only what A passes on (domain events
 * through Redis, socket.io's adapter) can close them. Also: a node that loses its database reports
 * itself unhealthy.
 */
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CloseCode } from "../../app/shared/collab";
import { disablePerson } from "../../server/commands/personDisable";
import { loadActor } from "../../server/services/access";
import { removeMember } from "../../server/commands/memberRemove";
import { connectProvider, pollAsync, synced, until, upgradeStatus, type ProviderClient } from "../collab/helpers";
import { closeAll, connect, disconnected, next, type Client } from "../realtime/clients";
import { startTestServer, type TestServer } from "../support/server";
import { SHARED_REDIS_URL, skipReason, startNode, type Node } from "./support";
import { WS } from "../support/fixtures";

const reason = await skipReason();
const FINANCING = WS.financing;

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
  let clients: ProviderClient[] = [];
  let sockets: Client[] = [];

  beforeAll(async () => {
    a = await startTestServer({ env: { REDIS_URL: SHARED_REDIS_URL } });
    b = await startNode(a.env.DATABASE_URL, { redisUrl: SHARED_REDIS_URL, sessionCheckMs: 60 * 60_000 });
  }, 200_000);

  afterEach(() => {
    for (const c of clients) c.destroy();
    closeAll(...sockets);
    clients = [];
    sockets = [];
  });

  afterAll(async () => {
    await b?.kill();
    await a?.stop();
  });

  /** A session (signed in on node A) with a socket.io socket in the section's rooms and a collab connection, both on node B. */
  const onB = async (email: string, sectionId: string, workspaceId: string) => {
    const session = await a.signIn(email);
    const socket = await connect(b.url, { cookie: session.cookie });
    sockets.push(socket);
    expect(await socket.emitWithAck("workspace:join", [workspaceId])).toMatchObject({ ok: true });
    expect(await socket.emitWithAck("section:join", sectionId)).toMatchObject({ ok: true });
    const collab = connectProvider(b.url, sectionId, { cookie: session.cookie });
    clients.push(collab);
    await synced(collab, 15_000);
    return { session, socket, collab };
  };

  it("takes a member removed on node A out of the workspace on node B (socket.io) and closes their collab connection there; others stay", async () => {
    const workspaceId = await a.workspaceId(FINANCING);
    const [sectionId] = await a.sectionIds(FINANCING);
    const drafter = await onB("drafter@kgg.example", sectionId, workspaceId);
    const lead = await onB("lead@ez.example", sectionId, workspaceId);
    const lost = next(drafter.socket, "access.lost", (p) => p.workspaceId === workspaceId, 15_000);
    const actor = (await loadActor(a.database, await a.userId("lead@ez.example")))!;
    await removeMember(a.services, { actor, workspaceId, userId: await a.userId("drafter@kgg.example") });
    expect(await lost).toEqual({ workspaceId });
    expect(await closedWith(drafter.collab, [CloseCode.Forbidden], "the removed member's connection on node B to close")).toBe(CloseCode.Forbidden);
    // Out of the rooms on node B: a later change in the workspace reaches the lead there, not the drafter.
    const leadGets = next(lead.socket, "section.changed", (p) => p.sectionId === sectionId, 15_000);
    a.services.events.emit("section.changed", { workspaceId, sectionId, status: "draft", title: "Aanleiding" });
    await leadGets;
    expect(drafter.socket.received.some((r) => r.event === "section.changed")).toBe(false);
    expect(drafter.socket.connected).toBe(true); // still signed in: only this workspace is gone
    expect(lead.collab.provider.wsconnected).toBe(true);
    expect(lead.collab.closes).toEqual([]);
  });

  it("disconnects on node B the socket and the collab connection of a person disabled on node A", async () => {
    const workspaceId = await a.workspaceId(WS.labour);
    const [sectionId] = await a.sectionIds(WS.labour);
    const viewer = await onB("viewer@tno.example", sectionId, workspaceId);
    const gone = disconnected(viewer.socket, 15_000);
    const actor = (await loadActor(a.database, await a.userId("admin@overleg.example")))!;
    await disablePerson(a.services, { actor, userId: await a.userId("viewer@tno.example") });
    expect(await gone).toBe("io server disconnect");
    const code = await closedWith(viewer.collab, [CloseCode.Unauthorized, CloseCode.Forbidden], "the disabled person's connection on node B to close");
    expect([CloseCode.Unauthorized, CloseCode.Forbidden]).toContain(code);
  });

  it("disconnects on node B the socket and the collab connection of a session signed out on node A; the person's other session stays", async () => {
    const workspaceId = await a.workspaceId(FINANCING);
    const [, sectionId] = await a.sectionIds(FINANCING);
    const signedOut = await onB("expert@fme.example", sectionId, workspaceId);
    const otherDevice = await onB("expert@fme.example", sectionId, workspaceId);
    const gone = disconnected(signedOut.socket, 15_000);
    const out = await fetch(`${a.url}/api/auth/sign-out`, { method: "POST", headers: { cookie: signedOut.session.cookie, origin: a.url } });
    expect(out.status).toBe(200);
    expect(await gone).toBe("io server disconnect");
    expect(await closedWith(signedOut.collab, [CloseCode.Unauthorized], "the signed-out connection on node B to close")).toBe(CloseCode.Unauthorized);
    expect(otherDevice.socket.connected).toBe(true);
    expect(await otherDevice.socket.emitWithAck("section:join", sectionId)).toMatchObject({ ok: true });
    expect(otherDevice.collab.closes).toEqual([]);
  });

  it("refuses on node B, at once, a member removed and a session signed out on node A just after node B let them in (its access cache)", async () => {
    const workspaceId = await a.workspaceId(WS.supply);
    const [sectionId] = await a.sectionIds(WS.supply);
    const drafterId = await a.userId("drafter@kgg.example");
    const drafter = await a.signIn("drafter@kgg.example");
    const expert = await a.signIn("expert@fme.example");
    const expertElsewhere = await a.signIn("expert@fme.example");
    // Node B remembers both (each asked twice: the second answer comes from its cache).
    for (const cookie of [drafter.cookie, drafter.cookie, expert.cookie, expert.cookie, expertElsewhere.cookie]) {
      expect(await upgradeStatus(b.url, `/${sectionId}`, { cookie })).toBe(101);
    }
    const lead = (await loadActor(a.database, await a.userId("lead@ez.example")))!;
    await removeMember(a.services, { actor: lead, workspaceId, userId: drafterId });
    expect(await upgradeStatus(b.url, `/${sectionId}`, { cookie: drafter.cookie })).toBe(403);
    const out = await fetch(`${a.url}/api/auth/sign-out`, { method: "POST", headers: { cookie: expert.cookie, origin: a.url } });
    expect(out.status).toBe(200);
    expect(await upgradeStatus(b.url, `/${sectionId}`, { cookie: expert.cookie })).toBe(401);
    expect(await upgradeStatus(b.url, `/${sectionId}`, { cookie: expertElsewhere.cookie })).toBe(101);
    // Back as a member (the change, then its event, as the command does): let in again on node B.
    await a.database.db.insert(a.database.t.memberships).values({ workspaceId, userId: drafterId, role: "editor" });
    a.services.events.emit("membership.changed", { workspaceId, userId: drafterId, role: "editor" });
    await pollAsync(async () => (await upgradeStatus(b.url, `/${sectionId}`, { cookie: drafter.cookie })) === 101, "node B to let the member in again", 15_000);
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
