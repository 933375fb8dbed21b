/**
 * Shaping a workspace's sections over the wire, as people do it: forms posted to the workspace page with
 * the demo people's session cookies, a second owner and a drafter watching over socket.io, a drafter's
 * editor open over the collab WebSocket (the stock provider). Every action, every role: owners may,
 * everyone else is refused and nothing changes; bad input and stale orders are refused with a reason.
 */
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { connectProvider, poll, synced, type ProviderClient } from "../collab/helpers";
import { closeAll, connectAs, next, type Client } from "../realtime/clients";
import { WS } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
const cookies = new Map<string, string>();
const clients: ProviderClient[] = [];
const sockets: Client[] = [];
let financing: string;
let offtake: string;
let supply: string;
let otherAgendaWorkspace: string;
let templateId: string;
let otherTemplateId: string;

// expert@fme.example is made a second owner of two workspaces (financing, offtake), not of supply.
const OWNER = "lead@ez.example";
const SECOND_OWNER = "expert@fme.example";
const NOT_OWNERS = ["drafter@kgg.example", "viewer@tno.example", "office@minister.example", "admin@overleg.example", "partner@be.example"];

async function cookieFor(email: string): Promise<string> {
  if (!cookies.has(email)) cookies.set(email, (await server.signIn(email)).cookie);
  return cookies.get(email)!;
}

async function page(path: string, email: string) {
  const res = await fetch(`${server.url}${path}`, { headers: { cookie: await cookieFor(email), "accept-language": "en" }, redirect: "manual" });
  return { status: res.status, html: await res.text() };
}

async function post(path: string, email: string, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url, cookie: await cookieFor(email), "accept-language": "en" },
    body,
    redirect: "manual",
  });
  const html = await res.text();
  return { status: res.status, html, code: html.match(/data-error-code="([a-z_]+)"/)?.[1] };
}

/** The workspace's sections as stored: id, title, position, archived, in order. */
async function stored(workspaceId: string) {
  const { db, t } = server.database;
  const rows = await db
    .select({ id: t.sections.id, title: t.sections.title, position: t.sections.position, archivedAt: t.sections.archivedAt })
    .from(t.sections)
    .where(eq(t.sections.workspaceId, workspaceId))
    .orderBy(t.sections.position);
  return rows;
}
const live = async (workspaceId: string) => (await stored(workspaceId)).filter((r) => r.archivedAt === null);
const liveIds = async (workspaceId: string) => (await live(workspaceId)).map((r) => r.id);
const liveTitles = async (workspaceId: string) => (await live(workspaceId)).map((r) => r.title);

/** The order of the sections on the workspace page, as a person sees it. */
async function orderOnPage(workspaceId: string, email = OWNER): Promise<string[]> {
  const html = (await page(`/w/${workspaceId}`, email)).html;
  return [...html.matchAll(/<li class="section-list__item" data-section-id="([^"]+)"/g)].map((m) => m[1]);
}

async function auditActions(subjectId: string): Promise<string[]> {
  const { db, t } = server.database;
  const rows = await db.select({ action: t.auditEvents.action }).from(t.auditEvents).where(eq(t.auditEvents.subjectId, subjectId)).orderBy(t.auditEvents.seq);
  return rows.map((r) => r.action);
}

async function watch(email: string, workspaceIds: string[]): Promise<Client> {
  const socket = await connectAs(server, email);
  sockets.push(socket);
  const ack = await socket.emitWithAck("workspace:join", workspaceIds);
  expect(ack.ok).toBe(true);
  return socket;
}

