/**
 * The sessions page over the wire: a person sees where they are signed in (device, address, when
 * signed in, last active) and ends one session, or all but the one they use; ending one closes its
 * open collab WebSocket and socket.io connection at once (not at the next periodic check), and keeps
 * the others; nobody ends someone else's session but an admin, who ends all of a person's.
 */
import { eq } from "drizzle-orm";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { DEMO_PASSWORD } from "../../server/seed/content";
import { Jar, visibleText } from "../support/browser-less";
import { startTestServer, type TestServer } from "../support/server";

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

let server: TestServer;

beforeAll(async () => {
  ensureBuild();
  // The periodic re-check of connections an hour apart: only the event can close them within the test.
  server = await startTestServer({ remix: "build", sessionCheck: { everyMs: 3_600_000 } });
}, 300_000);

afterAll(async () => {
  await server?.stop();
});

async function signedIn(email: string, userAgent: string): Promise<Jar> {
  const jar = new Jar(server.url);
  const res = await fetch(`${server.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url, "user-agent": userAgent },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  expect(res.status).toBe(200);
  jar.take(res);
  return jar;
}

function sessionIdsOnPage(html: string): string[] {
  return [...html.matchAll(/data-session-id="([^"]+)"/g)].map((m) => m[1]);
}

/** An open socket.io connection and an open collab WebSocket of the person in `jar`; resolve when each closes. */
async function openConnections(jar: Jar, sectionId: string) {
  const socket: Socket = io(server.url, { transports: ["websocket"], extraHeaders: { cookie: jar.header(), origin: server.url }, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  const socketGone = new Promise<string>((resolve) => socket.once("disconnect", (reason) => resolve(reason)));
  const ws = new WebSocket(`${server.url.replace("http", "ws")}/collab/${sectionId}`, { headers: { cookie: jar.header(), origin: server.url } });
  await new Promise<void>((resolve, reject) => {
    ws.once("message", () => resolve());
    ws.once("error", reject);
  });
  const wsGone = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  return { socket, ws, socketGone, wsGone };
}

function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_r, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
    }),
  ]);
}

describe("my sessions", () => {
  it("lists each session with its device and address; ending another closes its live connections at once, and keeps mine", async () => {
    const laptop = await signedIn("drafter@kgg.example", FIREFOX);
    const other = await signedIn("drafter@kgg.example", CHROME_MAC);
    const [sectionId] = await server.sectionIds((await server.database.db.select({ title: server.database.t.workspaces.title }).from(server.database.t.workspaces).limit(1))[0].title);
    const mine = await openConnections(laptop, sectionId);
    const theirs = await openConnections(other, sectionId);

    const page = await laptop.get("/settings/sessions", { "user-agent": FIREFOX });
    expect(page.status).toBe(200);
    const html = await page.text();
    const text = visibleText(html);
    expect(text).toContain("Firefox on Linux (this browser)");
    expect(text).toContain("Chrome on macOS");
    expect(text).toContain("127.0.0.1");
    const ids = sessionIdsOnPage(html);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const { db, t } = server.database;
    const otherId = (await db.select({ id: t.session.id, userAgent: t.session.userAgent }).from(t.session)).find((s) => s.userAgent === CHROME_MAC)!.id;
    expect(ids).toContain(otherId);

    const ended = await laptop.post("/settings/sessions", { intent: "end", sessionId: otherId });
    expect(ended.status).toBe(200);
    expect(visibleText(await ended.text())).toContain("1 session ended.");
    // Within seconds (here: at once, by the event; the periodic check is an hour away).
    expect(await within(5000, theirs.socketGone, "the ended session's socket.io disconnect")).toBe("io server disconnect");
    expect(await within(5000, theirs.wsGone, "the ended session's collab close")).toBe(4401);
    expect((await other.get("/api/v1/workspaces")).status).toBe(401);
    // Mine stay.
    expect(mine.socket.connected).toBe(true);
    expect(mine.ws.readyState).toBe(WebSocket.OPEN);
    expect((await laptop.get("/api/v1/workspaces")).status).toBe(200);
    mine.socket.close();
    mine.ws.terminate();
  });

  it("ends all but this one; another person cannot end mine, even knowing its id", async () => {
    const here = await signedIn("viewer@tno.example", FIREFOX);
    const phone = await signedIn("viewer@tno.example", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1");
    const tablet = await signedIn("viewer@tno.example", CHROME_MAC);
    const { db, t } = server.database;
    const viewerId = await server.userId("viewer@tno.example");
    const before = await db.select({ id: t.session.id }).from(t.session).where(eq(t.session.userId, viewerId));

    // Someone else posts the id of one of the viewer's sessions: refused, nothing ends.
    const stranger = await signedIn("expert@fme.example", FIREFOX);
    const refused = await stranger.post("/settings/sessions", { intent: "end", sessionId: before[0].id });
    expect(refused.status).toBe(409);
    expect((await db.select({ id: t.session.id }).from(t.session).where(eq(t.session.userId, viewerId))).length).toBe(before.length);

    const ended = await here.post("/settings/sessions", { intent: "others" });
    expect(ended.status).toBe(200);
    expect(visibleText(await ended.text())).toMatch(/\d+ sessions ended\./);
    expect((await phone.get("/api/v1/workspaces")).status).toBe(401);
    expect((await tablet.get("/api/v1/workspaces")).status).toBe(401);
    expect((await here.get("/api/v1/workspaces")).status).toBe(200);
    expect((await db.select({ id: t.session.id }).from(t.session).where(eq(t.session.userId, viewerId))).length).toBe(1);
    const audit = await db.select({ data: t.auditEvents.data }).from(t.auditEvents).where(eq(t.auditEvents.action, "sessions.ended"));
    expect(audit.length).toBeGreaterThanOrEqual(1);
  });
});

describe("an admin", () => {
  it("ends all of a person's sessions from the people page; someone who is not an admin cannot", async () => {
    const person = await signedIn("lead@ez.example", FIREFOX);
    const personId = await server.userId("lead@ez.example");
    const [sectionId] = await server.sectionIds((await server.database.db.select({ title: server.database.t.workspaces.title }).from(server.database.t.workspaces).limit(1))[0].title);
    const live = await openConnections(person, sectionId);

    const notAdmin = await signedIn("drafter@kgg.example", FIREFOX);
    expect((await notAdmin.post("/admin/people", { intent: "sessions", userId: personId })).status).toBe(403);
    expect((await person.get("/api/v1/workspaces")).status).toBe(200);

    const admin = await signedIn("admin@overleg.example", FIREFOX);
    expect((await admin.post("/admin/people", { intent: "sessions", userId: personId })).status).toBe(200);
    expect(await within(5000, live.socketGone, "the socket.io disconnect")).toBe("io server disconnect");
    expect(await within(5000, live.wsGone, "the collab close")).toBe(4401);
    expect((await person.get("/api/v1/workspaces")).status).toBe(401);
  });
});
