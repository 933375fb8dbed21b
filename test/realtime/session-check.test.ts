/**
 * Sessions that end are noticed by the periodic re-check, on socket.io and on the collab WebSocket
 * alike, also after the server sat idle (a round with no connection open used to stop socket.io's
 * re-check for good). The server's clock is the test's: a round runs only when the test ticks it.
 */
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CloseCode } from "../../app/shared/collab";
import { disablePerson } from "../../server/commands/personDisable";
import { createSessionWatch, loadActor } from "../../server/services/access";
import { createLogger } from "../../server/log";
import { connectProvider, poll, synced, until, type ProviderClient } from "../collab/helpers";
import { manualClock } from "../support/manual-clock";
import { startTestServer, type TestServer } from "../support/server";
import { closeAll, connect, disconnected, type Client } from "./clients";
import { WS } from "../support/fixtures";

const FINANCING = WS.financing;

/** The session's own token (the cookie and the bearer token carry it signed: `<token>.<signature>`). */
const sessionToken = (signed: string) => decodeURIComponent(signed).split(".")[0];

describe("ended sessions close socket.io and collab connections at the next re-check", () => {
  const clock = manualClock();
  let server: TestServer;
  let sockets: Client[] = [];
  let providers: ProviderClient[] = [];

  /** A session of `email` (HTTP sign-in), with a socket.io socket in the section's room and a collab provider on it. */
  async function connectBoth(email: string, sectionId: string) {
    const session = await server.signIn(email);
    const socket = await connect(server.url, { cookie: session.cookie });
    sockets.push(socket);
    expect(await socket.emitWithAck("section:join", sectionId)).toMatchObject({ ok: true });
    const collab = connectProvider(server.url, sectionId, { cookie: session.cookie });
    providers.push(collab);
    await synced(collab);
    return { session, socket, collab };
  }

  const collabClosed = (client: ProviderClient, code: number, what: string) =>
    until(
      (fn) => {
        client.provider.on("connection-close", fn);
        return () => client.provider.off("connection-close", fn);
      },
      () => client.closes.includes(code),
      what,
    );

  /** Ends a session in some way, then ticks the clock once: by then both connections of that session closed; a bystander's stay. */
  async function endsAtNextRound(email: string, sectionTitle: string, end: (session: { cookie: string; token: string }) => Promise<void>) {
    const [sectionId] = await server.sectionIds(sectionTitle);
    const [financing] = await server.sectionIds(FINANCING);
    const ended = await connectBoth(email, sectionId);
    const bystander = await connectBoth("lead@ez.example", financing);
    // Listening before the session ends: a sign-out or a revoked session closes its connections at once
    // (the session.ended event), the re-check catches every other way; either way by the next round.
    const gone = disconnected(ended.socket);
    const closed = collabClosed(ended.collab, CloseCode.Unauthorized, `${email}'s collab connection to close`);
    await end(ended.session);
    await clock.tick();
    expect(await gone).toBe("io server disconnect");
    await closed;
    expect(bystander.socket.connected).toBe(true);
    expect(bystander.collab.provider.wsconnected).toBe(true);
    expect(bystander.collab.closes).toEqual([]);
  }

  beforeAll(async () => {
    server = await startTestServer({ sessionCheck: { everyMs: 60 * 60_000, clock } });
  });
  beforeEach(async () => {
    // The idle period: a round runs while no connection is open.
    await poll(() => server.realtime.io.of("/").sockets.size === 0 && server.collab.stats().connections === 0, "every connection to be gone");
    await clock.tick();
    await clock.tick();
  });
  afterEach(() => {
    closeAll(...sockets);
    for (const p of providers) p.destroy();
    sockets = [];
    providers = [];
  });
  afterAll(() => server?.stop());

  it("after a sign-out", async () => {
    await endsAtNextRound("viewer@tno.example", FINANCING, async ({ cookie }) => {
      const out = await fetch(`${server.url}/api/auth/sign-out`, { method: "POST", headers: { cookie, origin: server.url } });
      expect(out.status).toBe(200);
    });
  });

  it("after the session expired", async () => {
    await endsAtNextRound("expert@fme.example", FINANCING, async ({ token }) => {
      const { db, t } = server.database;
      const expired = await db.update(t.session).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(t.session.token, sessionToken(token))).returning();
      expect(expired).toHaveLength(1);
    });
  });

  it("after the person revoked that session from another device", async () => {
    await endsAtNextRound("drafter@kgg.example", FINANCING, async ({ token }) => {
      const other = await server.signIn("drafter@kgg.example");
      const res = await fetch(`${server.url}/api/auth/revoke-session`, {
        method: "POST",
        headers: { cookie: other.cookie, origin: server.url, "content-type": "application/json" },
        body: JSON.stringify({ token: sessionToken(token) }),
      });
      expect(res.status).toBe(200);
    });
  });

  it("after an administrator disabled the person", async () => {
    await endsAtNextRound("approver@ocw.example", WS.labour, async () => {
      const admin = (await loadActor(server.database, await server.userId("admin@overleg.example")))!;
      await disablePerson(server.services, { actor: admin, userId: await server.userId("approver@ocw.example") });
    });
  });

  it("closes a signed-out session's connections at once, without waiting for a round, and keeps the person's other session", async () => {
    const [sectionId] = await server.sectionIds(FINANCING);
    const signedOut = await connectBoth("drafter@kgg.example", sectionId);
    const otherDevice = await connectBoth("drafter@kgg.example", sectionId);
    const gone = disconnected(signedOut.socket);
    const closed = collabClosed(signedOut.collab, CloseCode.Unauthorized, "the signed-out collab connection to close");
    const out = await fetch(`${server.url}/api/auth/sign-out`, { method: "POST", headers: { cookie: signedOut.session.cookie, origin: server.url } });
    expect(out.status).toBe(200);
    expect(await gone).toBe("io server disconnect");
    await closed;
    expect(otherDevice.socket.connected).toBe(true);
    expect(otherDevice.collab.closes).toEqual([]);
    expect(await otherDevice.socket.emitWithAck("section:join", sectionId)).toMatchObject({ ok: true });
  });

  it("keeps a socket whose session still holds, round after round", async () => {
    const [sectionId] = await server.sectionIds(FINANCING);
    const { socket, collab } = await connectBoth("lead@ez.example", sectionId);
    for (let i = 0; i < 3; i++) await clock.tick();
    expect(await server.realtime.checkSessions()).toBe(0);
    expect(socket.connected).toBe(true);
    expect(collab.provider.wsconnected).toBe(true);
    expect(collab.closes).toEqual([]);
  });
});

describe("the session watch", () => {
  it("runs the checks added after a round that had nothing to check, and one round at a time", async () => {
    const clock = manualClock();
    const watch = createSessionWatch({ actorFromHeaders: async () => null, log: createLogger("error") }, { clock });
    await clock.tick();
    let rounds = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    watch.watch(async () => {
      rounds++;
      await held;
    });
    const first = clock.tick();
    const second = watch.check(); // joins the round that is running
    release();
    await Promise.all([first, second]);
    expect(rounds).toBe(1);
    await clock.tick();
    expect(rounds).toBe(2);
    await watch.close();
  });
});
