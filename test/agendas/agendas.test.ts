/**
 * Agendas and their workspaces through the web pages, as people use them (ADR 024): forms posted with
 * the demo people's session cookies to the built Remix app, socket.io clients watching, a collab
 * connection open when a workspace is archived. Who may do what (every action, every role), what a
 * refusal says and that it changes nothing, that every change is audited and seen live.
 */
import { and, asc, eq } from "drizzle-orm";
import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloseCode } from "../../app/shared/collab";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { listAudit } from "../../server/services/audit";
import * as Y from "yjs";
import { sectionHref } from "../../app/shared/section-links";
import { connectProvider, RawClient, synced, type ProviderClient } from "../collab/helpers";
import { WS } from "../support/fixtures";
import { closeAll, connectAs, next, type Client } from "../realtime/clients";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
const cookies = new Map<string, string>();
const sockets: Client[] = [];

async function cookieFor(email: string): Promise<string> {
  if (!cookies.has(email)) cookies.set(email, (await server.signIn(email)).cookie);
  return cookies.get(email)!;
}

async function page(path: string, email: string) {
  const res = await fetch(`${server.url}${path}`, { headers: { cookie: await cookieFor(email), "accept-language": "nl" }, redirect: "manual" });
  return { status: res.status, html: await res.text(), location: res.headers.get("location") };
}

type Fields = Record<string, string | string[]>;
async function post(path: string, email: string, fields: Fields) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url, cookie: await cookieFor(email), "accept-language": "nl" },
    body,
    redirect: "manual",
  });
  const text = await res.text();
  // A refusal's code, as the page's form or fetcher gets it: asked again (a refusal changes nothing) at Remix's data URL.
  let code = text.match(/data-error-code="([a-z_]+)"/)?.[1];
  if (!code && res.status >= 400 && res.status !== 403 && res.status !== 404) {
    const again = await fetch(`${server.url}${path}.data`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url, cookie: await cookieFor(email), "accept-language": "nl" },
      body,
    });
    const decoded = await decode(again.body!);
    await decoded.done;
    const value = decoded.value as { data?: { error?: { code?: string } } } | { error?: { code?: string } };
    code = ("data" in value ? value.data?.error?.code : (value as { error?: { code?: string } }).error?.code) ?? undefined;
  }
  return { status: res.status, code, text };
}

const ADMIN = "admin@overleg.example";
const LEAD = "lead@ez.example"; // owner of the demo agenda
const OWNER = "drafter@kgg.example"; // owner of the new agenda
const SECOND = "expert@fme.example"; // second owner of the new agenda
const EVERYONE = [ADMIN, LEAD, OWNER, SECOND, "partner@be.example", "approver@ocw.example", "office@minister.example", "viewer@tno.example"];

let demoAgenda: string;
let agendaId: string;

async function auditCount() {
  return (await listAudit(server.database, { limit: 5000 })).length;
}
async function lastAudit() {
  return (await listAudit(server.database, { limit: 1 }))[0];
}
async function order(id = agendaId) {
  const { db, t } = server.database;
  const rows = await db
    .select({ id: t.workspaces.id, position: t.workspaces.position, archivedAt: t.workspaces.archivedAt })
    .from(t.workspaces)
    .where(eq(t.workspaces.agendaId, id))
    .orderBy(asc(t.workspaces.position));
  return rows.filter((r) => r.archivedAt === null).map((r) => r.id);
}
async function workspaceByTitle(title: string) {
  const { db, t } = server.database;
  return (await db.select().from(t.workspaces).where(eq(t.workspaces.title, title)).limit(1))[0];
}
async function organisationId(shortCode: string) {
  const { db, t } = server.database;
  return (await db.select({ id: t.organisations.id }).from(t.organisations).where(eq(t.organisations.shortCode, shortCode)))[0].id;
}

