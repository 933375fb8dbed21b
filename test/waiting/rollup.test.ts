/**
 * The agenda roll-up as people read it (#15, #14): the open assigned discussions per workspace (to
 * whom, by when, overdue marked), only those the reader may read; counters per workspace and per lead
 * organisation that link to the filtered lists, and those lists filtered; changes requested (who and
 * why) on the dashboard's workspace cards. Over real doors: the pages' loader data and HTML.
 */
import { eq } from "drizzle-orm";
import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ThreadView } from "../../app/shared/comments";
import { decideReview } from "../../server/commands/reviewDecide";
import { requestReview } from "../../server/commands/reviewRequest";
import { loadActor } from "../../server/services/access";
import type { AgendaRollup } from "../../server/views/agenda";
import { currentHash } from "../../server/views/versions";
import { connectProvider, synced, type ProviderClient } from "../collab/helpers";
import { anchorOf, post } from "../comments/helpers";
import { WS, nameOf } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";

const LABOUR = WS.labour; // approvers: OCW; lead owner (EZ), drafter (KGG) and expert (FME) editors, approver (OCW) commenter
const PHRASE = "Nog uit te werken met alle betrokken partijen";

let server: TestServer;
const cookies: Record<string, string> = {};
const providers: ProviderClient[] = [];
let sections: string[];
let workspaceId: string;
let agendaId: string;

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

async function loaderData<T>(email: string, path: string, route: string): Promise<T> {
  const [pathname, search] = path.split("?");
  const url = `${server.url}${pathname === "/" ? "/_root" : pathname}.data?${search ? `${search}&` : ""}_routes=${encodeURIComponent(route)}`;
  const res = await fetch(url, { headers: { cookie: await cookie(email), "accept-language": "en" } });
  expect(res.status, `${route} for ${email}`).toBe(200);
  const decoded = await decode(res.body!);
  await decoded.done;
  const value = decoded.value as Record<string, { data?: T }>;
  if (!value[route]?.data) throw new Error(`no data for ${route}`);
  return value[route].data;
}

async function html(email: string, path: string, language = "en") {
  const res = await fetch(`${server.url}${path}`, { headers: { cookie: await cookie(email), "accept-language": language } });
  expect(res.status, path).toBe(200);
  return res.text();
}

type AgendaData = { rollup: AgendaRollup; workspaces: { id: string; title: string }[]; filter: { organisation: string | null; status: string | null } | null };
const agendaPage = (email: string, query = "") => loaderData<AgendaData>(email, `/a/${agendaId}${query}`, "routes/a.$agendaId._index");

beforeAll(async () => {
  server = await startTestServer({ remix: "build" });
  sections = await server.sectionIds(LABOUR);
  workspaceId = await server.workspaceId(LABOUR);
  const { db, t } = server.database;
  const [w] = await db.select({ agendaId: t.workspaces.agendaId }).from(t.workspaces).where(eq(t.workspaces.id, workspaceId));
  agendaId = w.agendaId!;
});

afterAll(async () => {
  for (const p of providers) p.destroy();
  await server?.stop();
});

