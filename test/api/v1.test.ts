import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server";
import { WS } from "../support/fixtures";

interface ApiWorkspace {
  id: string;
  title: string;
  sections: { id: string; title: string; status: string }[];
}

describe("the JSON API under /api/v1", () => {
  let server: TestServer;
  const cookies = new Map<string, string>();
  const tokens = new Map<string, string>();
  const people = ["lead@ez.example", "partner@be.example", "office@minister.example", "viewer@tno.example", "approver@ocw.example"];

  beforeAll(async () => {
    server = await startTestServer();
    for (const email of people) {
      const { cookie, token } = await server.signIn(email);
      cookies.set(email, cookie);
      tokens.set(email, token);
    }
  });
  afterAll(() => server?.stop());

  const get = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);
  /** As the person's browser on Overleg's own pages would ask: their session cookie and the app's Origin. */
  const as = (email: string, path: string, init: RequestInit = {}) =>
    get(path, { ...init, headers: { cookie: cookies.get(email)!, origin: server.url, ...(init.headers as Record<string, string>) } });

  async function expectError(res: Response, status: number, code: string) {
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
    return body.error;
  }

  async function workspacesOf(email: string): Promise<ApiWorkspace[]> {
    const res = await as(email, "/api/v1/workspaces");
    expect(res.status).toBe(200);
    return ((await res.json()) as { workspaces: ApiWorkspace[] }).workspaces;
  }

  it("lists for lead@ez.example every workspace (11), each with its sections", async () => {
    const list = await workspacesOf("lead@ez.example");
    expect(list).toHaveLength(11);
    const financing = list.find((w) => w.title === WS.financing)!;
    expect(financing.sections.map((s) => s.title)).toEqual(["Aanleiding", "Aanbeveling", "Acties en planning"]);
    for (const s of financing.sections) expect(s).toMatchObject({ id: expect.any(String), status: "draft" });
  });

  it("lists for partner@be.example only the cross-border workspace", async () => {
    const list = await workspacesOf("partner@be.example");
    expect(list.map((w) => w.title)).toEqual([WS.crossBorder]);
    expect(list[0].sections.map((s) => s.title)).toEqual(["Grensoverschrijdende clusters"]);
  });

  it("lists for office@minister.example all workspaces, without being a member of any", async () => {
    const { db, t } = server.database;
    const all = await db.select({ id: t.workspaces.id }).from(t.workspaces);
    const list = await workspacesOf("office@minister.example");
    expect(list.map((w) => w.id).sort()).toEqual(all.map((w) => w.id).sort());
  });

  it("lists for approver@ocw.example only the workspace they approve in", async () => {
    const list = await workspacesOf("approver@ocw.example");
    expect(list.map((w) => w.title)).toEqual([WS.labour]);
  });

  it("accepts a bearer token instead of the cookie", async () => {
    const res = await get("/api/v1/workspaces", { headers: { authorization: `Bearer ${tokens.get("partner@be.example")}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { workspaces: ApiWorkspace[] };
    expect(body.workspaces.map((w) => w.title)).toEqual([WS.crossBorder]);
  });

  it("answers a section's metadata and its text as Markdown", async () => {
    const [, aanbeveling] = await server.sectionIds(WS.financing);
    const workspaceId = await server.workspaceId(WS.financing);
    const res = await get(`/api/v1/sections/${aanbeveling}`, { headers: { authorization: `Bearer ${tokens.get("viewer@tno.example")}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: aanbeveling,
      title: "Aanbeveling",
      status: "draft",
      workspace: { id: workspaceId, title: WS.financing },
    });
    expect(new Date(body.updatedAt as string).getTime()).not.toBeNaN();
    // The title is the section's own field: the text does not start with a heading repeating it.
    expect((body.markdown as string).trimStart()).toMatch(/^TNO adviseert/);
    expect(body.markdown).toContain("TNO adviseert om toegang tot voldoende financiering");
  });

  it("gives the partner the cross-border section, with its list", async () => {
    const [clusters] = await server.sectionIds(WS.crossBorder);
    const res = await as("partner@be.example", `/api/v1/sections/${clusters}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { markdown: string };
    expect(body.markdown).not.toContain("## Grensoverschrijdende clusters");
    expect(body.markdown).toMatch(/^\s*[*-] Clusterplan Antwerpen–Rotterdam$/m);
  });

  it("refuses a request without a session: 401", async () => {
    await expectError(await get("/api/v1/workspaces"), 401, "unauthorized");
    const [section] = await server.sectionIds(WS.financing);
    const res = await get(`/api/v1/sections/${section}`);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    await expectError(res, 401, "unauthorized");
    await expectError(await get("/api/v1/workspaces", { headers: { authorization: "Bearer not-a-token" } }), 401, "unauthorized");
  });

  it("refuses a section the caller may not see: 403 with the policy's reason, and no text", async () => {
    const [section] = await server.sectionIds(WS.financing);
    const res = await as("partner@be.example", `/api/v1/sections/${section}`);
    const text = await res.clone().text();
    const error = await expectError(res, 403, "forbidden");
    expect(error.message).toBe("You are not a member of this workspace.");
    expect(text).not.toContain("Aanleiding");
  });

  it("answers 404 for an unknown section and for an unknown route", async () => {
    const unknown = await expectError(await as("lead@ez.example", `/api/v1/sections/${crypto.randomUUID()}`), 404, "not_found");
    expect(unknown.message).toMatch(/No section/);
    await expectError(await as("lead@ez.example", "/api/v1/nothing-here"), 404, "not_found");
    await expectError(await get("/api/v1/sections"), 404, "not_found");
    await expectError(await get("/api/v1/workspaces/extra/segments"), 404, "not_found");
  });

  it("answers 400 for a malformed id or an unexpected query parameter", async () => {
    const bad = await expectError(await as("lead@ez.example", "/api/v1/sections/not%20an%20id!"), 400, "bad_request");
    expect(bad.message).toMatch(/section id/);
    await expectError(await as("lead@ez.example", `/api/v1/sections/${"x".repeat(65)}`), 400, "bad_request");
    await expectError(await as("lead@ez.example", "/api/v1/sections/%E0%A4%A"), 400, "bad_request");
    const query = await expectError(await as("lead@ez.example", "/api/v1/workspaces?limit=3"), 400, "bad_request");
    expect(query.message).toMatch(/limit/);
  });

  it("answers 405 with Allow for a method a route does not have, and changes nothing", async () => {
    const before = await workspacesOf("lead@ez.example");
    const res = await as("lead@ez.example", "/api/v1/workspaces", {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ title: "Nieuw" }),
    });
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    await expectError(res, 405, "method_not_allowed");
    const [section] = await server.sectionIds(WS.financing);
    await expectError(await as("lead@ez.example", `/api/v1/sections/${section}`, { method: "DELETE" }), 405, "method_not_allowed");
    expect(await workspacesOf("lead@ez.example")).toEqual(before);
  });

  it("answers /healthz with 200 {status: ok} while the database answers", async () => {
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });
});
