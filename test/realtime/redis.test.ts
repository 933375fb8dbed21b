/**
 * Two Overleg nodes on one database and one Redis: socket.io events, presence, revocations and
 * access changes cross from one node to the other. Skipped (saying so) when Redis is not reachable.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DomainEvents } from "../../server/events";
import { startTestServer, type TestServer } from "../support/server";
import { closeAll, connectAs, disconnected, next, presenceOf, type Client } from "./clients";
import { WS } from "../support/fixtures";
import { redisAnswers, SHARED_REDIS_URL } from "../support/redis";

const REDIS_URL = SHARED_REDIS_URL;


const redisUp = await redisAnswers(REDIS_URL);

describe.skipIf(!redisUp)(`two nodes sharing Redis at ${REDIS_URL}${redisUp ? "" : " (skipped: Redis is not reachable there)"}`, () => {
  let a: TestServer;
  let b: TestServer;
  let open: Client[] = [];
  const on = async (node: TestServer, email: string) => {
    const socket = await connectAs(a, email, node.url);
    open.push(socket);
    return socket;
  };

  beforeAll(async () => {
    a = await startTestServer({ env: { REDIS_URL } });
    b = await startTestServer({ env: { REDIS_URL }, databaseUrl: a.env.DATABASE_URL });
  });
  afterEach(() => {
    closeAll(...open);
    open = [];
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it("delivers a section change made on node A to a member connected to node B, once, and to B's own event bus", async () => {
    const workspaceId = await a.workspaceId(WS.financing);
    const [sectionId, second] = await a.sectionIds(WS.financing);
    const onB = await on(b, "drafter@kgg.example");
    const partnerOnB = await on(b, "partner@be.example");
    expect((await onB.emitWithAck("workspace:join", [workspaceId])).ok).toBe(true);
    expect((await partnerOnB.emitWithAck("workspace:join", [workspaceId])).ok).toBe(false);

    const onBus: DomainEvents["section.changed"][] = [];
    const bothOnBus = new Promise<void>((resolve) => {
      const off = b.services.events.on("section.changed", (p) => {
        onBus.push(p);
        if (onBus.length === 2) {
          off();
          resolve();
        }
      });
    });
    const change = { workspaceId, sectionId, status: "in_review" as const, title: "Aanleiding" };
    const arrives = next(onB, "section.changed", (p) => p.sectionId === sectionId);
    a.services.events.emit("section.changed", change);
    expect(await arrives).toEqual(change);

    // A second change after it: when it has arrived, the first one had arrived exactly once.
    const later = next(onB, "section.changed", (p) => p.sectionId === second);
    a.services.events.emit("section.changed", { ...change, sectionId: second });
    await later;
    await bothOnBus;
    // B has re-emitted both on its bus by now; anything B would wrongly broadcast again went to the
    // socket before this last change, made on B itself.
    const last = next(onB, "section.changed", (p) => p.title === "last");
    b.services.events.emit("section.changed", { ...change, title: "last" });
    await last;
    expect(onB.received.filter((r) => r.event === "section.changed").map((r) => (r.payload as { title: string }).title)).toEqual([
      "Aanleiding",
      "Aanleiding",
      "last",
    ]);
    expect(onB.received.filter((r) => r.event === "section.changed").map((r) => (r.payload as { sectionId: string }).sectionId)).toEqual([
      sectionId,
      second,
      sectionId,
    ]);
    expect(onBus.map((p) => p.sectionId)).toEqual([sectionId, second]);
    expect(partnerOnB.received.some((r) => r.event === "section.changed")).toBe(false);
  });

  it("shows presence across nodes: people on A and on B see each other arrive and leave", async () => {
    const workspaceId = await a.workspaceId(WS.labour);
    const leadOnA = await on(a, "lead@ez.example");
    const expertOnB = await on(b, "expert@fme.example");
    await leadOnA.emitWithAck("presence:enter", { workspaceId, sectionId: null });
    const leadSees = presenceOf(leadOnA, workspaceId, ["Eva de Leeuw", "Fatima El Amrani"]);
    const entered = await expertOnB.emitWithAck("presence:enter", { workspaceId, sectionId: null });
    expect(entered.ok && entered.presence.people.map((p) => p.name)).toEqual(["Eva de Leeuw", "Fatima El Amrani"]);
    await leadSees;
    const expertSeesLeave = presenceOf(expertOnB, workspaceId, ["Fatima El Amrani"]);
    leadOnA.close();
    await expertSeesLeave;
  });

  it("disconnects on node B a person revoked on node A", async () => {
    const viewerOnB = await on(b, "viewer@tno.example");
    const leadOnB = await on(b, "lead@ez.example");
    const gone = disconnected(viewerOnB);
    a.services.events.emit("person.revoked", { userId: await a.userId("viewer@tno.example") });
    expect(await gone).toBe("io server disconnect");
    expect(leadOnB.connected).toBe(true);
  });

  it("takes a person's socket on node B out of a workspace whose membership node A removed", async () => {
    const workspaceId = await a.workspaceId(WS.contactPoint);
    const drafterId = await a.userId("drafter@kgg.example");
    const drafterOnB = await on(b, "drafter@kgg.example");
    expect((await drafterOnB.emitWithAck("workspace:join", [workspaceId])).ok).toBe(true);
    const { db, t } = a.database;
    await db.delete(t.memberships).where(and(eq(t.memberships.workspaceId, workspaceId), eq(t.memberships.userId, drafterId)));
    const lost = next(drafterOnB, "access.lost", (p) => p.workspaceId === workspaceId);
    a.services.events.emit("membership.changed", { workspaceId, userId: drafterId, role: null });
    await lost;
    expect(await drafterOnB.emitWithAck("workspace:join", [workspaceId])).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });
});