describe("assigned discussions on the agenda roll-up", () => {
  let forAll: ThreadView;
  let forKgg: ThreadView;

  beforeAll(async () => {
    const sectionId = sections[2]; // the section with the phrase
    const client = connectProvider(server.url, sectionId, { cookie: await cookie("drafter@kgg.example"), origin: server.url });
    providers.push(client);
    await synced(client);
    const anchor = anchorOf(client.doc, PHRASE);
    const start = async (email: string, visibility: "all" | "organisation") => {
      const created = await post(server.url, await cookie(email), sectionId, { intent: "create", ...anchor, visibility, body: "Wie pakt dit op?" });
      expect(created.status).toBe(200);
      return created.body.thread as ThreadView;
    };
    forAll = await start("lead@ez.example", "all");
    forKgg = await start("drafter@kgg.example", "organisation");
    const expertId = await server.userId("expert@fme.example");
    const drafterId = await server.userId("drafter@kgg.example");
    const assign = async (email: string, body: Record<string, unknown>) => {
      const res = await post(server.url, await cookie(email), sectionId, { intent: "assign", ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    await assign("lead@ez.example", { threadId: forAll.id, assignee: { userId: expertId }, dueDate: inAWeek() });
    await assign("drafter@kgg.example", { threadId: forKgg.id, assignee: { userId: drafterId } });
  });

  it("lists each open assigned discussion under its workspace: to whom, by when, a link to it", async () => {
    const { rollup } = await agendaPage("lead@ez.example");
    const labour = rollup.assignedThreads.find((w) => w.workspaceId === workspaceId);
    expect(labour?.workspaceTitle).toBe(LABOUR);
    expect(labour?.threads).toEqual([
      expect.objectContaining({
        threadId: forAll.id,
        sectionId: sections[2],
        assignee: { kind: "person", name: nameOf("expert@fme.example") },
        dueDate: inAWeek(),
        overdue: false,
        href: `/s/${sections[2]}?thread=${encodeURIComponent(forAll.id)}`,
      }),
    ]);
    const page = await html("lead@ez.example", `/a/${agendaId}`);
    expect(page).toContain("data-rollup-assigned");
    expect(page).toContain(`data-thread-id="${forAll.id}"`);
    expect(page).toContain(`assigned to ${nameOf("expert@fme.example")}`);
  });

  it("marks a discussion past its due date as overdue, in both languages", async () => {
    const { db, t } = server.database;
    await db.update(t.commentThreads).set({ assignmentDueDate: "2024-01-02" }).where(eq(t.commentThreads.id, forAll.id));
    const { rollup } = await agendaPage("lead@ez.example");
    const thread = rollup.assignedThreads.flatMap((w) => w.threads).find((th) => th.threadId === forAll.id);
    expect(thread).toMatchObject({ overdue: true, dueDate: "2024-01-02" });
    expect(rollup.byWorkspace.find((w) => w.id === workspaceId)).toMatchObject({ assigned: 1, assignedOverdue: 1 });
    const en = await html("lead@ez.example", `/a/${agendaId}`, "en");
    expect(en).toMatch(new RegExp(`data-thread-id="${forAll.id}" data-overdue="true"`));
    expect(en).toContain("overdue since");
    const nl = await html("lead@ez.example", `/a/${agendaId}`, "nl");
    expect(nl).toContain("te laat sinds");
    await db.update(t.commentThreads).set({ assignmentDueDate: inAWeek() }).where(eq(t.commentThreads.id, forAll.id));
  });

  it("shows a discussion for one organisation only to that organisation", async () => {
    const kgg = (await agendaPage("drafter@kgg.example")).rollup.assignedThreads.flatMap((w) => w.threads).map((th) => th.threadId);
    expect(kgg).toEqual(expect.arrayContaining([forAll.id, forKgg.id]));
    for (const email of ["lead@ez.example", "expert@fme.example", "office@minister.example"]) {
      const data = await agendaPage(email);
      expect(JSON.stringify(data), email).not.toContain(forKgg.id);
      expect(await html(email, `/a/${agendaId}`), email).not.toContain(forKgg.id);
    }
  });

  it("drops a discussion once it is resolved", async () => {
    expect((await post(server.url, await cookie("drafter@kgg.example"), sections[2], { intent: "resolve", threadId: forKgg.id })).status).toBe(200);
    const ids = (await agendaPage("drafter@kgg.example")).rollup.assignedThreads.flatMap((w) => w.threads).map((th) => th.threadId);
    expect(ids).toContain(forAll.id);
    expect(ids).not.toContain(forKgg.id);
  });
});

describe("changes requested where people look, and counters that link to filtered lists", () => {
  const note = "Noem de rol van het mbo expliciet.";

  beforeAll(async () => {
    const lead = await actor("lead@ez.example");
    const approver = await actor("approver@ocw.example");
    await requestReview(server.services, { actor: lead, sectionId: sections[1], dueDate: inAWeek() });
    await decideReview(server.services, { actor: approver, sectionId: sections[1], decision: "request_changes", note, contentHash: await currentHash(server.database, sections[1]) });
  });

  it("says so on the dashboard's workspace card, the workspace page and the agenda roll-up, with who asked and why", async () => {
    const who = nameOf("approver@ocw.example");
    const dashboard = await loaderData<{ workspaces: { id: string; changesRequested: { sectionId: string; requests: { by: string | null; note: string }[] }[] }[] }>(
      "lead@ez.example",
      "/",
      "routes/_index",
    );
    const card = dashboard.workspaces.find((w) => w.id === workspaceId);
    expect(card?.changesRequested).toEqual([expect.objectContaining({ sectionId: sections[1], requests: [expect.objectContaining({ by: who, note })] })]);
    // Every other card says nothing of it.
    expect(dashboard.workspaces.filter((w) => w.id !== workspaceId).every((w) => w.changesRequested.length === 0)).toBe(true);
    const home = await html("lead@ez.example", "/");
    const cardHtml = home.slice(home.indexOf(`class="workspace-card" data-workspace-id="${workspaceId}"`));
    expect(cardHtml.slice(0, cardHtml.indexOf("</li></ul></div></li>") + 50)).toContain(note);
    expect(await html("lead@ez.example", `/w/${workspaceId}`)).toContain(note);
    const { rollup } = await agendaPage("lead@ez.example");
    expect(rollup.changesRequested.find((c) => c.sectionId === sections[1])?.requests).toEqual([expect.objectContaining({ by: who, note })]);
    expect(rollup.byWorkspace.find((w) => w.id === workspaceId)).toMatchObject({ changesRequested: 1 });
  });

  it("counts per workspace and per lead organisation, each count a link to the filtered list", async () => {
    const { rollup } = await agendaPage("office@minister.example");
    const labour = rollup.byWorkspace.find((w) => w.id === workspaceId)!;
    expect(labour.total).toBe(sections.length);
    expect(labour.counts.in_review).toBe(1);
    // The organisation rows add up their workspaces, and all rows add up to the agenda.
    const sum = (rows: { total: number }[]) => rows.reduce((n, r) => n + r.total, 0);
    expect(sum(rollup.byWorkspace)).toBe(rollup.total);
    expect(sum(rollup.byOrganisation)).toBe(rollup.total);
    const lead = labour.lead!;
    const org = rollup.byOrganisation.find((o) => o.id === lead.id)!;
    const led = rollup.byWorkspace.filter((w) => w.lead?.id === lead.id);
    expect(org).toMatchObject({ name: lead.name, workspaces: led.length, total: sum(led) });

    const page = await html("office@minister.example", `/a/${agendaId}`);
    expect(page).toContain("data-rollup-counters");
    expect(page).toContain(`href="/w/${workspaceId}?status=in_review"`);
    expect(page).toContain(`href="/a/${agendaId}?organisation=${lead.id}&amp;status=in_review"`);
  });

  it("lists only what a counter counted when its link is followed", async () => {
    const all = await agendaPage("office@minister.example");
    const lead = all.rollup.byWorkspace.find((w) => w.id === workspaceId)!.lead!;
    const byOrg = await agendaPage("office@minister.example", `?organisation=${lead.id}`);
    const led = all.rollup.byWorkspace.filter((w) => w.lead?.id === lead.id).map((w) => w.id);
    expect(byOrg.workspaces.map((w) => w.id).sort()).toEqual([...led].sort());
    expect(byOrg.workspaces.length).toBeLessThan(all.workspaces.length);
    expect(byOrg.rollup.byWorkspace.map((w) => w.id).sort()).toEqual([...led].sort());
    expect(byOrg.filter).toMatchObject({ organisation: lead.id, status: null });

    const inReview = await agendaPage("office@minister.example", `?organisation=${lead.id}&status=in_review`);
    expect(inReview.workspaces.map((w) => w.id)).toEqual([workspaceId]);
    const en = await html("office@minister.example", `/a/${agendaId}?status=in_review`, "en");
    expect(en).toContain("data-filter");
    expect(en).toContain("Show all workspaces");
    expect(await html("office@minister.example", `/a/${agendaId}?status=in_review`, "nl")).toContain("Toon alle werkruimtes");
    // An unknown status is no filter.
    expect((await agendaPage("office@minister.example", "?status=everything")).workspaces.length).toBe(all.workspaces.length);

    // The workspace page lists only the sections in that status.
    const filtered = await html("lead@ez.example", `/w/${workspaceId}?status=in_review`);
    expect(filtered).toContain(`/s/${sections[1]}`);
    expect(filtered).not.toContain(`href="/s/${sections[2]}"`);
    expect(filtered).toContain("Show all sections");
    const whole = await html("lead@ez.example", `/w/${workspaceId}`);
    expect(whole).toContain(`href="/s/${sections[2]}"`);
  });
});