beforeAll(async () => {
  ensureBuild();
  server = await startTestServer({ remix: "build" });
  const { db, t } = server.database;
  demoAgenda = (await db.select({ id: t.agendas.id }).from(t.agendas))[0].id;
}, 300_000);

afterAll(async () => {
  closeAll(...sockets);
  await server?.stop();
});

describe("agendas", { timeout: 120_000 }, () => {
  it("lets only an admin create an agenda, refuses empty and over-long titles and unknown owners, and audits it", async () => {
    const owners = [await server.userId(OWNER), await server.userId(SECOND)];
    const fields = { intent: "create", title: "Actie-agenda circulaire economie", description: "Tweede agenda", publicationDate: "2027-06-30", language: "en", ownerOrganisationId: await organisationId("KGG"), ownerIds: owners };
    const before = await auditCount();
    for (const email of EVERYONE.filter((e) => e !== ADMIN)) expect((await post("/admin/agendas", email, fields)).status, email).toBe(403);
    const empty = await post("/admin/agendas", ADMIN, { ...fields, title: "   " });
    expect([empty.status, empty.code]).toEqual([400, "bad_request"]);
    expect(empty.text).toContain("Geef een titel van 1 tot 200 tekens.");
    expect((await post("/admin/agendas", ADMIN, { ...fields, title: "x".repeat(500) })).status).toBe(400);
    expect((await post("/admin/agendas", ADMIN, { ...fields, ownerIds: [] })).status).toBe(400);
    expect((await post("/admin/agendas", ADMIN, { ...fields, ownerIds: ["no-such-person"] })).status).toBe(400);
    expect((await post("/admin/agendas", ADMIN, { ...fields, language: "de" })).status).toBe(400);
    expect((await post("/admin/agendas", ADMIN, { ...fields, publicationDate: "2027-02-30" })).status).toBe(400);
    expect(await auditCount()).toBe(before);
    const { db, t } = server.database;
    expect(await db.select().from(t.agendas)).toHaveLength(1);

    const created = await post("/admin/agendas", ADMIN, fields);
    expect(created.status).toBe(200);
    const [row] = await db.select().from(t.agendas).where(eq(t.agendas.title, fields.title));
    agendaId = row.id;
    expect(row).toMatchObject({ language: "en", publicationDate: "2027-06-30", position: 1 });
    expect((await db.select().from(t.agendaOwners).where(eq(t.agendaOwners.agendaId, agendaId))).map((o) => o.userId).sort()).toEqual([...owners].sort());
    expect(await lastAudit()).toMatchObject({ action: "agenda.created", subjectId: agendaId });
    expect((await page("/admin/agendas", ADMIN)).html).toContain(fields.title);
  });

  it("shows an agenda to its owners, admins and those with a workspace in it; the dashboard groups by agenda", async () => {
    expect((await page(`/a/${agendaId}`, OWNER)).status).toBe(200);
    expect((await page(`/a/${agendaId}`, ADMIN)).status).toBe(200);
    expect((await page(`/a/${agendaId}`, "partner@be.example")).status).toBe(403);
    expect((await page(`/a/${agendaId}`, "office@minister.example")).status).toBe(403); // no workspace in it yet
    expect((await page("/a/no-such-agenda", OWNER)).status).toBe(404);
    const dashboard = (await page("/", OWNER)).html;
    expect(dashboard).toContain(`data-agenda-group="${agendaId}"`);
    expect(dashboard).toContain(`data-agenda-group="${demoAgenda}"`);
    expect((await page("/", "partner@be.example")).html).not.toContain(`data-agenda-group="${agendaId}"`);
  });

  it("keeps the old addresses: /agenda leads to the first agenda", async () => {
    const res = await page("/agenda", LEAD);
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/a/${demoAgenda}`);
    const exp = await page("/agenda/export?format=md", LEAD);
    expect(exp.location).toBe(`/a/${demoAgenda}/export?format=md`);
  });

  it("lets its owners and admins change the settings; names the owners only as an admin", async () => {
    const fields = { intent: "settings", title: "Actie-agenda circulaire economie", description: "Bijgewerkt", publicationDate: "2027-07-01", language: "en", ownerOrganisationId: "" };
    for (const email of [LEAD, "office@minister.example", "partner@be.example"]) expect((await post(`/a/${agendaId}`, email, fields)).status, email).toBe(403);
    expect((await post(`/a/${agendaId}`, OWNER, { ...fields, title: "" })).status).toBe(400);
    expect((await post(`/a/${agendaId}`, OWNER, fields)).status).toBe(200);
    expect(await lastAudit()).toMatchObject({ action: "agenda.updated", subjectId: agendaId });
    expect((await post(`/a/${agendaId}`, ADMIN, { ...fields, description: "Door beheer" })).status).toBe(200);
    // Owners: on the admin page only.
    const owners = { intent: "owners", agendaId, ownerIds: [await server.userId(OWNER), await server.userId(SECOND)] };
    for (const email of [OWNER, SECOND, LEAD]) expect((await post("/admin/agendas", email, owners)).status, email).toBe(403);
    expect((await post("/admin/agendas", ADMIN, { ...owners, ownerIds: [] })).status).toBe(400);
    expect((await post("/admin/agendas", ADMIN, { ...owners, agendaId: "no-such-agenda" })).status).toBe(404);
    expect((await post("/admin/agendas", ADMIN, owners)).status).toBe(200);
  });
});

describe("workspaces", { timeout: 120_000 }, () => {
  let first: string;
  let second: string;

  it("lets the agenda's owners and admins create workspaces with first members, refusing bad input", async () => {
    const fields = {
      intent: "createWorkspace",
      title: "Circulaire kunststoffen",
      description: "Eerste",
      leadOrganisationId: await organisationId("KGG"),
      deadline: "2027-05-01",
      approverOrganisationIds: [await organisationId("EZ")],
      ownerIds: [await server.userId(OWNER)],
      editorIds: [await server.userId("viewer@tno.example")],
    };
    const before = await auditCount();
    for (const email of [LEAD, "office@minister.example", "partner@be.example", "viewer@tno.example"]) {
      expect((await post(`/a/${agendaId}`, email, fields)).status, email).toBe(403);
    }
    expect((await post(`/a/${agendaId}`, OWNER, { ...fields, title: "" })).status).toBe(400);
    expect((await post(`/a/${agendaId}`, OWNER, { ...fields, title: "y".repeat(500) })).status).toBe(400);
    expect((await post(`/a/${agendaId}`, OWNER, { ...fields, leadOrganisationId: "no-such-org" })).status).toBe(400);
    expect((await post(`/a/${agendaId}`, OWNER, { ...fields, deadline: "morgen" })).status).toBe(400);
    expect((await post(`/a/${agendaId}`, OWNER, { ...fields, editorIds: ["no-such-person"] })).status).toBe(400);
    // Separation of duties: not the chooser's own organisation alone.
    const own = await post(`/a/${agendaId}`, OWNER, { ...fields, approverOrganisationIds: [await organisationId("KGG")] });
    expect([own.status, own.code]).toEqual([403, "own_organisation_only_approver"]);
    expect((await post(`/a/no-such-agenda`, OWNER, fields)).status).toBe(404);
    expect(await auditCount()).toBe(before);
    expect(await order()).toEqual([]);

    const watcher = await connectAs(server, SECOND);
    sockets.push(watcher);
    expect(await watcher.emitWithAck("agenda:join", agendaId)).toEqual({ ok: true });
    const live = next(watcher, "agenda.changed", (p) => p.agendaId === agendaId);
    expect((await post(`/a/${agendaId}`, OWNER, fields)).status).toBe(200);
    await live;
    expect((await post(`/a/${agendaId}`, ADMIN, { ...fields, title: "Circulaire textiel", ownerIds: [], editorIds: [] })).status).toBe(200);
    first = (await workspaceByTitle("Circulaire kunststoffen")).id;
    second = (await workspaceByTitle("Circulaire textiel")).id;
    expect(await order()).toEqual([first, second]);
    const { db, t } = server.database;
    const members = await db.select({ userId: t.memberships.userId, role: t.memberships.role }).from(t.memberships).where(eq(t.memberships.workspaceId, first));
    expect(members.map((m) => m.role).sort()).toEqual(["editor", "owner"]);
    expect((await listAudit(server.database, { limit: 10 })).map((e) => e.action)).toContain("workspace.created");
    // The first editor now sees the agenda and the workspace on the dashboard; the partner does not.
    expect((await page("/", "viewer@tno.example")).html).toContain(`data-workspace-id="${first}"`);
    expect((await page(`/a/${agendaId}`, "partner@be.example")).status).toBe(403);
  });

  it("lets the agenda's owners edit a workspace; refuses those who may not and bad input", async () => {
    const fields = { intent: "updateWorkspace", workspaceId: second, title: "Circulaire textiel en kleding", description: "", leadOrganisationId: "", deadline: "" };
    for (const email of ["viewer@tno.example", "partner@be.example", "office@minister.example", LEAD]) {
      expect((await post(`/a/${agendaId}`, email, fields)).status, email).toBe(403);
    }
    expect((await post(`/a/${agendaId}`, SECOND, { ...fields, title: "z".repeat(500) })).status).toBe(400);
    expect((await post(`/a/${agendaId}`, SECOND, { ...fields, workspaceId: "no-such-workspace" })).status).toBe(404);
    expect((await post(`/a/${agendaId}`, SECOND, fields)).status).toBe(200);
    expect((await workspaceByTitle("Circulaire textiel en kleding")).id).toBe(second);
    expect(await lastAudit()).toMatchObject({ action: "workspace.updated", subjectId: second });
  });

  it("reorders with the full order and the order seen; refuses stale, duplicate, unknown, foreign orders and those who may not", async () => {
    const reorder = (email: string, o: string[], expected: string[]) =>
      post(`/a/${agendaId}`, email, { intent: "reorder", order: JSON.stringify(o), expected: JSON.stringify(expected) });
    const before = await auditCount();
    for (const email of [LEAD, "viewer@tno.example", "office@minister.example"]) expect((await reorder(email, [second, first], [first, second])).status, email).toBe(403);
    const stale = await reorder(OWNER, [second, first], [second, first]);
    expect([stale.status, stale.code]).toEqual([409, "stale_order"]);
    expect((await reorder(OWNER, [first, first], [first, second])).status).toBe(400);
    expect((await reorder(OWNER, [first, "no-such-workspace"], [first, second])).status).toBe(400);
    const foreign = (await server.workspaceId("Toegang tot financiering")) as string;
    const across = await reorder(OWNER, [first, foreign], [first, second]);
    expect(across.status).toBe(400);
    expect(across.text).toContain("within its own agenda");
    expect((await reorder(OWNER, [first], [first, second])).status).toBe(400);
    expect((await reorder(OWNER, "nonsense" as never, [first, second])).status).toBe(400);
    expect(await auditCount()).toBe(before);
    expect(await order()).toEqual([first, second]);

    const watcher = await connectAs(server, SECOND);
    sockets.push(watcher);
    await watcher.emitWithAck("agenda:join", agendaId);
    const live = next(watcher, "agenda.changed", (p) => p.agendaId === agendaId);
    expect((await reorder(OWNER, [second, first], [first, second])).status).toBe(200);
    await live;
    expect(await order()).toEqual([second, first]);
    expect(await lastAudit()).toMatchObject({ action: "agenda.workspaces_reordered", subjectId: agendaId });
  });

  it("ends two owners' reorders at once in one order: one wins, the other is told the order is stale", async () => {
    const current = await order();
    const results = await Promise.all([
      post(`/a/${agendaId}`, OWNER, { intent: "reorder", order: JSON.stringify([...current].reverse()), expected: JSON.stringify(current) }),
      post(`/a/${agendaId}`, SECOND, { intent: "reorder", order: JSON.stringify([...current].reverse()), expected: JSON.stringify(current) }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.code).toBe("stale_order");
    expect(await order()).toEqual([...current].reverse());
    const { db, t } = server.database;
    const positions = (await db.select({ p: t.workspaces.position }).from(t.workspaces).where(eq(t.workspaces.agendaId, agendaId))).map((r) => r.p);
    expect(new Set(positions).size).toBe(positions.length);
    // Everybody's page shows the one order.
    const html = [(await page(`/a/${agendaId}`, OWNER)).html, (await page(`/a/${agendaId}`, SECOND)).html];
    const shown = (h: string) => [...h.matchAll(/class="workspace-order__item[^"]*" data-workspace-id="([^"]+)"/g)].map((m) => m[1]);
    expect(shown(html[0])).toEqual([...current].reverse());
    expect(shown(html[1])).toEqual([...current].reverse());
  });

  it("archives: hidden from members, their collab connection closed, kept for owners; restored again", async () => {
    const [sectionId] = await (async () => {
      const { db, t } = server.database;
      const id = crypto.randomUUID();
      await db.insert(t.sections).values({ id, workspaceId: first, title: "Aanleiding", position: 0 });
      return [id];
    })();
    const viewerCookie = await cookieFor("viewer@tno.example");
    const editor = await RawClient.open(server.url, sectionId, { cookie: viewerCookie });
    await editor.next("sync-step-1", "the editor's connection to be open");
    const member = await connectAs(server, "viewer@tno.example");
    sockets.push(member);
    await member.emitWithAck("workspace:join", [first]);
    const lost = next(member, "access.lost", (p) => p.workspaceId === first);

    for (const email of [LEAD, "viewer@tno.example", "office@minister.example"]) {
      expect((await post(`/a/${agendaId}`, email, { intent: "archive", workspaceId: first })).status, email).toBe(403);
    }
    expect((await post(`/a/${agendaId}`, SECOND, { intent: "archive", workspaceId: first })).status).toBe(200);
    expect(await lastAudit()).toMatchObject({ action: "workspace.archived", subjectId: first });
    expect((await editor.closed("the archived workspace's connection to close", 5000)).code).toBe(CloseCode.Forbidden);
    await lost;
    expect((await page(`/w/${first}`, "viewer@tno.example")).status).toBe(403);
    expect((await page("/", "viewer@tno.example")).html).not.toContain(`data-workspace-id="${first}"`);
    expect(await order()).not.toContain(first);
    const ownerPage = (await page(`/a/${agendaId}`, OWNER)).html;
    expect(ownerPage).toMatch(new RegExp(`data-testid="archived-workspaces"[\\s\\S]*data-workspace-id="${first}"`));
    expect((await page(`/w/${first}`, ADMIN)).status).toBe(200);
    // Archived: changed by nobody, not archived twice, not part of an order.
    expect((await post(`/a/${agendaId}`, OWNER, { intent: "updateWorkspace", workspaceId: first, title: "Nieuw", description: "", leadOrganisationId: "", deadline: "" })).status).toBe(403);
    expect((await post(`/a/${agendaId}`, OWNER, { intent: "archive", workspaceId: first })).code).toBe("already_archived");
    const withArchived = await post(`/a/${agendaId}`, OWNER, { intent: "reorder", order: JSON.stringify([first, second]), expected: JSON.stringify([second]) });
    expect([withArchived.status, withArchived.code]).toEqual([409, "archived"]);

    for (const email of [LEAD, "viewer@tno.example"]) {
      expect((await post(`/a/${agendaId}`, email, { intent: "restore", workspaceId: first })).status, email).toBe(403);
    }
    expect((await post(`/a/${agendaId}`, OWNER, { intent: "restore", workspaceId: first })).status).toBe(200);
    expect((await post(`/a/${agendaId}`, OWNER, { intent: "restore", workspaceId: first })).code).toBe("not_archived");
    expect(await lastAudit()).toMatchObject({ action: "workspace.restored", subjectId: first });
    expect((await page(`/w/${first}`, "viewer@tno.example")).status).toBe(200);
    expect(await order()).toContain(first);
  });

  it("does not archive a workspace with a final or published section until it is reopened", async () => {
    const { db, t } = server.database;
    const id = crypto.randomUUID();
    await db.insert(t.sections).values({ id, workspaceId: second, title: "Vastgesteld deel", position: 0, status: "final" });
    const before = await auditCount();
    const refused = await post(`/a/${agendaId}`, OWNER, { intent: "archive", workspaceId: second });
    expect([refused.status, refused.code]).toEqual([409, "sections_locked"]);
    expect((await workspaceByTitle("Circulaire textiel en kleding")).archivedAt).toBeNull();
    expect(await auditCount()).toBe(before);
    await db.update(t.sections).set({ status: "draft" }).where(and(eq(t.sections.id, id)));
    expect((await post(`/a/${agendaId}`, OWNER, { intent: "archive", workspaceId: second })).status).toBe(200);
    expect((await post(`/a/${agendaId}`, OWNER, { intent: "restore", workspaceId: second })).status).toBe(200);
  });

  it("archives a whole agenda: every workspace's members lose it at once, its owners read it with a notice; audited; restored from /admin/agendas", async () => {
    const { db, t } = server.database;
    const sectionId = crypto.randomUUID();
    await db.insert(t.sections).values({ id: sectionId, workspaceId: first, title: "Heel de agenda", position: 5 });
    const editor = await RawClient.open(server.url, sectionId, { cookie: await cookieFor("viewer@tno.example") });
    await editor.next("sync-step-1", "the editor's connection to be open");
    const member = await connectAs(server, "viewer@tno.example");
    sockets.push(member);
    await member.emitWithAck("workspace:join", [first]);
    const lost = next(member, "access.lost", (p) => p.workspaceId === first);

    const before = await auditCount();
    for (const email of [LEAD, "viewer@tno.example", "office@minister.example", "partner@be.example"]) {
      expect((await post(`/a/${agendaId}`, email, { intent: "archiveAgenda" })).status, email).toBe(403);
    }
    expect(await auditCount()).toBe(before);
    expect((await post(`/a/${agendaId}`, OWNER, { intent: "archiveAgenda" })).status).toBe(200);
    expect(await lastAudit()).toMatchObject({ action: "agenda.archived", subjectId: agendaId });
    expect((await editor.closed("the archived agenda's connection to close", 5000)).code).toBe(CloseCode.Forbidden);
    await lost;

    // Members: nothing of it anywhere.
    expect((await page(`/w/${first}`, "viewer@tno.example")).status).toBe(403);
    expect((await page(`/s/${sectionId}`, "viewer@tno.example")).status).toBe(403);
    expect((await page(`/a/${agendaId}`, "viewer@tno.example")).status).toBe(403);
    expect((await page("/", "viewer@tno.example")).html).not.toContain(`data-workspace-id="${first}"`);
    expect((await page("/", "viewer@tno.example")).html).not.toContain('data-testid="archived-agendas"');
    // Owners and admins: read-only, with the notice and (for them) its restore; listed apart on their dashboard.
    expect((await page("/", OWNER)).html).toMatch(new RegExp(`data-testid="archived-agendas"[\\s\\S]*href="/a/${agendaId}"`));
    const ownerWorkspace = (await page(`/w/${first}`, OWNER)).html;
    expect(ownerWorkspace).toContain('data-archived-notice="agenda"');
    expect(ownerWorkspace).toContain("Agenda terugzetten");
    expect((await page(`/s/${sectionId}`, SECOND)).html).toContain('data-archived-notice="agenda"');
    expect((await page(`/a/${agendaId}`, OWNER)).html).toContain('data-archived-notice="agenda"');
    expect((await post(`/a/${agendaId}`, OWNER, { intent: "archiveAgenda" })).code).toBe("already_archived");
    expect((await post(`/a/${agendaId}`, OWNER, { intent: "settings", title: "Nieuw", description: "", publicationDate: "", language: "en", ownerOrganisationId: "" })).status).toBe(403);
    expect((await post(`/a/${agendaId}`, OWNER, { intent: "archive", workspaceId: second })).status).toBe(403);
    const admin = (await page("/admin/agendas", ADMIN)).html;
    expect(admin).toMatch(new RegExp(`data-agenda-id="${agendaId}"[\\s\\S]*?Gearchiveerd`));

    expect((await post("/admin/agendas", "viewer@tno.example", { intent: "restoreAgenda", agendaId })).status).toBe(403);
    expect((await post("/admin/agendas", ADMIN, { intent: "restoreAgenda", agendaId })).status).toBe(200);
    expect(await lastAudit()).toMatchObject({ action: "agenda.restored", subjectId: agendaId });
    expect((await post("/admin/agendas", ADMIN, { intent: "restoreAgenda", agendaId })).code).toBe("not_archived");
    expect((await page(`/w/${first}`, "viewer@tno.example")).status).toBe(200);
    expect((await page(`/w/${first}`, OWNER)).html).not.toContain("data-archived-notice");
    await db.delete(t.sections).where(eq(t.sections.id, sectionId));
  });

  it("shows an archived workspace's pages with a read-only notice, and its restore only to those who may", async () => {
    expect((await post(`/a/${agendaId}`, OWNER, { intent: "archive", workspaceId: second })).status).toBe(200);
    const owner = (await page(`/w/${second}`, OWNER)).html;
    expect(owner).toContain('data-archived-notice="workspace"');
    expect(owner).toContain("Werkruimte terugzetten");
    const admin = (await page(`/w/${second}`, ADMIN)).html;
    expect(admin).toContain('data-archived-notice="workspace"');
    for (const path of [`/w/${second}/activity`, `/w/${second}/archived`]) {
      const other = await page(path, OWNER);
      expect(other.status, path).toBe(200);
      expect(other.html, path).toContain('data-archived-notice="workspace"');
    }
    expect((await page(`/w/${first}`, OWNER)).html).not.toContain("data-archived-notice");
    expect((await post(`/a/${agendaId}`, OWNER, { intent: "restore", workspaceId: second })).status).toBe(200);
  });

  it("exports the agenda in its own language, whatever the reader's", async () => {
    const res = await fetch(`${server.url}/a/${agendaId}/export?format=md`, { headers: { cookie: await cookieFor(OWNER), "accept-language": "nl" } });
    expect(res.status).toBe(200);
    const md = await res.text();
    expect(md).toContain("# Actie-agenda circulaire economie");
    expect(md).toContain("Annex: approvals and sign-offs");
    expect((await fetch(`${server.url}/a/${agendaId}/export?format=md`, { headers: { cookie: await cookieFor("partner@be.example") } })).status).toBe(403);
    const demo = await (await fetch(`${server.url}/a/${demoAgenda}/export?format=md`, { headers: { cookie: await cookieFor(LEAD), "accept-language": "en" } })).text();
    expect(demo).toContain("Bijlage: goedkeuringen en vaststelling");
    expect(demo).not.toContain("Circulaire kunststoffen");
  });

  it("refuses to join an agenda's room to someone who may not see it", async () => {
    const partner = await connectAs(server, "partner@be.example");
    sockets.push(partner);
    const ack = await partner.emitWithAck("agenda:join", agendaId);
    expect(ack).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await partner.emitWithAck("agenda:join", "not an id!")).toMatchObject({ ok: false, error: { code: "bad_request" } });
  });
});

describe("reading the whole agenda", { timeout: 120_000 }, () => {
  const providers: ProviderClient[] = [];
  afterAll(() => {
    for (const p of providers) p.destroy();
  });

  it("shows every section a reader may read, in the agenda's order, with a table of contents, statuses and edit links only where they may", async () => {
    const lead = await page(`/a/${demoAgenda}/read`, LEAD);
    expect(lead.status).toBe(200);
    const { db, t } = server.database;
    const live = await db
      .select({ id: t.workspaces.id, title: t.workspaces.title, archivedAt: t.workspaces.archivedAt })
      .from(t.workspaces)
      .where(eq(t.workspaces.agendaId, demoAgenda))
      .orderBy(asc(t.workspaces.position), asc(t.workspaces.title));
    const order = live.filter((w) => w.archivedAt === null).map((w) => w.id);
    const shown = (html: string) => [...html.matchAll(/<section class="agenda-reading__workspace"[^>]*data-workspace-id="([^"]+)"/g)].map((m) => m[1]);
    expect(shown(lead.html)).toEqual(order);
    // The contents list each workspace, linked to its heading.
    for (const id of order) expect(lead.html).toContain(`href="#w-${id}"`);
    const financing = await server.sectionIds(WS.financing);
    expect(lead.html).toContain(`href="#s-${financing[0]}"`);
    expect(lead.html).toContain('data-status="draft"');
    expect(lead.html).toContain(">Bewerken<");

    const partner = await page(`/a/${demoAgenda}/read`, "partner@be.example");
    expect(partner.status).toBe(200);
    expect(shown(partner.html)).toEqual([await server.workspaceId(WS.crossBorder)]);
    expect(partner.html).not.toContain(">Bewerken<");
    expect(partner.html).toContain(">Openen<");
    expect((await page(`/a/${agendaId}/read`, "partner@be.example")).status).toBe(403);
    expect((await page(`/a/${demoAgenda}`, LEAD)).html).toContain(`href="/a/${demoAgenda}/read"`);
  });

  it("shows a link to another section as its current title to those who may read it, and nothing of it to others", async () => {
    const [from] = await server.sectionIds(WS.crossBorder);
    const [target] = await server.sectionIds(WS.financing);
    const client = connectProvider(server.url, from, { cookie: await cookieFor(LEAD), origin: server.url });
    providers.push(client);
    await synced(client);
    const indexed = server.search.indexed(from, (body) => body.includes("zie ook het oude kopje"));
    const paragraph = new Y.XmlElement("paragraph");
    const text = new Y.XmlText();
    text.insert(0, "zie ook ");
    text.insert(8, "het oude kopje", { link: { href: sectionHref(target) } });
    paragraph.insert(0, [text]);
    client.doc.getXmlFragment("default").push([paragraph]);
    await indexed;
    const { db, t } = server.database;
    await db.update(t.sections).set({ title: "Financiering, hernoemd" }).where(eq(t.sections.id, target));

    const lead = (await page(`/a/${demoAgenda}/read`, LEAD)).html;
    expect(lead).toMatch(new RegExp(`<a href="/s/${target}"[^>]*>Financiering, hernoemd</a>`));
    const onPage = (await page(`/s/${from}`, LEAD)).html;
    expect(onPage).toMatch(new RegExp(`<a href="/s/${target}"[^>]*>Financiering, hernoemd</a>`));
    // The Belgian partner reads the cross-border text but not the financing workspace: the stored words, no link, no title.
    const partner = (await page(`/s/${from}`, "partner@be.example")).html;
    expect(partner).toContain("het oude kopje");
    expect(partner).not.toContain(`/s/${target}`);
    expect(partner).not.toContain("Financiering, hernoemd");
    // A file: the title as a reference, not an address.
    const md = await (await fetch(`${server.url}/a/${demoAgenda}/export?format=md`, { headers: { cookie: await cookieFor(LEAD) } })).text();
    expect(md).toContain("zie ook Financiering, hernoemd");
    expect(md).not.toContain(`/s/${target}`);
  });
});
