/**
 * Comments over real doors: the comments route (JSON), socket.io, the notification inbox and the
 * activity feed of a real server, with socket.io-client and the stock y-websocket provider.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ThreadView } from "../../app/shared/comments";
import { closeAll, connect, next, refusal, type Client } from "../realtime/clients";
import { connectProvider, synced, type ProviderClient } from "../collab/helpers";
import { startTestServer, type TestServer } from "../support/server";
import { anchorOf, getJson, post } from "./helpers";
import { WS } from "../support/fixtures";

const CROSS_BORDER = WS.crossBorder;
const FINANCING = WS.financing;
const PHRASE = "Industriële clusters beperken zich niet tot de landsgrenzen";

describe("comments, live and per organisation", () => {
  let server: TestServer;
  let sectionId: string;
  let workspaceId: string;
  const cookies: Record<string, string> = {};
  let sockets: Client[] = [];
  let providers: ProviderClient[] = [];
  let anchor: ReturnType<typeof anchorOf>;

  const socketAs = async (email: string, join = true) => {
    const socket = await connect(server.url, { cookie: cookies[email] });
    sockets.push(socket);
    if (join) expect(await socket.emitWithAck("section:join", sectionId)).toMatchObject({ ok: true });
    return socket;
  };

  beforeAll(async () => {
    server = await startTestServer({ remix: "build" });
    workspaceId = await server.workspaceId(CROSS_BORDER);
    [sectionId] = await server.sectionIds(CROSS_BORDER);
    for (const email of ["lead@ez.example", "drafter@kgg.example", "partner@be.example", "expert@fme.example"]) {
      cookies[email] = (await server.signIn(email)).cookie;
    }
    // The anchor is made as the partner's browser would make it: on its own copy of the text.
    const client = connectProvider(server.url, sectionId, { cookie: cookies["partner@be.example"], origin: server.url });
    providers.push(client);
    await synced(client);
    anchor = anchorOf(client.doc, PHRASE);
  });
  afterEach(() => {
    closeAll(...sockets);
    sockets = [];
  });
  afterAll(async () => {
    for (const p of providers) p.destroy();
    providers = [];
    await server?.stop();
  });

  it("refuses a socket without a session, and a section room without access", async () => {
    expect((await refusal(server.url, {})).data?.code).toBe("unauthorized");
    const partner = await socketAs("partner@be.example", false);
    const [financingSection] = await server.sectionIds(FINANCING);
    expect(await partner.emitWithAck("section:join", financingSection)).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  it("starts a thread as a partner-country commenter, without changing the text; a reply reaches the others live", async () => {
    const before = await getJson(server.url, cookies["lead@ez.example"], `/api/v1/sections/${sectionId}`);
    const drafter = await socketAs("drafter@kgg.example");
    const partner = await socketAs("partner@be.example");

    const arrivesAtDrafter = next(drafter, "comments.thread", (p) => p.thread.quote === PHRASE);
    const created = await post(server.url, cookies["partner@be.example"], sectionId, {
      intent: "create",
      ...anchor,
      visibility: "all",
      body: "Geldt dit ook voor **Vlaanderen**?",
    });
    expect(created.status).toBe(200);
    const thread = created.body.thread as ThreadView;
    expect(thread).toMatchObject({ quote: PHRASE, visibility: "all", author: { name: "Pieter Claes", organisationShortCode: "BE" } });
    expect((await arrivesAtDrafter).thread.comments[0].body).toBe("Geldt dit ook voor **Vlaanderen**?");
    // Starting a thread left the text alone.
    expect((await getJson(server.url, cookies["lead@ez.example"], `/api/v1/sections/${sectionId}`)).text).toBe(before.text);

    const replyAtPartner = next(partner, "comments.thread", (p) => p.thread.id === thread.id && p.thread.comments.length === 2);
    const notified = next(partner, "notifications.changed", (p) => p.notification?.kind === "reply");
    const replied = await post(server.url, cookies["drafter@kgg.example"], sectionId, {
      intent: "reply",
      threadId: thread.id,
      body: "Ja, zie de Rijn–Ruhr afspraken.",
    });
    expect(replied.status).toBe(200);
    const live = await replyAtPartner;
    expect(live.thread.comments[1]).toMatchObject({ body: "Ja, zie de Rijn–Ruhr afspraken.", author: { name: "Daan Kramer" } });
    // The partner's own abilities, not the drafter's: the reply is not theirs to edit.
    expect(live.thread.comments[1].can).toEqual({ edit: false, delete: false });
    expect((await notified).unread).toBe(1);
  });

  it("keeps an organisation-only thread and its replies inside the organisation, by every route", async () => {
    const partner = await socketAs("partner@be.example");
    const lead = await socketAs("lead@ez.example");
    const partnerId = await server.userId("partner@be.example");
    const SECRET = "Intern EZ: wij steunen dit nog niet";

    const seenByLead = next(lead, "comments.thread", (p) => p.thread.visibility === "organisation");
    const created = await post(server.url, cookies["lead@ez.example"], sectionId, {
      intent: "create",
      ...anchor,
      visibility: "organisation",
      // A mention of someone outside EZ is dropped: it would tell them the thread exists.
      body: `${SECRET} @Pieter Claes`,
      mentions: [partnerId],
    });
    expect(created.status).toBe(200);
    const secret = created.body.thread as ThreadView;
    expect(secret.organisation?.shortCode).toBe("EZ");
    expect(secret.comments[0].mentions).toEqual([]);
    await seenByLead;
    const replied = await post(server.url, cookies["lead@ez.example"], sectionId, { intent: "reply", threadId: secret.id, body: `${SECRET}, vervolg` });
    expect(replied.status).toBe(200);

    // A thread for everyone afterwards: once it arrives, anything sent before it has arrived too.
    const canary = next(partner, "comments.thread", (p) => p.thread.comments[0]?.body === "Voor iedereen");
    await post(server.url, cookies["lead@ez.example"], sectionId, { intent: "create", ...anchor, body: "Voor iedereen" });
    await canary;
    const leaked = (value: unknown) => JSON.stringify(value).includes(secret.id) || JSON.stringify(value).includes(SECRET);
    expect(partner.received.filter((r) => leaked(r.payload))).toEqual([]);

    // Loader data (JSON, or Remix's single-fetch stream): the comments column, the section page, the
    // activity feed, the inbox. Each answer holds what the partner may see (the canary), not the secret.
    const partnerViews: [string, string | null][] = [
      [`/s/${sectionId}/comments`, "Voor iedereen"],
      [`/s/${sectionId}.data`, null],
      [`/w/${workspaceId}/activity.data`, "Voor iedereen"],
      ["/notifications.data", null],
      ["/notifications/unread", null],
    ];
    for (const [path, expected] of partnerViews) {
      const res = await getJson(server.url, cookies["partner@be.example"], path);
      expect(res.status, path).toBe(200);
      expect(res.text.length, path).toBeGreaterThan(0);
      if (expected) expect(res.text, path).toContain(expected);
      expect(res.text.includes(secret.id) || res.text.includes(SECRET), path).toBe(false);
    }
    // The lead sees it in the same places.
    expect((await getJson(server.url, cookies["lead@ez.example"], `/s/${sectionId}/comments`)).text).toContain(SECRET);
    expect((await getJson(server.url, cookies["lead@ez.example"], `/w/${workspaceId}/activity.data`)).text).toContain(SECRET);

    // Acting on it from outside: as if it did not exist, and nothing changes.
    const attempts = [
      { intent: "reply", threadId: secret.id, body: "mag ik meelezen?" },
      { intent: "resolve", threadId: secret.id },
      { intent: "edit", commentId: secret.comments[0].id, body: "weg" },
      { intent: "delete", commentId: secret.comments[0].id },
    ];
    for (const attempt of attempts) {
      const res = await post(server.url, cookies["partner@be.example"], sectionId, attempt);
      expect(res.status, attempt.intent).toBe(404);
    }
    const after = JSON.parse((await getJson(server.url, cookies["lead@ez.example"], `/s/${sectionId}/comments`)).text) as { threads: ThreadView[] };
    const stored = after.threads.find((x) => x.id === secret.id)!;
    expect(stored.comments.map((c) => c.body)).toEqual([`${SECRET} @Pieter Claes`, `${SECRET}, vervolg`]);
    expect(stored.resolved).toBeNull();

    // And in the partner's stored notifications (not only the shown ones).
    const { db, t } = server.database;
    const rows = await db.select().from(t.notifications);
    expect(rows.filter((n) => n.userId === partnerId && n.threadId === secret.id)).toEqual([]);
  });

  it("notifies a mentioned member live, and only members who may see the thread", async () => {
    const partner = await socketAs("partner@be.example");
    const partnerId = await server.userId("partner@be.example");
    const notified = next(partner, "notifications.changed", (p) => p.notification?.kind === "mention");
    const res = await post(server.url, cookies["drafter@kgg.example"], sectionId, {
      intent: "create",
      ...anchor,
      body: "@Pieter Claes, kunt u dit voor België bevestigen?",
      mentions: [partnerId],
    });
    expect(res.status).toBe(200);
    expect((res.body.thread as ThreadView).comments[0].mentions).toEqual([{ id: partnerId, name: "Pieter Claes", organisationShortCode: "BE" }]);
    const { notification } = await notified;
    expect(notification).toMatchObject({ kind: "mention", actor: { name: "Daan Kramer" }, sectionId, data: { excerpt: "@Pieter Claes, kunt u dit voor België bevestigen?" } });
    const inbox = await getJson(server.url, cookies["partner@be.example"], "/notifications.data");
    expect(inbox.text).toContain(notification!.id);
    expect(inbox.text).toContain("kunt u dit voor België bevestigen?");
  });

  it("resolves: the author may resolve their own thread as a commenter; when someone else resolves, the author is asked and may reopen with a reply", async () => {
    const partnerCookie = cookies["partner@be.example"];
    const own = (await post(server.url, partnerCookie, sectionId, { intent: "create", ...anchor, body: "Klein punt" })).body.thread as ThreadView;
    expect(own.can.resolve).toBe(true);
    const resolved = await post(server.url, partnerCookie, sectionId, { intent: "resolve", threadId: own.id });
    expect(resolved.status).toBe(200);
    expect((resolved.body.thread as ThreadView).asksMeToConfirm).toBe(false);

    // The expert (commenter) may not resolve someone else's thread.
    const other = (await post(server.url, partnerCookie, sectionId, { intent: "create", ...anchor, body: "Groter punt" })).body.thread as ThreadView;
    expect((await post(server.url, cookies["expert@fme.example"], sectionId, { intent: "resolve", threadId: other.id })).status).toBe(403);

    const partner = await socketAs("partner@be.example");
    const asked = next(partner, "notifications.changed", (p) => p.notification?.kind === "resolved");
    expect((await post(server.url, cookies["drafter@kgg.example"], sectionId, { intent: "resolve", threadId: other.id })).status).toBe(200);
    await asked;
    const view = JSON.parse((await getJson(server.url, partnerCookie, `/s/${sectionId}/comments`)).text) as { threads: ThreadView[] };
    expect(view.threads.find((x) => x.id === other.id)).toMatchObject({ asksMeToConfirm: true, resolved: { by: { name: "Daan Kramer" } } });

    const reopened = await post(server.url, partnerCookie, sectionId, { intent: "reopen", threadId: other.id, body: "Nog niet opgelost: zie alinea 2." });
    expect(reopened.status).toBe(200);
    const thread = reopened.body.thread as ThreadView;
    expect(thread.resolved).toBeNull();
    expect(thread.comments.map((c) => c.kind)).toEqual(["comment", "resolved", "reopened", "comment"]);

    // Resolved again, and confirmed this time: the thread shows the confirmation.
    await post(server.url, cookies["drafter@kgg.example"], sectionId, { intent: "resolve", threadId: other.id });
    const confirmed = await post(server.url, partnerCookie, sectionId, { intent: "confirm", threadId: other.id });
    expect(confirmed.status).toBe(200);
    expect((confirmed.body.thread as ThreadView).resolutionConfirmedAt).not.toBeNull();
    expect((confirmed.body.thread as ThreadView).comments.at(-1)?.kind).toBe("confirmed");
  });

  it("edits and deletes my own comment; deleted shows as deleted; bad input changes nothing", async () => {
    const partnerCookie = cookies["partner@be.example"];
    const thread = (await post(server.url, partnerCookie, sectionId, { intent: "create", ...anchor, body: "Eerste versie" })).body.thread as ThreadView;
    const [first] = thread.comments;
    expect((await post(server.url, cookies["drafter@kgg.example"], sectionId, { intent: "edit", commentId: first.id, body: "niet van mij" })).status).toBe(403);
    const edited = await post(server.url, partnerCookie, sectionId, { intent: "edit", commentId: first.id, body: "Tweede versie" });
    expect((edited.body.thread as ThreadView).comments[0]).toMatchObject({ body: "Tweede versie", editedAt: expect.any(String) });

    for (const bad of [
      { intent: "reply", threadId: thread.id, body: "   " },
      { intent: "reply", threadId: thread.id, body: "x".repeat(5001) },
      { intent: "reply", threadId: "../../etc", body: "x" },
      { intent: "create", anchor: { start: "not base64!", end: "AA==" }, quote: "", body: "x" },
      { intent: "create", ...anchor, body: "x", visibility: "secret" },
      { intent: "shout", body: "x" },
      { intent: "reply", threadId: thread.id, body: "x", authorId: "someone-else" },
    ]) {
      const res = await post(server.url, partnerCookie, sectionId, bad);
      expect(res.status, JSON.stringify(bad).slice(0, 80)).toBe(400);
      expect(res.body.error).toMatchObject({ code: "bad_request", message: expect.any(String) });
    }
    const deleted = await post(server.url, partnerCookie, sectionId, { intent: "delete", commentId: first.id });
    expect((deleted.body.thread as ThreadView).comments).toEqual([
      expect.objectContaining({ id: first.id, deleted: true, body: null, can: { edit: false, delete: false } }),
    ]);
    // Not signed in: refused, with a JSON error.
    const anonymous = await fetch(`${server.url}/s/${sectionId}/comments`);
    expect(anonymous.status).toBe(401);
  });
});
