/**
 * The upgrade's short-lived access cache (server/collab/access-cache.ts, ADR 041): a person whose
 * access was just remembered is refused (or given fewer rights) by the very next upgrade after an
 * access change: member removed, role changed, person disabled, session signed out or ended, agenda
 * archived, section locked. Each test first connects (so the cache holds the person), then changes
 * access, then connects again at once. Then the cache itself: a lookup that an access change overtook
 * is not kept, an expired session is never answered, and with several nodes nothing is answered from
 * memory while the channel of their events is down.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DeniedReason } from "../../app/shared/collab";
import { setAgendaArchived } from "../../server/commands/agendaArchive";
import { changeMemberRole } from "../../server/commands/memberChangeRole";
import { removeMember } from "../../server/commands/memberRemove";
import { disablePerson } from "../../server/commands/personDisable";
import { endSessions } from "../../server/commands/sessionEnd";
import { createAccessCache, type AccessChannel } from "../../server/collab/access-cache";
import type { SessionState, SignedIn } from "../../server/context";
import { DomainEventBus } from "../../server/events";
import { loadActor } from "../../server/services/access";
import { startTestServer, type TestServer } from "../support/server";
import { msg, paragraphUpdate, sessionClients, upgradeStatus } from "./helpers";

describe("the upgrade's access cache, on a real server", () => {
  let server: TestServer;
  const { cookies, headersOf, raw, closeAll } = sessionClients(() => server);
  let financing: string[];
  let financingId: string;

  beforeAll(async () => {
    // The periodic session check once an hour: only the access changes themselves can refuse anyone here.
    server = await startTestServer({ sessionCheck: { everyMs: 60 * 60_000 } });
    for (const email of ["lead@ez.example", "drafter@kgg.example", "expert@fme.example", "viewer@tno.example", "partner@be.example"]) {
      cookies.set(email, (await server.signIn(email)).cookie);
    }
    financing = await server.sectionIds("Toegang tot financiering");
    financingId = await server.workspaceId("Toegang tot financiering");
  });
  afterEach(() => closeAll());
  afterAll(async () => {
    await server?.stop();
  });

  const actorOf = async (email: string) => (await loadActor(server.database, await server.userId(email)))!;
  const opens = (email: string, sectionId: string, headers: Record<string, string> = headersOf(email)) => upgradeStatus(server.url, `/${sectionId}`, headers);

  /** Puts a membership back as it was, the way a command would (the change, then its event). */
  async function restoreMembership(workspaceId: string, email: string, role: "editor" | "commenter" | "viewer" | "owner") {
    const { db, t } = server.database;
    const userId = await server.userId(email);
    await db.delete(t.memberships).where(and(eq(t.memberships.workspaceId, workspaceId), eq(t.memberships.userId, userId)));
    await db.insert(t.memberships).values({ workspaceId, userId, role });
    server.services.events.emit("membership.changed", { workspaceId, userId, role });
  }

  /** A new connection's first change: refused (with the reason) or not. */
  async function firstChange(email: string, sectionId: string): Promise<{ invited: boolean; denied: string | null }> {
    const client = await raw(email, sectionId);
    client.send(msg.syncStep1());
    const step2 = await client.next("sync-step-2", "the document");
    const invited = client.frames.some((f) => f.kind === "sync-step-1");
    client.send(msg.update(paragraphUpdate(step2.payload, `Van ${email}.`)));
    await client.roundTrip();
    const denied = client.frames.find((f) => f.kind === "denied");
    return { invited, denied: denied && denied.kind === "denied" ? denied.reason : null };
  }

  it("refuses a member removed just after they connected (403), and lets them in again once they are back", async () => {
    const sectionId = financing[0];
    expect(await opens("drafter@kgg.example", sectionId)).toBe(101);
    expect(await opens("drafter@kgg.example", sectionId)).toBe(101);
    await removeMember(server.services, { actor: await actorOf("lead@ez.example"), workspaceId: financingId, userId: await server.userId("drafter@kgg.example") });
    expect(await opens("drafter@kgg.example", sectionId)).toBe(403);
    expect(await opens("lead@ez.example", sectionId)).toBe(101);
    await restoreMembership(financingId, "drafter@kgg.example", "editor");
    expect(await opens("drafter@kgg.example", sectionId)).toBe(101);
  });

  it("gives an editor made viewer a read-only connection at once", async () => {
    const sectionId = financing[1];
    expect(await firstChange("drafter@kgg.example", sectionId)).toEqual({ invited: true, denied: null });
    await changeMemberRole(server.services, {
      actor: await actorOf("lead@ez.example"),
      workspaceId: financingId,
      userId: await server.userId("drafter@kgg.example"),
      role: "viewer",
    });
    expect(await firstChange("drafter@kgg.example", sectionId)).toEqual({ invited: false, denied: DeniedReason.ReadOnly });
    await restoreMembership(financingId, "drafter@kgg.example", "editor");
  });

  it("refuses a person disabled just after they connected (401)", async () => {
    const crossBorder = (await server.sectionIds("Grensoverschrijdende samenwerking"))[0];
    expect(await opens("partner@be.example", crossBorder)).toBe(101);
    await disablePerson(server.services, { actor: await actorOf("admin@overleg.example"), userId: await server.userId("partner@be.example") });
    expect(await opens("partner@be.example", crossBorder)).toBe(401);
  });

  it("refuses a session signed out just after it connected (401); the person's other session still gets in", async () => {
    const sectionId = financing[0];
    const leaving = await server.signIn("expert@fme.example");
    const staying = await server.signIn("expert@fme.example");
    expect(await opens("expert@fme.example", sectionId, { cookie: leaving.cookie })).toBe(101);
    expect(await opens("expert@fme.example", sectionId, { cookie: staying.cookie })).toBe(101);
    const out = await fetch(`${server.url}/api/auth/sign-out`, { method: "POST", headers: { cookie: leaving.cookie, origin: server.url } });
    expect(out.status).toBe(200);
    expect(await opens("expert@fme.example", sectionId, { cookie: leaving.cookie })).toBe(401);
    expect(await opens("expert@fme.example", sectionId, { cookie: staying.cookie })).toBe(101);
  });

  it("refuses a session ended from the sessions page, and a bearer token of it, just after they connected (401)", async () => {
    const sectionId = financing[0];
    const session = await server.signIn("viewer@tno.example");
    const bearer = { authorization: `Bearer ${session.token}` };
    const labour = (await server.sectionIds("Geschoolde arbeidskrachten"))[0];
    expect(await opens("viewer@tno.example", labour, { cookie: session.cookie })).toBe(101);
    expect(await opens("viewer@tno.example", labour, bearer)).toBe(101);
    const viewer = await actorOf("viewer@tno.example");
    const ended = await endSessions(server.services, { actor: viewer, userId: viewer.id, which: "all" });
    expect(ended).toBeGreaterThan(0);
    expect(await opens("viewer@tno.example", labour, { cookie: session.cookie })).toBe(401);
    expect(await opens("viewer@tno.example", labour, bearer)).toBe(401);
    expect(await opens("lead@ez.example", sectionId)).toBe(101);
  });

  it("refuses a member of a workspace whose agenda was just archived (403); its owner still gets in", async () => {
    const sectionId = financing[2];
    const { db, t } = server.database;
    const [ws] = await db.select({ agendaId: t.workspaces.agendaId }).from(t.workspaces).where(eq(t.workspaces.id, financingId));
    const admin = await actorOf("admin@overleg.example");
    expect(await opens("drafter@kgg.example", sectionId)).toBe(101);
    expect(await opens("lead@ez.example", sectionId)).toBe(101);
    await setAgendaArchived(server.services, { actor: admin, agendaId: ws.agendaId!, archived: true });
    try {
      expect(await opens("drafter@kgg.example", sectionId)).toBe(403);
      expect(await opens("lead@ez.example", sectionId)).toBe(101);
    } finally {
      await setAgendaArchived(server.services, { actor: admin, agendaId: ws.agendaId!, archived: false });
    }
    expect(await opens("drafter@kgg.example", sectionId)).toBe(101);
  });

  it("gives an editor of a section that was just locked (signed off) a connection that may change nothing", async () => {
    const { db, t } = server.database;
    const sectionId = (await server.sectionIds("Leveringscontracten op lange termijn"))[0];
    const [section] = await db.select().from(t.sections).where(eq(t.sections.id, sectionId));
    expect(await firstChange("drafter@kgg.example", sectionId)).toEqual({ invited: true, denied: null });
    // What the sign-off does (its command is tested in test/review): the status, then its event.
    await db.update(t.sections).set({ status: "final" }).where(eq(t.sections.id, sectionId));
    server.services.events.emit("section.changed", { workspaceId: section.workspaceId, sectionId, status: "final", title: section.title });
    try {
      expect(await firstChange("drafter@kgg.example", sectionId)).toEqual({ invited: false, denied: DeniedReason.Locked });
    } finally {
      await db.update(t.sections).set({ status: section.status }).where(eq(t.sections.id, sectionId));
      server.services.events.emit("section.changed", { workspaceId: section.workspaceId, sectionId, status: section.status, title: section.title });
    }
  });

  it("refuses a section archived just after they connected (410), and lets them in once it is restored", async () => {
    const { db, t } = server.database;
    const sectionId = financing[4] ?? financing[0];
    const [section] = await db.select().from(t.sections).where(eq(t.sections.id, sectionId));
    expect(await opens("drafter@kgg.example", sectionId)).toBe(101);
    await db.update(t.sections).set({ archivedAt: new Date() }).where(eq(t.sections.id, sectionId));
    server.services.events.emit("section.archived", { workspaceId: section.workspaceId, sectionId });
    expect(await opens("drafter@kgg.example", sectionId)).toBe(410);
    await db.update(t.sections).set({ archivedAt: null }).where(eq(t.sections.id, sectionId));
    server.services.events.emit("workspace.changed", { workspaceId: section.workspaceId });
    expect(await opens("drafter@kgg.example", sectionId)).toBe(101);
  });
});