beforeAll(async () => {
  ensureBuild();
  server = await startTestServer({ remix: "build" });
  financing = await server.workspaceId(WS.financing);
  offtake = await server.workspaceId(WS.offtake);
  supply = await server.workspaceId(WS.supply);
  const { db, t } = server.database;
  const expert = await server.userId(SECOND_OWNER);
  await db
    .update(t.memberships)
    .set({ role: "owner" })
    .where(and(eq(t.memberships.userId, expert), inArray(t.memberships.workspaceId, [financing, offtake])));
  const [template] = await db.select({ id: t.sectionTemplates.id }).from(t.sectionTemplates);
  templateId = template.id;
  // A second agenda with a workspace the lead owns and a template of its own.
  const agendaId = crypto.randomUUID();
  await db.insert(t.agendas).values({ id: agendaId, title: "Tweede agenda" });
  otherAgendaWorkspace = crypto.randomUUID();
  await db.insert(t.workspaces).values({ id: otherAgendaWorkspace, agendaId, title: "Elders" });
  await db.insert(t.memberships).values({ workspaceId: otherAgendaWorkspace, userId: await server.userId(OWNER), role: "owner" });
  otherTemplateId = crypto.randomUUID();
  await db.insert(t.sectionTemplates).values({ id: otherTemplateId, agendaId, name: "Elders" });
  await db.insert(t.sectionTemplateItems).values({ templateId: otherTemplateId, position: 0, title: "Elders", content: null });
}, 300_000);

afterAll(async () => {
  for (const c of clients) c.destroy();
  closeAll(...sockets);
  await server?.stop();
});

