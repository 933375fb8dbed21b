/**
 * Personal API tokens over the wire: made and revoked on the tokens page (a real form post with the
 * session cookie), used against /api/v1 as `Authorization: Bearer`, refused once revoked, expired or
 * the person disabled; and the OpenAPI document.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiToken } from "../../server/api/tokens";
import { disablePerson } from "../../server/commands/personDisable";
import { enablePerson } from "../../server/commands/personEnable";
import { loadActor } from "../../server/services/access";
import { listAudit } from "../../server/services/audit";
import { WS } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";

describe("personal API tokens", () => {
  let server: TestServer;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer({ remix: "build" });
    for (const email of ["partner@be.example", "lead@ez.example", "viewer@tno.example", "admin@overleg.example"]) cookies[email] = (await server.signIn(email)).cookie;
  });
  afterAll(() => server?.stop());

  async function page(email: string, form?: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await fetch(`${server.url}/settings/tokens`, {
      method: form ? "POST" : "GET",
      headers: { cookie: cookies[email], origin: server.url, "accept-language": "en", ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}), ...headers },
      body: form ? new URLSearchParams(form) : undefined,
      redirect: "manual",
    });
    return { status: res.status, html: await res.text() };
  }
  async function createToken(email: string, name: string, expiresInDays = "90"): Promise<{ token: string; id: string }> {
    const res = await page(email, { intent: "create", name, expiresInDays });
    expect(res.status).toBe(200);
    const token = /<output[^>]*data-token[^>]*>(ovl_[A-Za-z0-9_-]+)<\/output>/.exec(res.html)?.[1];
    expect(token, "the new token is shown once").toBeTruthy();
    const { db, t } = server.database;
    const [row] = await db.select().from(t.apiTokens).where(eq(t.apiTokens.tokenHash, hashApiToken(token!)));
    return { token: token!, id: row.id };
  }
  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${server.url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });
  const titles = async (res: Response) => ((await res.json()) as { workspaces: { title: string }[] }).workspaces.map((w) => w.title);

  it("makes a named token shown once, keeps only its hash, lists it and audits it", async () => {
    const { token, id } = await createToken("partner@be.example", "Rapportage BE");
    expect(token).toMatch(/^ovl_[A-Za-z0-9_-]{43}$/);
    const { db, t } = server.database;
    const [row] = await db.select().from(t.apiTokens).where(eq(t.apiTokens.id, id));
    expect(row).toMatchObject({ name: "Rapportage BE", userId: await server.userId("partner@be.example"), revokedAt: null });
    expect(JSON.stringify(row)).not.toContain(token.slice(4));
    expect(row.expiresAt!.getTime() - Date.now()).toBeGreaterThan(89 * 86_400_000);

    const listed = await page("partner@be.example");
    expect(listed.html).toContain("Rapportage BE");
    expect(listed.html).not.toContain(token);
    // Another person's page does not list it.
    expect((await page("lead@ez.example")).html).not.toContain("Rapportage BE");

    const audit = await listAudit(server.database, { limit: 500 });
    expect(audit.find((e) => e.action === "api_token.created" && e.subjectId === id)).toMatchObject({ actorId: await server.userId("partner@be.example") });
    expect(JSON.stringify(audit)).not.toContain(token.slice(4));
  });

  it("carries exactly its person's rights, and records when it was last used", async () => {
    const { token, id } = await createToken("partner@be.example", "Alleen lezen");
    const res = await api("/workspaces", token);
    expect(res.status).toBe(200);
    expect(await titles(res)).toEqual([WS.crossBorder]);
    const [financing] = await server.sectionIds(WS.financing);
    expect((await api(`/sections/${financing}`, token)).status).toBe(403);
    const agendas = (await (await api("/agendas", token)).json()) as { agendas: { title: string; workspaceIds: string[] }[] };
    expect(agendas.agendas).toHaveLength(1);
    expect(agendas.agendas[0].workspaceIds).toEqual([await server.workspaceId(WS.crossBorder)]);
    const search = (await (await api("/search?q=clusters", token)).json()) as { results: { workspace: { title: string } }[] };
    expect(new Set(search.results.map((r) => r.workspace.title))).toEqual(new Set([WS.crossBorder]));
    const { db, t } = server.database;
    const [row] = await db.select({ lastUsedAt: t.apiTokens.lastUsedAt }).from(t.apiTokens).where(eq(t.apiTokens.id, id));
    expect(row.lastUsedAt).not.toBeNull();
  });

  it("is judged alone: a cookie of someone else sent along changes nothing", async () => {
    const { token } = await createToken("partner@be.example", "Met cookie");
    const res = await api("/workspaces", token, { headers: { cookie: cookies["lead@ez.example"] } });
    expect(await titles(res)).toEqual([WS.crossBorder]);
    // A wrong token with a valid cookie is still refused: the header decides.
    const wrong = await api("/workspaces", `ovl_${"A".repeat(43)}`, { headers: { cookie: cookies["lead@ez.example"] } });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${server.url}/api/v1/workspaces`, { headers: { authorization: "Basic abc", cookie: cookies["lead@ez.example"] } })).status).toBe(401);
  });

  it("is refused once revoked, and nobody else can revoke it", async () => {
    const { token, id } = await createToken("viewer@tno.example", "Intrekken");
    expect((await api("/workspaces", token)).status).toBe(200);
    // Someone else (even an admin) cannot: it is not theirs to know of.
    for (const email of ["lead@ez.example", "admin@overleg.example"]) expect((await page(email, { intent: "revoke", tokenId: id })).status).toBe(404);
    expect((await api("/workspaces", token)).status).toBe(200);
    // A revoke posted from another site is refused before the page sees it.
    expect((await page("viewer@tno.example", { intent: "revoke", tokenId: id }, { origin: "https://evil.example" })).status).toBe(403);
    expect((await api("/workspaces", token)).status).toBe(200);

    expect((await page("viewer@tno.example", { intent: "revoke", tokenId: id })).status).toBe(200);
    const refused = await api("/workspaces", token);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    const audit = await listAudit(server.database, { limit: 500 });
    expect(audit.filter((e) => e.action === "api_token.revoked" && e.subjectId === id)).toHaveLength(1);
  });

  it("is refused once expired", async () => {
    const { token, id } = await createToken("viewer@tno.example", "Verloopt");
    const { db, t } = server.database;
    await db.update(t.apiTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(t.apiTokens.id, id));
    expect((await api("/workspaces", token)).status).toBe(401);
    expect((await page("viewer@tno.example")).html).toMatch(/Verloopt[\s\S]*Expired/);
  });

  it("is refused when its person is disabled", async () => {
    const { token } = await createToken("lead@ez.example", "Uitgeschakeld");
    expect((await api("/workspaces", token)).status).toBe(200);
    const admin = (await loadActor(server.database, await server.userId("admin@overleg.example")))!;
    await disablePerson(server.services, { actor: admin, userId: await server.userId("lead@ez.example") });
    expect((await api("/workspaces", token)).status).toBe(401);
  });

  it("is refused while its person must set up a second factor first, and works again once the rule is lifted", async () => {
    const { token } = await createToken("viewer@tno.example", "Tweede factor");
    expect((await api("/workspaces", token)).status).toBe(200);
    const { db, t } = server.database;
    const viewer = (await loadActor(server.database, await server.userId("viewer@tno.example")))!;
    await db.update(t.organisations).set({ requireTwoFactor: true }).where(eq(t.organisations.id, viewer.organisationId!));
    try {
      expect((await api("/workspaces", token)).status).toBe(401);
    } finally {
      await db.update(t.organisations).set({ requireTwoFactor: null }).where(eq(t.organisations.id, viewer.organisationId!));
    }
    expect((await api("/workspaces", token)).status).toBe(200);
  });

  it("refuses a nameless or overlong name and an unknown lifetime, and makes nothing", async () => {
    const { db, t } = server.database;
    const before = (await db.select().from(t.apiTokens)).length;
    for (const form of [{ name: "  " }, { name: "x".repeat(101) }, { name: "ok", expiresInDays: "7" }]) {
      const res = await page("viewer@tno.example", { intent: "create", expiresInDays: "90", ...form });
      expect(res.status).toBe(400);
    }
    expect((await db.select().from(t.apiTokens)).length).toBe(before);
  });

  it("lets a program post with a bearer token and no Origin (405 here: nothing changes), and needs no token for the OpenAPI document", async () => {
    const { token } = await createToken("partner@be.example", "Programma");
    const res = await api("/workspaces", token, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(405);
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string; parameters: { name: string; in: string }[]; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
      components: { securitySchemes: Record<string, { scheme?: string }> };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/agendas",
      "/search",
      "/sections/{id}",
      "/sections/{id}/archive",
      "/sections/{id}/move",
      "/sections/{id}/restore",
      "/workspaces",
      "/workspaces/{id}/sections",
      "/workspaces/{id}/sections/order",
    ]);
    expect(Object.keys(doc.paths["/workspaces/{id}/sections"]).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/sections/{id}"]).sort()).toEqual(["get", "patch"]);
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    for (const id of ["createSections", "renameSection", "reorderSections", "moveSection", "archiveSection", "restoreSection"]) expect(ops).toContain(id);
    expect(doc.paths["/search"].get.parameters.map((p) => p.name).sort()).toEqual(["agenda", "limit", "offset", "organisation", "q", "status", "workspace"]);
    expect(doc.paths["/sections/{id}"].get.parameters).toEqual([expect.objectContaining({ name: "id", in: "path", required: true })]);
    expect(JSON.stringify(doc.paths["/search"].get.responses["200"].content!["application/json"].schema)).toContain("snippet");
    expect(doc.components.securitySchemes.bearerToken.scheme).toBe("bearer");
  });

  it("shapes sections with a token: create, rename, reorder, move, archive, restore, through the same commands and policy as the pages", async () => {
    // The demo agenda's lead was disabled above: enabled again, and signed in afresh.
    const admin = (await loadActor(server.database, await server.userId("admin@overleg.example")))!;
    await enablePerson(server.services, { actor: admin, userId: await server.userId("lead@ez.example") });
    cookies["lead@ez.example"] = (await server.signIn("lead@ez.example")).cookie;
    const lead = (await createToken("lead@ez.example", "Inrichting")).token;
    const viewer = (await createToken("viewer@tno.example", "Alleen lezen")).token;
    const financing = await server.workspaceId(WS.financing);
    const offtake = await server.workspaceId(WS.offtake);
    const send = (path: string, token: string, method: string, body?: unknown) =>
      api(path, token, { method, ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }) });
    const sectionsOf = async (workspace: string) =>
      ((await (await api(`/workspaces/${workspace}/sections`, lead)).json()) as { sections: { id: string; title: string }[] }).sections;
    const audited = async () => (await listAudit(server.database, { limit: 1 }))[0];
    const before = (await sectionsOf(financing)).map((s) => s.id);

    // Refused: bad input, and people the policy does not let shape sections. Nothing made.
    for (const body of [{ title: "" }, { title: "x".repeat(500) }, {}, { title: "Twee", templateId: financing }, { title: "Ok", extra: 1 }]) {
      const res = await send(`/workspaces/${financing}/sections`, lead, "POST", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("bad_request");
    }
    expect((await send(`/workspaces/${financing}/sections`, viewer, "POST", { title: "Niet van mij" })).status).toBe(403);
    expect((await send(`/workspaces/${financing}/sections`, lead, "POST", "Titel")).status).toBe(400);
    expect((await sectionsOf(financing)).map((s) => s.id)).toEqual(before);

    const created = await send(`/workspaces/${financing}/sections`, lead, "POST", { title: "Via de API" });
    expect(created.status).toBe(201);
    const { sectionIds } = (await created.json()) as { sectionIds: string[] };
    expect(sectionIds).toHaveLength(1);
    const [id] = sectionIds;
    expect((await sectionsOf(financing)).map((s) => s.id)).toEqual([...before, id]);
    expect(await audited()).toMatchObject({ action: "section.created", subjectId: id, actorId: await server.userId("lead@ez.example") });

    expect((await send(`/sections/${id}`, viewer, "PATCH", { title: "Anders" })).status).toBe(403);
    expect((await send(`/sections/${id}`, lead, "PATCH", { title: " " })).status).toBe(400);
    expect((await send(`/sections/${id}`, lead, "PATCH", { title: "Hernoemd via de API" })).status).toBe(204);
    expect(((await (await api(`/sections/${id}`, lead)).json()) as { title: string }).title).toBe("Hernoemd via de API");
    expect(await audited()).toMatchObject({ action: "section.renamed", subjectId: id });

    const current = (await sectionsOf(financing)).map((s) => s.id);
    const reversed = [...current].reverse();
    expect((await send(`/workspaces/${financing}/sections/order`, viewer, "PUT", { order: reversed, expected: current })).status).toBe(403);
    const reordered = await send(`/workspaces/${financing}/sections/order`, lead, "PUT", { order: reversed, expected: current });
    expect(reordered.status).toBe(200);
    expect(await reordered.json()).toEqual({ order: reversed });
    const stale = await send(`/workspaces/${financing}/sections/order`, lead, "PUT", { order: current, expected: current });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe("stale_order");
    expect((await sectionsOf(financing)).map((s) => s.id)).toEqual(reversed);

    expect((await send(`/sections/${id}/move`, viewer, "POST", { toWorkspaceId: offtake })).status).toBe(403);
    expect((await send(`/sections/${id}/move`, lead, "POST", { toWorkspaceId: "not an id!" })).status).toBe(400);
    expect((await send(`/sections/${id}/move`, lead, "POST", { toWorkspaceId: offtake })).status).toBe(204);
    expect((await sectionsOf(offtake)).map((s) => s.id)).toContain(id);
    expect((await sectionsOf(financing)).map((s) => s.id)).not.toContain(id);
    expect(await audited()).toMatchObject({ action: "section.moved", subjectId: id });

    expect((await send(`/sections/${id}/archive`, viewer, "POST")).status).toBe(403);
    expect((await send(`/sections/${id}/archive`, lead, "POST")).status).toBe(204);
    expect((await sectionsOf(offtake)).map((s) => s.id)).not.toContain(id);
    expect(await audited()).toMatchObject({ action: "section.archived", subjectId: id });
    const twice = await send(`/sections/${id}/archive`, lead, "POST");
    expect([twice.status, ((await twice.json()) as { error: { code: string } }).error.code]).toEqual([403, "archived"]);
    expect((await send(`/sections/${id}/restore`, viewer, "POST")).status).toBe(403);
    expect((await send(`/sections/${id}/restore`, lead, "POST")).status).toBe(204);
    expect((await sectionsOf(offtake)).map((s) => s.id).at(-1)).toBe(id);
    expect(await audited()).toMatchObject({ action: "section.restored", subjectId: id });
    expect((await send(`/sections/no-such-section/restore`, lead, "POST")).status).toBe(404);
  });
});
