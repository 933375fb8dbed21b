/**
 * "Waiting for me", thread assignments and the notifications that say what happened, over real doors:
 * the dashboard's and the notifications page's loader data (Remix's `.data` URLs), the comments route (JSON),
 * socket.io and the stock y-websocket provider, against a real server on the demo data. The review
 * steps the tests start from are the review commands, as in test/review/flow.test.ts.
 */
import { and, count, eq } from "drizzle-orm";
import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NotificationView, ThreadView } from "../../app/shared/comments";
import type { Waiting, WaitingItem } from "../../app/shared/waiting";
import { createInvitation } from "../../server/commands/invitationCreate";
import { decideReview } from "../../server/commands/reviewDecide";
import { requestReview } from "../../server/commands/reviewRequest";
import { loadActor } from "../../server/services/access";
import { currentHash } from "../../server/views/versions";
import { appendParagraph, connectProvider, pollAsync, synced, type ProviderClient } from "../collab/helpers";
import { anchorOf, post } from "../comments/helpers";
import { closeAll, connect, next, type Client } from "../realtime/clients";
import { WS, nameOf } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";

const LABOUR = WS.labour; // approvers: OCW; lead owner, drafter (KGG) and expert (FME) editors, approver (OCW) commenter
const PHRASE = "Nog uit te werken met alle betrokken partijen";

let server: TestServer;
const cookies: Record<string, string> = {};
const providers: ProviderClient[] = [];
const sockets: Client[] = [];
let sections: string[];

const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);

async function cookie(email: string) {
  cookies[email] ??= (await server.signIn(email)).cookie;
  return cookies[email];
}

async function actor(email: string) {
  const a = await loadActor(server.database, await server.userId(email));
  if (!a) throw new Error(`no actor ${email}`);
  return a;
}

/** A route's loader data, as the browser fetches it on a client-side navigation (Remix's `.data` URL, turbo-stream). */
async function loaderData<T>(email: string, path: string, route: string): Promise<T> {
  const url = `${server.url}${path === "/" ? "/_root" : path}.data?_routes=${encodeURIComponent(route)}`;
  const res = await fetch(url, { headers: { cookie: await cookie(email), "accept-language": "en" } });
  expect(res.status, `${route} for ${email}`).toBe(200);
  const decoded = await decode(res.body!);
  await decoded.done;
  const value = decoded.value as Record<string, { data?: T; error?: unknown }>;
  if (!value[route]?.data) throw new Error(`no data for ${route}: ${JSON.stringify(value)}`);
  return value[route].data;
}

const dashboard = (email: string) =>
  loaderData<{ waiting: Waiting; workspaces: { title: string; role: string | null }[]; agendas: { rollup: { changesRequested: { sectionId: string; requests: unknown[] }[] } }[] }>(
    email,
    "/",
    "routes/_index",
  );
const waiting = async (email: string) => (await dashboard(email)).waiting.items;
const kinds = (items: WaitingItem[], kind: WaitingItem["kind"]) => items.filter((i) => i.kind === kind);
const notifications = async (email: string) => (await loaderData<{ notifications: NotificationView[] }>(email, "/notifications", "routes/notifications")).notifications;

async function auditCount(action: string) {
  const { db, t } = server.database;
  const [row] = await db.select({ n: count() }).from(t.auditEvents).where(eq(t.auditEvents.action, action));
  return Number(row.n);
}

async function threadRow(threadId: string) {
  const { db, t } = server.database;
  const [row] = await db.select().from(t.commentThreads).where(eq(t.commentThreads.id, threadId));
  return row;
}

beforeAll(async () => {
  server = await startTestServer({ remix: "build" });
  sections = await server.sectionIds(LABOUR);
});

afterAll(async () => {
  closeAll(...sockets);
  for (const p of providers) p.destroy();
  await server?.stop();
});