describe("a section's title, shown once", () => {
  it("is the page's heading and not repeated at the top of the demo text", async () => {
    const [first] = await server.sectionIds(WS.contactPoint);
    const html = (await page(`/s/${first}`, OWNER)).html;
    expect(html).toContain("<h1>Centraal contactpunt</h1>");
    expect(html).not.toMatch(/<h[2-6][^>]*>Centraal contactpunt<\/h[2-6]>/);
    const md = await fetch(`${server.url}/agenda/export?format=md&workspace=${await server.workspaceId(WS.contactPoint)}`, {
      headers: { cookie: await cookieFor(OWNER) },
    });
    // The section's heading, its status line, then its text: no second heading with its title.
    expect(await md.text()).toMatch(/\n## Centraal contactpunt\n\n(?:\*[^*\n]+\*\n\n)?In het kader van de Critical Raw Materials Act/);
  });
});

describe("who may shape the sections", () => {
  it("refuses every action to everyone but the workspace's owners, and changes nothing", async () => {
    const before = await stored(financing);
    const [a, b] = before.map((r) => r.id);
    const order = before.map((r) => r.id);
    const attempts: Record<string, string | string[]>[] = [
      { intent: "section.create", title: "Nieuw" },
      { intent: "section.create", template: `${templateId}:all` },
      { intent: "section.rename", sectionId: a, title: "Anders" },
      { intent: "section.reorder", order: [b, a, ...order.slice(2)], expected: order },
      { intent: "section.move", sectionId: a, toWorkspaceId: offtake },
      { intent: "section.archive", sectionId: a },
      { intent: "template.create", name: "Van iemand anders" },
    ];
    // Every action for an editor; for the others (the policy table covers each role and action) two of them.
    for (const email of NOT_OWNERS) {
      for (const fields of email === "drafter@kgg.example" ? attempts : [attempts[0], attempts[5]]) {
        const res = await post(`/w/${financing}`, email, fields);
        expect(res.status, `${email} ${String(fields.intent)}`).toBe(403);
      }
    }
    expect(await stored(financing)).toEqual(before);
  });
});

describe("adding sections", () => {
  it("adds a blank section, one section of a template, or all of them, at the end; live for the other owner", async () => {
    const watcher = await watch(SECOND_OWNER, [offtake]);
    const before = await liveTitles(offtake);
    const created = next(watcher, "section.created", (p) => p.workspaceId === offtake);
    expect((await post(`/w/${offtake}`, OWNER, { intent: "section.create", title: "  Bijlage België  " })).status).toBe(200);
    await created;
    expect((await post(`/w/${offtake}`, OWNER, { intent: "section.create", template: `${templateId}:1` })).status).toBe(200);
    expect((await post(`/w/${offtake}`, SECOND_OWNER, { intent: "section.create", template: `${templateId}:all` })).status).toBe(200);
    expect(await liveTitles(offtake)).toEqual([...before, "Bijlage België", "Aanbeveling", "Aanleiding", "Aanbeveling", "Acties en planning"]);
    const ids = await liveIds(offtake);
    // The starter text of the template is the new section's text; a blank one is empty.
    const fromTemplate = (await page(`/s/${ids[before.length + 1]}`, OWNER)).html;
    expect(fromTemplate).toContain("Wat TNO adviseert, en wat het kabinet ermee doet.");
    expect(await auditActions(ids[before.length])).toEqual(["section.created"]);
  });

  it("refuses an empty or too long title, an unknown template, a template of another agenda; nothing is added", async () => {
    const before = await stored(offtake);
    const empty = await post(`/w/${offtake}`, OWNER, { intent: "section.create", title: "   " });
    expect([empty.status, empty.code]).toEqual([400, "bad_request"]);
    expect(empty.html).toContain("Give a title of 1 to 200 characters.");
    expect((await post(`/w/${offtake}`, OWNER, { intent: "section.create", title: "x".repeat(500) })).status).toBe(400);
    expect((await post(`/w/${offtake}`, OWNER, { intent: "section.create", template: "nope:all" })).status).toBe(404);
    expect((await post(`/w/${offtake}`, OWNER, { intent: "section.create", template: `${otherTemplateId}:all` })).status).toBe(404);
    expect((await post(`/w/${offtake}`, OWNER, { intent: "section.create", template: `${templateId}:9` })).status).toBe(400);
    expect((await post(`/w/${offtake}`, OWNER, { intent: "section.create", template: "../x:all" })).status).toBe(400);
    expect(await stored(offtake)).toEqual(before);
  });
});

describe("renaming", () => {
  it("renames for the owner, live for the others; refuses an empty or 500-character title", async () => {
    const [id] = await liveIds(supply);
    const watcher = await watch("drafter@kgg.example", [supply]);
    const changed = next(watcher, "section.changed", (p) => p.sectionId === id && p.title === "Aanleiding en context");
    expect((await post(`/w/${supply}`, OWNER, { intent: "section.rename", sectionId: id, title: "Aanleiding en context" })).status).toBe(200);
    await changed;
    expect((await page(`/s/${id}`, "viewer@tno.example")).html).toContain("<h1>Aanleiding en context</h1>");
    for (const title of ["", "x".repeat(500)]) {
      const res = await post(`/w/${supply}`, OWNER, { intent: "section.rename", sectionId: id, title });
      expect([res.status, res.code]).toEqual([400, "bad_request"]);
    }
    expect((await post(`/w/${supply}`, OWNER, { intent: "section.rename", sectionId: "unknown-id", title: "X" })).status).toBe(404);
    expect((await liveTitles(supply))[0]).toBe("Aanleiding en context");
    expect(await auditActions(id)).toEqual(["section.renamed"]);
  });
});

describe("reordering", () => {
  it("saves a whole new order, live for the other owner, and refuses a stale, duplicate, partial or unknown order", async () => {
    const watcher = await watch(SECOND_OWNER, [financing]);
    const order = await liveIds(financing);
    const wanted = [order[2], order[0], order[1], ...order.slice(3)];
    const changed = next(watcher, "workspace.changed", (p) => p.workspaceId === financing);
    expect((await post(`/w/${financing}`, OWNER, { intent: "section.reorder", order: wanted, expected: order })).status).toBe(200);
    await changed;
    expect(await orderOnPage(financing, SECOND_OWNER)).toEqual(wanted);

    // Sent again from the order seen before: stale, refused, the order stays.
    const stale = await post(`/w/${financing}`, SECOND_OWNER, { intent: "section.reorder", order, expected: order });
    expect([stale.status, stale.code]).toEqual([409, "stale_order"]);
    expect(stale.html).toContain("Someone else changed the order meanwhile");
    for (const bad of [[wanted[0], wanted[0], ...wanted.slice(2)], wanted.slice(1), [...wanted.slice(1), "unknown-id"]]) {
      const res = await post(`/w/${financing}`, OWNER, { intent: "section.reorder", order: bad, expected: wanted });
      expect([res.status, res.code]).toEqual([400, "bad_request"]);
    }
    expect(await liveIds(financing)).toEqual(wanted);
  });

  it("ends in one order when two owners reorder at once: one wins, the other is told the order changed", async () => {
    const order = await liveIds(financing);
    const mine = [...order].reverse();
    const theirs = [order[1], order[0], ...order.slice(2)];
    const [a, b] = await Promise.all([
      post(`/w/${financing}`, OWNER, { intent: "section.reorder", order: mine, expected: order }),
      post(`/w/${financing}`, SECOND_OWNER, { intent: "section.reorder", order: theirs, expected: order }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? mine : theirs;
    expect(await liveIds(financing)).toEqual(winner);
    expect(await orderOnPage(financing, OWNER)).toEqual(winner);
    expect(await orderOnPage(financing, SECOND_OWNER)).toEqual(winner);
  });
});

describe("moving", () => {
  it("moves a section to another workspace of the agenda the owner also owns, with its history, live on both pages", async () => {
    const [id] = await liveIds(financing);
    const watcher = await watch(SECOND_OWNER, [financing, offtake]);
    const gone = next(watcher, "workspace.changed", (p) => p.workspaceId === financing);
    const arrived = next(watcher, "workspace.changed", (p) => p.workspaceId === offtake);
    expect((await post(`/w/${financing}`, SECOND_OWNER, { intent: "section.move", sectionId: id, toWorkspaceId: offtake })).status).toBe(200);
    await Promise.all([gone, arrived]);
    expect(await liveIds(financing)).not.toContain(id);
    expect((await liveIds(offtake)).at(-1)).toBe(id);
    expect(await orderOnPage(offtake)).toContain(id);
    expect(await auditActions(id)).toContain("section.moved");
    // Back, for the tests after this one.
    expect((await post(`/w/${offtake}`, OWNER, { intent: "section.move", sectionId: id, toWorkspaceId: financing })).status).toBe(200);
  });

  it("refuses a move to a workspace the person does not own, of another agenda, the same workspace, or an unknown one", async () => {
    const [id] = await liveIds(financing);
    const before = await stored(financing);
    expect((await post(`/w/${financing}`, SECOND_OWNER, { intent: "section.move", sectionId: id, toWorkspaceId: supply })).status).toBe(403);
    const other = await post(`/w/${financing}`, OWNER, { intent: "section.move", sectionId: id, toWorkspaceId: otherAgendaWorkspace });
    expect([other.status, other.code]).toEqual([400, "other_agenda"]);
    expect((await post(`/w/${financing}`, OWNER, { intent: "section.move", sectionId: id, toWorkspaceId: financing })).code).toBe("same_workspace");
    expect((await post(`/w/${financing}`, OWNER, { intent: "section.move", sectionId: id, toWorkspaceId: "unknown-id" })).status).toBe(404);
    expect((await post(`/w/${financing}`, OWNER, { intent: "section.move", sectionId: id, toWorkspaceId: "" })).status).toBe(400);
    expect(await stored(financing)).toEqual(before);
  });
});

describe("archiving and restoring", () => {
  it("closes a drafter's open editor at once with the reason, drops the section from the order and exports, keeps it readable", async () => {
    const ids = await liveIds(supply);
    const id = ids[1];
    const title = (await liveTitles(supply))[1];
    const drafter = connectProvider(server.url, id, { cookie: await cookieFor("drafter@kgg.example") });
    clients.push(drafter);
    await synced(drafter);
    const watcher = await watch("viewer@tno.example", [supply]);
    const changed = next(watcher, "workspace.changed", (p) => p.workspaceId === supply);

    expect((await post(`/w/${supply}`, OWNER, { intent: "section.archive", sectionId: id })).status).toBe(200);
    await poll(() => drafter.closes.includes(4410), "the drafter's editor to be closed as archived");
    drafter.provider.disconnect();
    await changed;

    expect(await liveIds(supply)).toEqual(ids.filter((x) => x !== id));
    expect(await orderOnPage(supply)).not.toContain(id);
    const md = await (await fetch(`${server.url}/agenda/export?format=md&workspace=${supply}`, { headers: { cookie: await cookieFor(OWNER) } })).text();
    expect(md).not.toContain(`## ${title}`);
    // Still readable: its page (with the reason), its history; the archive lists it.
    const section = await page(`/s/${id}`, "viewer@tno.example");
    expect(section.status).toBe(200);
    expect(section.html).toContain("This section is archived");
    expect((await page(`/s/${id}/history`, "viewer@tno.example")).status).toBe(200);
    expect((await page(`/s/${id}`, "partner@be.example")).status).toBe(403);
    expect((await page(`/w/${supply}`, OWNER)).html).toContain(`/w/${supply}/archived`);
    const archive = await page(`/w/${supply}/archived`, "viewer@tno.example");
    expect(archive.html).toContain(title);
    expect(archive.html).not.toContain(">Restore<");
    expect((await page(`/w/${supply}/archived`, OWNER)).html).toContain(">Restore<");

    // A new editor is refused; nothing changes it; it is not part of an order any more.
    const again = connectProvider(server.url, id, { cookie: await cookieFor("drafter@kgg.example") });
    clients.push(again);
    await poll(() => again.closes.length > 0, "the refused reconnect");
    again.provider.disconnect();
    expect(again.provider.synced).toBe(false);
    const renamed = await post(`/w/${supply}`, OWNER, { intent: "section.rename", sectionId: id, title: "Toch" });
    expect([renamed.status, renamed.code]).toEqual([403, "archived"]);
    expect((await post(`/w/${supply}`, OWNER, { intent: "section.archive", sectionId: id })).code).toBe("archived");
    const withArchived = await post(`/w/${supply}`, OWNER, { intent: "section.reorder", order: [...ids.filter((x) => x !== id), id], expected: ids.filter((x) => x !== id) });
    expect([withArchived.status, withArchived.code]).toEqual([400, "bad_request"]);

    // Restored by an owner only: back at the end, editable again.
    expect((await post(`/w/${supply}/archived`, "drafter@kgg.example", { intent: "section.restore", sectionId: id })).status).toBe(403);
    expect((await post(`/w/${supply}/archived`, OWNER, { intent: "section.restore", sectionId: id })).status).toBe(200);
    expect((await post(`/w/${supply}/archived`, OWNER, { intent: "section.restore", sectionId: id })).code).toBe("not_archived");
    expect((await liveIds(supply)).at(-1)).toBe(id);
    expect(await auditActions(id)).toEqual(["section.archived", "section.restored"]);
    const back = connectProvider(server.url, id, { cookie: await cookieFor("drafter@kgg.example") });
    clients.push(back);
    await synced(back);
  });

  it("refuses to move or archive a final or published section until it is reopened", async () => {
    const [id] = await liveIds(supply);
    const { db, t } = server.database;
    for (const status of ["final", "published"] as const) {
      await db.update(t.sections).set({ status }).where(eq(t.sections.id, id));
      const archived = await post(`/w/${supply}`, OWNER, { intent: "section.archive", sectionId: id });
      expect([archived.status, archived.code]).toEqual([403, "locked"]);
      expect(archived.html).toContain("reopens it before it is renamed, moved or archived");
      const moved = await post(`/w/${supply}`, OWNER, { intent: "section.move", sectionId: id, toWorkspaceId: financing });
      expect([moved.status, moved.code]).toEqual([403, "locked"]);
    }
    await db.update(t.sections).set({ status: "draft" }).where(eq(t.sections.id, id));
    expect((await stored(supply)).find((r) => r.id === id)?.archivedAt).toBeNull();
  });
});

describe("templates", () => {
  it("saves a workspace's sections as a template of its agenda, and adds sections from it elsewhere", async () => {
    const titles = await liveTitles(supply);
    const saved = await post(`/w/${supply}`, OWNER, { intent: "template.create", name: "Leveringscontracten-indeling" });
    expect(saved.status).toBe(200);
    const empty = await post(`/w/${supply}`, OWNER, { intent: "template.create", name: " " });
    expect([empty.status, empty.code]).toEqual([400, "bad_request"]);
    const { db, t } = server.database;
    const [template] = await db.select({ id: t.sectionTemplates.id }).from(t.sectionTemplates).where(eq(t.sectionTemplates.name, "Leveringscontracten-indeling"));
    expect((await page(`/w/${financing}`, OWNER)).html).toContain("Leveringscontracten-indeling: all sections");
    const before = await liveTitles(financing);
    expect((await post(`/w/${financing}`, OWNER, { intent: "section.create", template: `${template.id}:all` })).status).toBe(200);
    expect(await liveTitles(financing)).toEqual([...before, ...titles]);
    expect(await auditActions(template.id)).toEqual(["template.created"]);
  });
});
