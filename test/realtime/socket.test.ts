import { and, eq } from "drizzle-orm";
import WebSocket from "ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server";
import { closeAll, connect, connectAs, disconnected, next, presenceOf, refusal, type Client } from "./clients";
import { WS } from "../support/fixtures";

const CROSS_BORDER = WS.crossBorder;
const FINANCING = WS.financing;

describe("socket.io on the app's port", () => {
  let server: TestServer;
  let open: Client[] = [];
  const as = async (email: string) => {
    const socket = await connectAs(server, email);
    open.push(socket);
    return socket;
  };

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(() => {
    closeAll(...open);
    open = [];
  });
  afterAll(() => server?.stop());

  /** Ends a session as time does: its expiry passes (no event announces that). */
  const expireSession = async (signedToken: string) => {
    const { db, t } = server.database;
    const token = decodeURIComponent(signedToken).split(".")[0];
    expect(await db.update(t.session).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(t.session.token, token)).returning()).toHaveLength(1);
  };

  describe("authentication", () => {
    it("refuses a socket without a session, saying why", async () => {
      const error = await refusal(server.url, {});
      expect(error.message).toMatch(/sign in/i);
      expect(error.data).toEqual({ code: "unauthorized", message: error.message });
    });

    it("refuses a made-up token and a cookie that is no session", async () => {
      expect((await refusal(server.url, { token: "not-a-session-token" })).data?.code).toBe("unauthorized");
      expect((await refusal(server.url, { token: "x".repeat(5000) })).data?.code).toBe("unauthorized");
      expect((await refusal(server.url, { cookie: "better-auth.session_token=forged" })).data?.code).toBe("unauthorized");
    });

    it("refuses the session cookie sent from another site's page", async () => {
      const { cookie } = await server.signIn("lead@ez.example");
      const error = await refusal(server.url, { cookie, headers: { origin: "https://evil.example" } });
      expect(error.data?.code).toBe("forbidden");
    });

    it("knows the person from the session cookie (also over long-polling) or a bearer token", async () => {
      const { cookie, token } = await server.signIn("partner@be.example");
      const byCookie = await connect(server.url, { cookie, headers: { origin: server.url }, transports: ["polling"] });
      const byToken = await connect(server.url, { token });
      open.push(byCookie, byToken);
      for (const socket of [byCookie, byToken]) {
        expect(socket.hello).toEqual({ userId: await server.userId("partner@be.example"), name: "Pieter Claes", organisationShortCode: "BE" });
      }
    });

    it("asks the session again when joining: once it expired, the socket is refused and disconnected", async () => {
      const { cookie, token } = await server.signIn("viewer@tno.example");
      const socket = await connect(server.url, { cookie });
      open.push(socket);
      await expireSession(token);
      const gone = disconnected(socket);
      const ack = await socket.emitWithAck("workspace:join", [await server.workspaceId(FINANCING)]);
      expect(ack).toMatchObject({ ok: false, error: { code: "unauthorized" } });
      expect(await gone).toBe("io server disconnect");
    });
  });

  it("disconnects, on its regular check, a socket whose session ended, and keeps the others", async () => {
    const { cookie, token } = await server.signIn("approver@ocw.example");
    const ended = await connect(server.url, { cookie });
    const other = await as("approver@ocw.example");
    open.push(ended);
    await expireSession(token); // no event: only the check notices
    const gone = disconnected(ended);
    expect(await server.realtime.checkSessions()).toBe(1);
    expect(await gone).toBe("io server disconnect");
    expect(other.connected).toBe(true);
  });

  it("shares the port with the collab WebSocket: both connect side by side", async () => {
    const lead = await as("lead@ez.example");
    const { cookie } = await server.signIn("lead@ez.example");
    const [sectionId] = await server.sectionIds(FINANCING);
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/collab/${sectionId}`, { headers: { cookie, origin: server.url } });
    try {
      const first = await new Promise<Buffer>((resolve, reject) => {
        ws.once("message", (data: Buffer) => resolve(data));
        ws.once("error", reject);
        ws.once("close", (code) => reject(new Error(`collab closed with ${code}`)));
      });
      expect(first.length).toBeGreaterThan(0);
      expect(lead.connected).toBe(true);
    } finally {
      ws.terminate();
    }
  });

  describe("rooms", () => {
    it("refuses partner@be.example a workspace that is not shared with them, and lets them join the cross-border one", async () => {
      const partner = await as("partner@be.example");
      const financing = await server.workspaceId(FINANCING);
      const crossBorder = await server.workspaceId(CROSS_BORDER);
      const refused = await partner.emitWithAck("workspace:join", [financing]);
      expect(refused).toMatchObject({ ok: false, error: { code: "forbidden", message: "You are not a member of this workspace." } });
      const [financingSection] = await server.sectionIds(FINANCING);
      expect(await partner.emitWithAck("section:join", financingSection)).toMatchObject({ ok: false, error: { code: "forbidden" } });
      expect(await partner.emitWithAck("presence:enter", { workspaceId: financing, sectionId: null })).toMatchObject({
        ok: false,
        error: { code: "forbidden" },
      });
      expect(await partner.emitWithAck("workspace:join", [crossBorder])).toEqual({ ok: true, results: { [crossBorder]: { ok: true } } });
      const mixed = await partner.emitWithAck("workspace:join", [crossBorder, financing]);
      expect(mixed).toMatchObject({ ok: false, results: { [crossBorder]: { ok: true }, [financing]: { ok: false } } });
    });

    it("answers bad input with bad_request and unknown ids with not_found", async () => {
      const lead = await as("lead@ez.example");
      expect(await lead.emitWithAck("workspace:join", "not-a-list" as unknown as string[])).toMatchObject({ ok: false, error: { code: "bad_request" } });
      expect(await lead.emitWithAck("workspace:join", [])).toMatchObject({ ok: false, error: { code: "bad_request" } });
      expect(await lead.emitWithAck("workspace:join", ["<script>"])).toMatchObject({ ok: false, error: { code: "bad_request" } });
      expect(await lead.emitWithAck("section:join", { id: 1 } as unknown as string)).toMatchObject({ ok: false, error: { code: "bad_request" } });
      const unknown = crypto.randomUUID();
      expect(await lead.emitWithAck("workspace:join", [unknown])).toMatchObject({ ok: false, results: { [unknown]: { ok: false, error: { code: "not_found" } } } });
      expect(await lead.emitWithAck("section:join", unknown)).toMatchObject({ ok: false, error: { code: "not_found" } });
      const financing = await server.workspaceId(FINANCING);
      const [crossBorderSection] = await server.sectionIds(CROSS_BORDER);
      expect(await lead.emitWithAck("presence:enter", { workspaceId: financing, sectionId: crossBorderSection })).toMatchObject({
        ok: false,
        error: { code: "bad_request" },
      });
      expect(await lead.emitWithAck("presence:enter", { workspaceId: financing, sectionId: null, name: "Someone else" } as never)).toMatchObject({
        ok: false,
        error: { code: "bad_request" },
      });
    });
  });

  describe("presence", () => {
    it("shows who is in the workspace and where, with name and organisation from the session; two tabs count once", async () => {
      const workspaceId = await server.workspaceId(FINANCING);
      const [aanleiding, aanbeveling] = await server.sectionIds(FINANCING);
      const lead = await as("lead@ez.example");
      const entered = await lead.emitWithAck("presence:enter", { workspaceId, sectionId: null });
      expect(entered).toMatchObject({ ok: true, presence: { workspaceId, people: [{ name: "Eva de Leeuw", organisationShortCode: "EZ" }] } });

      const drafterArrives = presenceOf(lead, workspaceId, ["Daan Kramer", "Eva de Leeuw"]);
      const tab1 = await as("drafter@kgg.example");
      await tab1.emitWithAck("presence:enter", { workspaceId, sectionId: aanleiding });
      const both = await drafterArrives;
      expect(both.people.find((p) => p.name === "Daan Kramer")).toEqual({
        userId: await server.userId("drafter@kgg.example"),
        name: "Daan Kramer",
        organisationName: "Ministerie van Klimaat en Groene Groei",
        organisationShortCode: "KGG",
        sectionIds: [aanleiding],
      });

      // A second tab of the same person, in another section: still one entry, now with both sections.
      const secondTab = next(lead, "presence", (p) => p.people.some((x) => x.name === "Daan Kramer" && x.sectionIds.length === 2));
      const tab2 = await as("drafter@kgg.example");
      await tab2.emitWithAck("presence:enter", { workspaceId, sectionId: aanbeveling });
      const withTwoTabs = await secondTab;
      expect(withTwoTabs.people.map((p) => p.name)).toEqual(["Daan Kramer", "Eva de Leeuw"]);
      expect(withTwoTabs.people[0].sectionIds).toEqual([aanleiding, aanbeveling].sort());

      // Closing one tab leaves the person present in the other section; closing both, they are gone.
      const oneTabLeft = next(lead, "presence", (p) => p.people.some((x) => x.name === "Daan Kramer" && x.sectionIds.join() === aanbeveling));
      tab1.close();
      await oneTabLeft;
      const drafterLeaves = presenceOf(lead, workspaceId, ["Eva de Leeuw"]);
      tab2.close();
      await drafterLeaves;
    });

    it("lets each of two people see the other arrive and leave", async () => {
      const workspaceId = await server.workspaceId(CROSS_BORDER);
      const partner = await as("partner@be.example");
      const office = await as("office@minister.example");
      await partner.emitWithAck("presence:enter", { workspaceId, sectionId: null });
      const partnerSees = presenceOf(partner, workspaceId, ["Otto Brouwer", "Pieter Claes"]);
      const officeEntered = await office.emitWithAck("presence:enter", { workspaceId, sectionId: null });
      expect(officeEntered.ok && officeEntered.presence.people.map((p) => p.name)).toEqual(["Otto Brouwer", "Pieter Claes"]);
      await partnerSees;

      const partnerSeesLeave = presenceOf(partner, workspaceId, ["Pieter Claes"]);
      expect(await office.emitWithAck("presence:leave", { workspaceId })).toEqual({ ok: true });
      await partnerSeesLeave;
      const officeSeesLeave = presenceOf(office, workspaceId, []);
      partner.close();
      await officeSeesLeave;
    });
  });

  describe("live updates", () => {
    it("delivers a section's status change to members who joined, and not to a non-member", async () => {
      const workspaceId = await server.workspaceId(FINANCING);
      const [sectionId] = await server.sectionIds(FINANCING);
      const crossBorder = await server.workspaceId(CROSS_BORDER);
      const [crossBorderSection] = await server.sectionIds(CROSS_BORDER);
      const drafter = await as("drafter@kgg.example");
      const partner = await as("partner@be.example");
      expect((await drafter.emitWithAck("workspace:join", [workspaceId, crossBorder])).ok).toBe(true);
      expect((await partner.emitWithAck("workspace:join", [workspaceId])).ok).toBe(false);
      expect((await partner.emitWithAck("workspace:join", [crossBorder])).ok).toBe(true);

      const { db, t } = server.database;
      await db.update(t.sections).set({ status: "in_review" }).where(eq(t.sections.id, sectionId));
      const drafterGets = next(drafter, "section.changed", (p) => p.sectionId === sectionId);
      server.services.events.emit("section.changed", { workspaceId, sectionId, status: "in_review", title: "Aanleiding" });
      expect(await drafterGets).toEqual({ workspaceId, sectionId, status: "in_review", title: "Aanleiding" });

      // A later change the partner may see arrives after the first one; they never got the first.
      const partnerGets = next(partner, "section.changed", (p) => p.sectionId === crossBorderSection);
      server.services.events.emit("section.changed", { workspaceId: crossBorder, sectionId: crossBorderSection, status: "draft", title: "x" });
      await partnerGets;
      expect(partner.received.filter((r) => r.event === "section.changed").map((r) => (r.payload as { sectionId: string }).sectionId)).toEqual([
        crossBorderSection,
      ]);
      await db.update(t.sections).set({ status: "draft" }).where(eq(t.sections.id, sectionId));
    });

    it("tells a person about their own membership change, and takes them out of a workspace they lost", async () => {
      const workspaceId = await server.workspaceId(WS.infrastructure);
      const [sectionId] = await server.sectionIds(WS.infrastructure);
      const viewerId = await server.userId("viewer@tno.example");
      const viewer = await as("viewer@tno.example");
      const lead = await as("lead@ez.example");
      const dashboard = await as("viewer@tno.example"); // a tab that joined no workspace
      await viewer.emitWithAck("presence:enter", { workspaceId, sectionId });
      await viewer.emitWithAck("section:join", sectionId);
      await lead.emitWithAck("presence:enter", { workspaceId, sectionId: null });

      const { db, t } = server.database;
      await db.delete(t.memberships).where(and(eq(t.memberships.workspaceId, workspaceId), eq(t.memberships.userId, viewerId)));
      const told = next(dashboard, "membership.changed", (p) => p.userId === viewerId);
      const lost = next(viewer, "access.lost", (p) => p.workspaceId === workspaceId);
      const leadSees = presenceOf(lead, workspaceId, ["Eva de Leeuw"]);
      server.services.events.emit("membership.changed", { workspaceId, userId: viewerId, role: null });
      expect(await told).toEqual({ workspaceId, userId: viewerId, role: null });
      await lost;
      await leadSees;

      // Out of the rooms: a later change reaches the lead but not the viewer, and joining again is refused.
      const leadGets = next(lead, "section.changed", (p) => p.sectionId === sectionId);
      server.services.events.emit("section.changed", { workspaceId, sectionId, status: "draft", title: "Aanleiding" });
      await leadGets;
      expect(await viewer.emitWithAck("workspace:join", [workspaceId])).toMatchObject({ ok: false, error: { code: "forbidden" } });
      expect(viewer.received.some((r) => r.event === "section.changed")).toBe(false);

      await db.insert(t.memberships).values({ workspaceId, userId: viewerId, role: "viewer" });
      const backIn = next(dashboard, "membership.changed", (p) => p.role === "viewer");
      server.services.events.emit("membership.changed", { workspaceId, userId: viewerId, role: "viewer" });
      await backIn;
      expect(await viewer.emitWithAck("workspace:join", [workspaceId])).toMatchObject({ ok: true });
    });

    it("disconnects every socket of a revoked person, and only theirs", async () => {
      const expert = await as("expert@fme.example");
      const expert2 = await as("expert@fme.example");
      const lead = await as("lead@ez.example");
      const gone = Promise.all([disconnected(expert), disconnected(expert2)]);
      server.services.events.emit("person.revoked", { userId: await server.userId("expert@fme.example") });
      expect(await gone).toEqual(["io server disconnect", "io server disconnect"]);
      expect(lead.connected).toBe(true);
      expect(await lead.emitWithAck("section:join", (await server.sectionIds(FINANCING))[0])).toMatchObject({ ok: true });
    });
  });
});