describe("waiting for me after the review flow", () => {
  it("starts empty for the approver, and the office sees its role as the final sign-off", async () => {
    const items = await waiting("approver@ocw.example");
    expect(items).toEqual([]);
    const office = await dashboard("office@minister.example");
    expect(office.workspaces.length).toBeGreaterThan(5);
    expect(new Set(office.workspaces.map((w) => w.role))).toEqual(new Set(["signOff"]));
    // A member keeps their own role; someone with no role anywhere is still "no member".
    expect((await dashboard("lead@ez.example")).workspaces.every((w) => w.role === "owner")).toBe(true);
  });

  it("gives the approver the reviews to decide with their due date, the office the section ready for sign-off, the owner the changes requested", async () => {
    const lead = await actor("lead@ez.example");
    const approver = await actor("approver@ocw.example");
    const due = inAWeek();
    for (const sectionId of sections) await requestReview(server.services, { actor: lead, sectionId, dueDate: due });

    const toDecide = kinds(await waiting("approver@ocw.example"), "review.decide");
    expect(toDecide.map((i) => i.kind === "review.decide" && i.sectionId).sort()).toEqual([...sections].sort());
    expect(toDecide[0]).toMatchObject({ dueDate: due, late: false, workspaceTitle: LABOUR, href: expect.stringMatching(/^\/s\/[^/]+\/review$/) });
    // Nobody else in the workspace decides for OCW.
    expect(kinds(await waiting("drafter@kgg.example"), "review.decide").filter((i) => i.workspaceTitle === LABOUR)).toEqual([]);

    const [approved, changes] = sections;
    await decideReview(server.services, { actor: approver, sectionId: approved, decision: "approve", note: "Akkoord.", contentHash: await currentHash(server.database, approved) });
    const note = "Noem de rol van het mbo expliciet.";
    await decideReview(server.services, { actor: approver, sectionId: changes, decision: "request_changes", note, contentHash: await currentHash(server.database, changes) });

    // The approver has only the third section left.
    expect(kinds(await waiting("approver@ocw.example"), "review.decide").map((i) => i.kind === "review.decide" && i.sectionId)).toEqual([sections[2]]);

    // The office: ready for sign-off, and told so.
    const office = await waiting("office@minister.example");
    expect(kinds(office, "signoff.ready")).toEqual([expect.objectContaining({ sectionId: approved, href: `/s/${approved}/review`, workspaceTitle: LABOUR })]);
    const told = (await notifications("office@minister.example")).filter((n) => n.kind === "section.ready_for_signoff");
    expect(told).toEqual([expect.objectContaining({ sectionId: approved, workspaceTitle: LABOUR, sectionTitle: "Aanleiding" })]);

    // The owner (and the editors who write it): changes requested, by whom and why.
    const request = { organisation: "OCW", by: nameOf("approver@ocw.example"), note };
    for (const email of ["lead@ez.example", "drafter@kgg.example"]) {
      expect(kinds(await waiting(email), "changes.requested"), email).toEqual([expect.objectContaining({ sectionId: changes, requests: [request] })]);
    }
    // …also in the roll-up everybody sees on the dashboard, and not for a viewer's list.
    expect((await dashboard("viewer@tno.example")).agendas[0].rollup.changesRequested).toEqual([expect.objectContaining({ sectionId: changes, requests: [expect.objectContaining(request)] })]);
    expect(kinds(await waiting("viewer@tno.example"), "changes.requested")).toEqual([]);
    // The owner's notification says the outcome, with the note, the section and the workspace.
    const decided = (await notifications("lead@ez.example")).find((n) => n.kind === "review.decided" && n.sectionId === changes);
    expect(decided).toMatchObject({ data: { decision: "request_changes", note }, sectionTitle: expect.any(String), workspaceTitle: LABOUR, actor: { name: nameOf("approver@ocw.example") } });
  });

  it("shows the approver an approval gone stale after an edit", async () => {
    const [approved] = sections;
    const editor = connectProvider(server.url, approved, { cookie: await cookie("lead@ez.example"), origin: server.url });
    providers.push(editor);
    await synced(editor);
    appendParagraph(editor.doc, `Aangevuld ${Date.now()}`);
    await pollAsync(async () => kinds(await waiting("approver@ocw.example"), "approval.stale").length === 1, "the stale approval in the approver's list", 10_000);
    const stale = kinds(await waiting("approver@ocw.example"), "approval.stale")[0];
    expect(stale).toMatchObject({ sectionId: approved, href: `/s/${approved}/review` });
    // No longer ready for the office.
    expect(kinds(await waiting("office@minister.example"), "signoff.ready")).toEqual([]);
  });

  it("lists an invitation nobody accepted for the one who sent it", async () => {
    const lead = await actor("lead@ez.example");
    const workspaceId = await server.workspaceId(LABOUR);
    const invitation = await createInvitation(server.services, { actor: lead, workspaceId, email: "nieuw@ez.example", role: "editor", organisationId: lead.organisationId! });
    const open = kinds(await waiting("lead@ez.example"), "invitation.open");
    expect(open).toEqual([expect.objectContaining({ invitationId: invitation.id, email: "nieuw@ez.example", expired: false, href: `/w/${workspaceId}/members` })]);
    expect(kinds(await waiting("drafter@kgg.example"), "invitation.open")).toEqual([]);
  });
});