describe("the access cache itself", () => {
  const actor = { id: "u1", name: "A", email: "a@x", isAdmin: false, organisationId: null, organisationKind: null, organisationName: null, organisationShortCode: null, sessionId: "s1" } as SignedIn;

  /** A cache over a session lookup the test answers itself, and a count of the lookups. */
  function setup(options: { channel?: AccessChannel; now?: () => number } = {}) {
    const events = new DomainEventBus();
    const asked: ((state: SessionState | null) => void)[] = [];
    let expiresAt = new Date(Date.now() + 60_000);
    const services = {
      database: null as never,
      events,
      sessionFromHeaders: () =>
        new Promise<SessionState | null>((resolve) => {
          asked.push(resolve);
        }),
    };
    const cache = createAccessCache(services, { ttlMs: 5000, ...options });
    const answer = () => asked.shift()!({ actor, gate: null, expiresAt });
    return { events, cache, asked, answer, expire: (at: Date) => (expiresAt = at) };
  }
  const headers = { cookie: "better-auth.session_token=x" };

  it("asks once for a burst of the same session, and again after an event about that person", async () => {
    const { cache, asked, answer, events } = setup();
    const burst = [cache.actor(headers), cache.actor(headers), cache.actor(headers)];
    expect(asked).toHaveLength(1);
    answer();
    expect((await Promise.all(burst)).map((a) => a?.id)).toEqual(["u1", "u1", "u1"]);
    expect((await cache.actor(headers))?.id).toBe("u1");
    expect(asked).toHaveLength(0);
    events.emit("session.ended", { userId: "u1" });
    const again = cache.actor(headers);
    await Promise.resolve();
    expect(asked).toHaveLength(1);
    answer();
    expect((await again)?.id).toBe("u1");
    cache.close();
  });

  it("does not keep a lookup that an access change overtook, and tells the caller to check again", async () => {
    const { cache, asked, answer, events } = setup();
    const before = cache.generation();
    const first = cache.actor(headers);
    events.emit("person.revoked", { userId: "u1" });
    answer();
    await first;
    expect(cache.changedSince(before)).toBe(true);
    const second = cache.actor(headers);
    await Promise.resolve();
    expect(asked).toHaveLength(1); // not answered from memory
    answer();
    await second;
    expect(cache.changedSince(cache.generation())).toBe(false);
    cache.close();
  });

  it("never answers a session past its expiry from memory", async () => {
    let clock = Date.now();
    const { cache, asked, answer, expire } = setup({ now: () => clock });
    expire(new Date(clock + 1000));
    const first = cache.actor(headers);
    answer();
    expect((await first)?.id).toBe("u1");
    clock += 1500;
    const later = cache.actor(headers);
    await new Promise((r) => setImmediate(r));
    expect(asked).toHaveLength(1); // past its expiry: asked again, not answered from memory
    answer(); // the lookup says the same (expired): nobody
    expect(await later).toBeNull();
    cache.close();
  });

  it("answers from memory only after a round trip on the other nodes' channel that began after the lookup", async () => {
    const trips: ((ok: boolean) => void)[] = [];
    const channel: AccessChannel = { epoch: () => 1, barrier: () => new Promise<boolean>((resolve) => trips.push(resolve)) };
    const { cache, answer } = setup({ channel });
    const first = cache.actor(headers);
    answer();
    await first;
    let early = false;
    const a = cache.actor(headers).then((x) => ((early = true), x));
    await new Promise((r) => setImmediate(r));
    expect(trips).toHaveLength(1);
    // Another lookup arrives while that round trip runs: it waits for one sent after it.
    let late = false;
    const b = cache.actor(headers).then((x) => ((late = true), x));
    await new Promise((r) => setImmediate(r));
    trips.shift()!(true);
    expect((await a)?.id).toBe("u1");
    expect(early).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(late).toBe(false);
    expect(trips).toHaveLength(1);
    trips.shift()!(true);
    expect((await b)?.id).toBe("u1");
    cache.close();
  });

  it("answers nothing from memory while the channel of the other nodes' events is down, nor what was kept before it broke", async () => {
    let epoch: number | null = 1;
    let barriers = 0;
    const channel: AccessChannel = {
      epoch: () => epoch,
      barrier: async () => {
        barriers++;
        return epoch !== null;
      },
    };
    const { cache, asked, answer } = setup({ channel });
    const first = cache.actor(headers);
    answer();
    await first;
    const hit = await cache.actor(headers);
    expect(hit?.id).toBe("u1");
    expect(barriers).toBe(1); // a hit waits for the other nodes' events first
    expect(asked).toHaveLength(0);

    epoch = null; // Redis went away
    const down = cache.actor(headers);
    await new Promise((r) => setImmediate(r));
    expect(asked).toHaveLength(1);
    answer();
    await down;
    epoch = 2; // back, but events may have been lost meanwhile
    const after = cache.actor(headers);
    await new Promise((r) => setImmediate(r));
    expect(asked).toHaveLength(1);
    answer();
    await after;
    cache.close();
  });
});
