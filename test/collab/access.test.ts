/**
 * Who may connect, and who may change a byte: the upgrade's refusals (401, 404, 403, bad Origin,
 * too many connections), read-only connections whose changes are refused whatever they send, a
 * locked section, and revocation closing open connections within seconds.
 */
import { and, eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CloseCode, DeniedReason } from "../../app/shared/collab";
import { loadStoredDoc } from "../../server/services/section-text";
import { startTestServer, type TestServer } from "../support/server";
import { appendParagraph, hasAll, msg, paragraphUpdate, poll, pollAsync, sessionClients, synced, textOf, upgradeStatus } from "./helpers";

describe("access to the collab endpoint", () => {
  let server: TestServer;
  const { cookies, headersOf, raw, provider, loggedRows, closeAll } = sessionClients(() => server);
  let financing: string[];

  beforeAll(async () => {
    server = await startTestServer({ sessionCheck: { everyMs: 400 }, collab: { limits: { connectionsPerPerson: 5 } } });
    for (const email of [
      "lead@ez.example",
      "drafter@kgg.example",
      "expert@fme.example",
      "viewer@tno.example",
      "partner@be.example",
      "approver@ocw.example",
    ]) {
      cookies.set(email, (await server.signIn(email)).cookie);
    }
    financing = await server.sectionIds("Toegang tot financiering");
  });
  afterEach(() => {
    closeAll();
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe("the upgrade", () => {
    it("refuses a request without a session with 401, and one with a bad session too", async () => {
      expect(await upgradeStatus(server.url, `/${financing[0]}`, {})).toBe(401);
      expect(await upgradeStatus(server.url, `/${financing[0]}`, { cookie: "better-auth.session_token=forged.value" })).toBe(401);
      expect(await upgradeStatus(server.url, `/${financing[0]}`, { authorization: "Bearer not-a-token" })).toBe(401);
    });

    it("refuses an unknown section with 404", async () => {
      expect(await upgradeStatus(server.url, `/${crypto.randomUUID()}`, headersOf("lead@ez.example"))).toBe(404);
      expect(await upgradeStatus(server.url, "/..%2Fapi", headersOf("lead@ez.example"))).toBe(404);
      expect(await upgradeStatus(server.url, "", headersOf("lead@ez.example"))).toBe(404);
    });

    it("refuses someone without access with 403 (a partner country outside the cross-border workspace)", async () => {
      expect(await upgradeStatus(server.url, `/${financing[0]}`, headersOf("partner@be.example"))).toBe(403);
      const crossBorder = (await server.sectionIds("Grensoverschrijdende samenwerking"))[0];
      expect(await upgradeStatus(server.url, `/${crossBorder}`, headersOf("partner@be.example"))).toBe(101);
    });

    it("refuses a foreign Origin with 403 even with a valid session, and accepts the app's own", async () => {
      const lead = headersOf("lead@ez.example");
      expect(await upgradeStatus(server.url, `/${financing[0]}`, { ...lead, origin: "https://evil.example" })).toBe(403);
      expect(await upgradeStatus(server.url, `/${financing[0]}`, { ...lead, origin: server.url })).toBe(101);
      // The same page opened under another name of this host (localhost for 127.0.0.1) is same-origin.
      const port = new URL(server.url).port;
      expect(await upgradeStatus(server.url, `/${financing[0]}`, { ...lead, origin: `http://localhost:${port}`, host: `localhost:${port}` })).toBe(101);
      expect(await upgradeStatus(server.url, `/${financing[0]}`, { ...lead, origin: `http://localhost:${port}` })).toBe(403);
      // A program sends no Origin; it is let through to authentication (and needs a session).
      expect(await upgradeStatus(server.url, `/${financing[0]}`, lead)).toBe(101);
    });

    it("accepts a bearer token instead of the cookie", async () => {
      const { token } = await server.signIn("drafter@kgg.example");
      expect(await upgradeStatus(server.url, `/${financing[0]}`, { authorization: `Bearer ${token}` })).toBe(101);
    });

    it("limits the open connections per person (429) and counts closed ones out again", async () => {
      const labour = (await server.sectionIds("Geschoolde arbeidskrachten"))[0];
      const open = [];
      for (let i = 0; i < 5; i++) open.push(await raw("approver@ocw.example", labour));
      expect(await upgradeStatus(server.url, `/${labour}`, headersOf("approver@ocw.example"))).toBe(429);
      const before = server.collab.stats().connections;
      open[0].end();
      await poll(() => server.collab.stats().connections < before, "the server to notice the closed connection");
      expect(await upgradeStatus(server.url, `/${labour}`, headersOf("approver@ocw.example"))).toBe(101);
    });
  });

  describe("read-only connections", () => {
    for (const [who, email, suggests] of [
      ["a viewer", "viewer@tno.example", false],
      ["a commenter", "expert@fme.example", true],
    ] as const) {
      it(`refuses ${who}'s updates and sync step 2 with new content: not applied, stored or sent on`, async () => {
        const sectionId = financing[2];
        const before = textOf(await loadStoredDoc(server.database, sectionId));
        const rowsBefore = await loggedRows(sectionId);
        const editor = provider("drafter@kgg.example", sectionId);
        await synced(editor);
        const reader = await raw(email, sectionId);
        // It may read: the document arrives in full.
        reader.send(msg.syncStep1());
        const step2 = await reader.next("sync-step-2", "the document");
        const copy = new Y.Doc();
        Y.applyUpdate(copy, step2.payload);
        expect(textOf(copy)).toBe(before);
        // An answer that carries nothing new is harmless and not refused.
        reader.send(msg.syncStep2(Y.encodeStateAsUpdate(copy, Y.encodeStateVector(copy))));
        await reader.roundTrip();
        expect(reader.frames.filter((f) => f.kind === "denied")).toEqual([]);

        const base = Y.encodeStateAsUpdate(copy);
        reader.send(msg.update(paragraphUpdate(base, `Ingevoegd door ${who}.`)));
        if (suggests) {
          // A commenter may send changes, but only suggestions in their own name (ADR 027): a direct
          // edit is refused and the connection closed at once (what it sends after builds on it).
          expect((await reader.closed("the commenter's connection to be closed")).code).toBe(CloseCode.NotASuggestion);
        } else {
          const denied = await reader.next("denied", "the refusal");
          expect(denied.reason).toBe(DeniedReason.ReadOnly);
          reader.send(msg.syncStep2(paragraphUpdate(base, `Stap 2 van ${who}.`)));
          await reader.next("denied", "the second refusal", () => reader.frames.filter((f) => f.kind === "denied").length >= 2);
          // A deletion of existing text is a change too.
          const deleting = new Y.Doc();
          Y.applyUpdate(deleting, base);
          const sv = Y.encodeStateVector(deleting);
          deleting.getXmlFragment("default").delete(0, 1);
          reader.send(msg.update(Y.encodeStateAsUpdate(deleting, sv)));
          // It persists: closed with Forbidden.
          expect((await reader.closed("the persistent read-only client to be closed")).code).toBe(CloseCode.Forbidden);
        }

        // The editor in the same room saw none of it and still works.
        appendParagraph(editor.doc, `Na de weigering voor ${who}.`);
        await pollAsync(
          async () => textOf(await loadStoredDoc(server.database, sectionId)).includes(`Na de weigering voor ${who}.`),
          "the editor's change to be stored",
        );
        const stored = textOf(await loadStoredDoc(server.database, sectionId));
        expect(stored).toContain(`Na de weigering voor ${who}.`);
        expect(stored).not.toContain(`Ingevoegd door ${who}.`);
        expect(stored).not.toContain(`Stap 2 van ${who}.`);
        expect(stored.startsWith(before)).toBe(true);
        expect(textOf(editor.doc)).not.toContain(`Ingevoegd door ${who}.`);
        expect(textOf(editor.doc)).not.toContain(`Stap 2 van ${who}.`);
        expect(await loggedRows(sectionId)).toBe(rowsBefore + 1);
      });
    }

    it("refuses everyone's changes in a final (locked) section, owners included", async () => {
      const { db, t } = server.database;
      const sectionId = (await server.sectionIds("Leveringscontracten op lange termijn"))[0];
      const [section] = await db.select().from(t.sections).where(eq(t.sections.id, sectionId));
      const drafter = provider("drafter@kgg.example", sectionId);
      await synced(drafter);
      const lead = await raw("lead@ez.example", sectionId);
      await lead.next("sync-step-1", "the owner to be invited to send changes");
      const before = textOf(await loadStoredDoc(server.database, sectionId));
      const rowsBefore = await loggedRows(sectionId);

      await db.update(t.sections).set({ status: "final" }).where(eq(t.sections.id, sectionId));
      server.services.events.emit("section.changed", { workspaceId: section.workspaceId, sectionId, status: "final", title: section.title });
      // Both are told at once that the section is locked.
      await poll(() => drafter.denied.includes(DeniedReason.Locked), "the editor to be told the section is locked");
      expect((await lead.next("denied", "the owner to be told")).reason).toBe(DeniedReason.Locked);

      appendParagraph(drafter.doc, "Na de vergrendeling.");
      lead.send(msg.update(paragraphUpdate(Y.encodeStateAsUpdate(drafter.doc), "Ook de eigenaar niet.")));
      await lead.next("denied", "the owner's change to be refused", () => lead.frames.filter((f) => f.kind === "denied").length >= 2);
      await poll(() => drafter.denied.length >= 2, "the editor's change to be refused");

      await server.collab.flush();
      expect(textOf(await loadStoredDoc(server.database, sectionId))).toBe(before);
      expect(await loggedRows(sectionId)).toBe(rowsBefore);
      await db.update(t.sections).set({ status: "draft" }).where(eq(t.sections.id, sectionId));
    });
  });

  describe("revocation", () => {
    it("closes a connection with Forbidden within seconds when the membership is removed", async () => {
      const { db, t } = server.database;
      const sectionId = financing[0];
      const workspaceId = await server.workspaceId("Toegang tot financiering");
      const userId = await server.userId("drafter@kgg.example");
      const drafter = await raw("drafter@kgg.example", sectionId);
      await drafter.next("sync-step-1", "the connection to be open");
      const [membership] = await db
        .select()
        .from(t.memberships)
        .where(and(eq(t.memberships.workspaceId, workspaceId), eq(t.memberships.userId, userId)));
      await db.delete(t.memberships).where(and(eq(t.memberships.workspaceId, workspaceId), eq(t.memberships.userId, userId)));
      server.services.events.emit("membership.changed", { workspaceId, userId, role: null });
      expect((await drafter.closed("the connection to close", 3000)).code).toBe(CloseCode.Forbidden);
      expect(await upgradeStatus(server.url, `/${sectionId}`, headersOf("drafter@kgg.example"))).toBe(403);
      await db.insert(t.memberships).values(membership);
    });

    it("closes a connection with Unauthorized when the person's sessions are revoked", async () => {
      const { db, t } = server.database;
      const { cookie } = await server.signIn("lead@ez.example");
      const userId = await server.userId("lead@ez.example");
      cookies.set("lead@ez.example", cookie);
      const lead = await raw("lead@ez.example", financing[0]);
      await lead.next("sync-step-1", "the connection to be open");
      await db.delete(t.session).where(eq(t.session.userId, userId));
      server.services.events.emit("person.revoked", { userId });
      expect((await lead.closed("the connection to close", 3000)).code).toBe(CloseCode.Unauthorized);
      cookies.set("lead@ez.example", (await server.signIn("lead@ez.example")).cookie);
    });

    it("closes a connection whose session ended without any event, at the next periodic check", async () => {
      const { db, t } = server.database;
      const userId = await server.userId("expert@fme.example");
      const expert = await raw("expert@fme.example", financing[0]);
      await expert.roundTrip();
      expect((await db.delete(t.session).where(eq(t.session.userId, userId)).returning()).length).toBeGreaterThan(0);
      expect((await expert.closed("the periodic check to close it", 3000)).code).toBe(CloseCode.Unauthorized);
      cookies.set("expert@fme.example", (await server.signIn("expert@fme.example")).cookie);
    });
  });

  it("keeps serving the editors meanwhile", async () => {
    const a = provider("lead@ez.example", financing[1]);
    const b = provider("drafter@kgg.example", financing[1]);
    await Promise.all([synced(a), synced(b)]);
    appendParagraph(a.doc, "Nog steeds samen.");
    await hasAll(b.doc, ["Nog steeds samen."], "B to receive A's edit");
  });
});