describe("assigning a thread", () => {
  let sectionId: string;
  let anchor: ReturnType<typeof anchorOf>;

  beforeAll(async () => {
    sectionId = sections[2];
    const client = connectProvider(server.url, sectionId, { cookie: await cookie("drafter@kgg.example"), origin: server.url });
    providers.push(client);
    await synced(client);
    anchor = anchorOf(client.doc, PHRASE);
  });

  const start = async (email: string, visibility: "all" | "organisation") => {
    const created = await post(server.url, await cookie(email), sectionId, { intent: "create", ...anchor, visibility, body: "Wie pakt dit op?" });
    expect(created.status).toBe(200);
    return created.body.thread as ThreadView;
  };
  const assign = async (email: string, body: Record<string, unknown>) => post(server.url, await cookie(email), sectionId, { intent: "assign", ...body });

  it("assigns a thread to a person with a due date: told live, on their list, audited", async () => {
    const thread = await start("lead@ez.example", "all");
    const expertId = await server.userId("expert@fme.example");
    const socket = await connect(server.url, { cookie: await cookie("expert@fme.example") });
    sockets.push(socket);
    const told = next(socket, "notifications.changed", (p) => p.notification?.kind === "thread.assigned");
    const before = await auditCount("thread.assigned");
    const due = inAWeek();

    const res = await assign("lead@ez.example", { threadId: thread.id, assignee: { userId: expertId }, dueDate: due });
    expect(res.status).toBe(200);
    expect((res.body.thread as ThreadView).assignment).toMatchObject({ person: { name: nameOf("expert@fme.example") }, dueDate: due, by: { name: nameOf("lead@ez.example") } });
    expect((await told).notification).toMatchObject({ threadId: thread.id, workspaceTitle: LABOUR, data: { dueDate: due } });
    expect(await auditCount("thread.assigned")).toBe(before + 1);

    const mine = kinds(await waiting("expert@fme.example"), "thread.assigned");
    expect(mine).toEqual([expect.objectContaining({ threadId: thread.id, dueDate: due, organisation: null, href: `/s/${sectionId}?thread=${encodeURIComponent(thread.id)}` })]);
    // The thread as the expert reads it says it is theirs.
    const seen = await post(server.url, await cookie("expert@fme.example"), sectionId, { intent: "reply", threadId: thread.id, body: "Ik neem het op." });
    expect((seen.body.thread as ThreadView).assignedToMe).toBe(true);

    // Reassigned to an organisation: audited as such; the expert is told and it leaves their list; KGG's people get it.
    const unassigned = next(socket, "notifications.changed", (p) => p.notification?.kind === "thread.unassigned");
    const kgg = (await actor("drafter@kgg.example")).organisationId!;
    const reassigned = await assign("lead@ez.example", { threadId: thread.id, assignee: { organisationId: kgg } });
    expect(reassigned.status).toBe(200);
    await unassigned;
    expect(await auditCount("thread.reassigned")).toBeGreaterThanOrEqual(1);
    expect(kinds(await waiting("expert@fme.example"), "thread.assigned")).toEqual([]);
    const kggList = kinds(await waiting("drafter@kgg.example"), "thread.assigned");
    expect(kggList).toEqual([expect.objectContaining({ threadId: thread.id, organisation: "Ministerie van Klimaat en Groene Groei" })]);
    expect((await notifications("drafter@kgg.example")).find((n) => n.kind === "thread.assigned" && n.threadId === thread.id)?.data.organisationName).toBe(
      "Ministerie van Klimaat en Groene Groei",
    );

    // Resolving ends it, and is audited.
    const resolvedBefore = await auditCount("thread.resolved");
    expect((await post(server.url, await cookie("lead@ez.example"), sectionId, { intent: "resolve", threadId: thread.id })).status).toBe(200);
    expect(await auditCount("thread.resolved")).toBe(resolvedBefore + 1);
    expect(kinds(await waiting("drafter@kgg.example"), "thread.assigned")).toEqual([]);
    // A resolved thread is not assigned again, only unassigned (audited).
    expect((await assign("lead@ez.example", { threadId: thread.id, assignee: { organisationId: kgg } })).status).toBe(409);
    const unassignedBefore = await auditCount("thread.unassigned");
    expect((await assign("lead@ez.example", { threadId: thread.id, assignee: null })).status).toBe(200);
    expect(await auditCount("thread.unassigned")).toBe(unassignedBefore + 1);
    expect((await threadRow(thread.id)).assigneeOrganisationId).toBeNull();
  });

  it("refuses those who may not assign, and bad input, changing nothing", async () => {
    const thread = await start("lead@ez.example", "all");
    const expertId = await server.userId("expert@fme.example");
    const audit = await auditCount("thread.assigned");
    // A viewer, and a commenter on someone else's thread.
    expect((await assign("viewer@tno.example", { threadId: thread.id, assignee: { userId: expertId } })).status).toBe(403);
    expect((await assign("approver@ocw.example", { threadId: thread.id, assignee: { userId: expertId } })).status).toBe(403);
    // Someone with no access to the workspace does not even learn the thread exists.
    expect((await assign("partner@be.example", { threadId: thread.id, assignee: null })).status).toBe(404);
    for (const bad of [
      { threadId: thread.id, assignee: { userId: expertId }, dueDate: "2020-01-01" },
      { threadId: thread.id, assignee: { userId: expertId }, dueDate: "morgen" },
      { threadId: thread.id, assignee: { userId: expertId, organisationId: expertId } },
      { threadId: thread.id, assignee: "everyone" },
      { threadId: thread.id },
    ]) {
      const res = await assign("lead@ez.example", bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect((res.body.error as { code: string }).code).toBe("bad_request");
    }
    // A person who cannot read the workspace, an organisation that takes no part.
    const partnerId = await server.userId("partner@be.example");
    expect((await assign("lead@ez.example", { threadId: thread.id, assignee: { userId: partnerId } })).body.error).toMatchObject({ code: "assignee_cannot_see" });
    const { db, t } = server.database;
    const [germany] = await db.select({ id: t.organisations.id }).from(t.organisations).where(eq(t.organisations.shortCode, "DE"));
    expect((await assign("lead@ez.example", { threadId: thread.id, assignee: { organisationId: germany.id } })).body.error).toMatchObject({ code: "organisation_not_involved" });
    expect(await threadRow(thread.id)).toMatchObject({ assigneeUserId: null, assigneeOrganisationId: null, assignmentDueDate: null });
    expect(await auditCount("thread.assigned")).toBe(audit);
  });

  it("keeps a thread for one organisation inside it: assigned only there, seen by no one else", async () => {
    const thread = await start("drafter@kgg.example", "organisation");
    const kgg = (await actor("drafter@kgg.example")).organisationId!;
    const fme = (await actor("expert@fme.example")).organisationId!;
    const expertId = await server.userId("expert@fme.example");
    expect((await assign("drafter@kgg.example", { threadId: thread.id, assignee: { organisationId: fme } })).body.error).toMatchObject({ code: "assignee_cannot_see" });
    expect((await assign("drafter@kgg.example", { threadId: thread.id, assignee: { userId: expertId } })).body.error).toMatchObject({ code: "assignee_cannot_see" });
    // The owner of the workspace, of another organisation, cannot see the thread, so cannot assign it.
    expect((await assign("lead@ez.example", { threadId: thread.id, assignee: { organisationId: kgg } })).status).toBe(404);
    const drafterId = await server.userId("drafter@kgg.example");
    expect((await assign("drafter@kgg.example", { threadId: thread.id, assignee: { userId: drafterId } })).status).toBe(200);
    expect(kinds(await waiting("drafter@kgg.example"), "thread.assigned").map((i) => i.kind === "thread.assigned" && i.threadId)).toContain(thread.id);
    for (const email of ["lead@ez.example", "expert@fme.example", "office@minister.example"]) {
      expect(JSON.stringify(await dashboard(email)), email).not.toContain(thread.id);
      expect(JSON.stringify(await notifications(email)), email).not.toContain(thread.id);
    }
  });

  it("lists a mention until it is answered", async () => {
    const thread = await start("lead@ez.example", "all");
    const drafter = nameOf("drafter@kgg.example");
    const drafterId = await server.userId("drafter@kgg.example");
    const replied = await post(server.url, await cookie("expert@fme.example"), sectionId, {
      intent: "reply",
      threadId: thread.id,
      body: `@${drafter} kunt u hiernaar kijken?`,
      mentions: [drafterId],
    });
    expect(replied.status).toBe(200);
    const mention = kinds(await waiting("drafter@kgg.example"), "mention").find((i) => i.kind === "mention" && i.threadId === thread.id);
    expect(mention).toMatchObject({ by: nameOf("expert@fme.example"), excerpt: expect.stringContaining("kunt u hiernaar kijken"), href: `/s/${sectionId}?thread=${encodeURIComponent(thread.id)}` });
    await post(server.url, await cookie("drafter@kgg.example"), sectionId, { intent: "reply", threadId: thread.id, body: "Doe ik." });
    expect(kinds(await waiting("drafter@kgg.example"), "mention").filter((i) => i.kind === "mention" && i.threadId === thread.id)).toEqual([]);
  });
});

describe("notifications per section", () => {
  it("marks one section's notifications read, leaving the others", async () => {
    const email = "lead@ez.example";
    const before = await notifications(email);
    const unreadSections = [...new Set(before.filter((n) => !n.readAt && n.sectionId).map((n) => n.sectionId!))];
    expect(unreadSections.length).toBeGreaterThan(1);
    const [first] = unreadSections;
    const res = await fetch(`${server.url}/notifications.data`, {
      method: "POST",
      headers: { cookie: await cookie(email), origin: server.url, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "readSection", sectionId: first }),
    });
    expect(res.status).toBe(200);
    const after = await notifications(email);
    expect(after.filter((n) => n.sectionId === first && !n.readAt)).toEqual([]);
    expect(after.filter((n) => n.sectionId !== first && !n.readAt).length).toBeGreaterThan(0);
    const { db, t } = server.database;
    const lead = await server.userId(email);
    const [other] = await db.select({ n: count() }).from(t.notifications).where(and(eq(t.notifications.userId, lead), eq(t.notifications.sectionId, first)));
    expect(Number(other.n)).toBeGreaterThan(0);
  });
});
