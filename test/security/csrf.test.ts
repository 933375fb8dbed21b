/**
 * Cross-site request forgery: a page on another site that makes a signed-in person's browser post to
 * Overleg must change nothing, whatever URL form it uses (the document URL, Remix's `.data` URL, or
 * the legacy `?_data=` URL that Remix still answers). Posts from the app's own pages keep working,
 * and so does a program that authenticates with a bearer token and sends no Origin at all.
 * The built Remix app on a real server; the session cookies of real sign-ins.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server";

const FOREIGN = "http://evil.example";

describe("cross-site request forgery", () => {
  let server: TestServer;
  let adminCookie: string;
  let leadCookie: string;
  let leadToken: string;
  let viewerId: string;
  let ws: string;
  let section: string;

  beforeAll(async () => {
    server = await startTestServer({ remix: "build" });
    adminCookie = (await server.signIn("admin@overleg.example")).cookie;
    ({ cookie: leadCookie, token: leadToken } = await server.signIn("lead@ez.example"));
    viewerId = await server.userId("viewer@tno.example");
    ws = await server.workspaceId("Toegang tot financiering");
    [section] = await server.sectionIds("Toegang tot financiering");
  });
  afterAll(() => server?.stop());

  async function isAdmin(userId: string): Promise<boolean> {
    const { db, t } = server.database;
    const [row] = await db.select({ isAdmin: t.user.isAdmin }).from(t.user).where(eq(t.user.id, userId));
    return row.isAdmin;
  }
  async function role(userId: string): Promise<string | null> {
    const { db, t } = server.database;
    const [row] = await db
      .select({ role: t.memberships.role })
      .from(t.memberships)
      .where(and(eq(t.memberships.workspaceId, ws), eq(t.memberships.userId, userId)));
    return row?.role ?? null;
  }
  async function versionCount(): Promise<number> {
    const { db, t } = server.database;
    return (await db.select({ id: t.versions.id }).from(t.versions).where(eq(t.versions.sectionId, section))).length;
  }

  /** A form post with the given headers (a browser would send Origin; a forged one sends another). */
  async function post(path: string, form: Record<string, string>, headers: Record<string, string>) {
    const res = await fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "accept-language": "en", ...headers },
      body: new URLSearchParams(form),
      redirect: "manual",
    });
    return { status: res.status, type: res.headers.get("content-type") ?? "", body: await res.text() };
  }

  interface Attack {
    name: string;
    path: string;
    /** The Remix route id, for the ?_data= URL. */
    route: string;
    form: Record<string, string>;
    cookie: string;
    /** Asserts that the attack changed nothing (given the section's version count before it). */
    unchanged: (versionsBefore: number) => Promise<void>;
  }

  /** The three attacks of the report: make the viewer an admin, make them an owner, create a version. */
  const attacks = (): Attack[] => [
    {
      name: "admin.people",
      path: "/admin/people",
      route: "routes/admin.people",
      form: { intent: "admin", userId: viewerId, isAdmin: "true" },
      cookie: adminCookie,
      unchanged: async () => expect(await isAdmin(viewerId)).toBe(false),
    },
    {
      name: "members",
      path: `/w/${ws}/members`,
      route: "routes/w.$workspaceId.members",
      form: { intent: "changeRole", userId: viewerId, role: "owner" },
      cookie: leadCookie,
      unchanged: async () => expect(await role(viewerId)).toBe("viewer"),
    },
    {
      name: "history",
      path: `/s/${section}/history`,
      route: "routes/s.$sectionId_.history",
      form: { intent: "create", name: "Forged version" },
      cookie: leadCookie,
      unchanged: async (before: number) => expect(await versionCount()).toBe(before),
    },
  ];

  function expectForbiddenJson(res: { status: number; type: string; body: string }) {
    expect(res.status).toBe(403);
    expect(res.type).toMatch(/application\/json/);
    const body = JSON.parse(res.body) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("forbidden_origin");
    expect(body.error.message).toMatch(/origin/i);
  }

  it("refuses a foreign Origin on the ?_data= URL with 403 forbidden_origin, and changes nothing", async () => {
    for (const attack of attacks()) {
      const before = await versionCount();
      const res = await post(`${attack.path}?_data=${encodeURIComponent(attack.route)}`, attack.form, { cookie: attack.cookie, origin: FOREIGN });
      expectForbiddenJson(res);
      await attack.unchanged(before);
    }
  });

  it("refuses a foreign Origin on the .data URL (JSON) and on the page URL (a readable page), and changes nothing", async () => {
    for (const attack of attacks()) {
      const before = await versionCount();
      const data = await post(`${attack.path}.data`, attack.form, { cookie: attack.cookie, origin: FOREIGN });
      expectForbiddenJson(data);
      const page = await post(attack.path, attack.form, { cookie: attack.cookie, origin: FOREIGN });
      expect(page.status, attack.name).toBe(403);
      expect(page.type).toMatch(/text\/html/);
      expect(page.body).toContain("This request came from another website");
      expect(page.body).toContain("Dit verzoek kwam van een andere website");
      await attack.unchanged(before);
    }
  });

  it("refuses a foreign Referer when there is no Origin, and Origin: null", async () => {
    for (const attack of attacks()) {
      const before = await versionCount();
      expectForbiddenJson(await post(`${attack.path}.data`, attack.form, { cookie: attack.cookie, referer: `${FOREIGN}/page` }));
      expectForbiddenJson(await post(`${attack.path}.data`, attack.form, { cookie: attack.cookie, origin: "null" }));
      await attack.unchanged(before);
    }
  });

  it("refuses a post with the cookie but neither Origin nor Referer, and changes nothing", async () => {
    for (const attack of attacks()) {
      const before = await versionCount();
      for (const path of [attack.path, `${attack.path}.data`, `${attack.path}?_data=${encodeURIComponent(attack.route)}`]) {
        const res = await post(path, attack.form, { cookie: attack.cookie });
        expect(res.status, path).toBe(403);
      }
      await attack.unchanged(before);
    }
  });

  it("refuses ?_data= requests outright, even from the app's own origin and for reading", async () => {
    for (const attack of attacks()) {
      const before = await versionCount();
      const url = `${attack.path}?_data=${encodeURIComponent(attack.route)}`;
      const res = await post(url, attack.form, { cookie: attack.cookie, origin: server.url });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: "unsupported_data_request" } });
      await attack.unchanged(before);
      const read = await fetch(`${server.url}${url}`, { headers: { cookie: attack.cookie } });
      expect(read.status).toBe(400);
      expect(await read.text()).not.toContain("viewer@tno.example");
    }
  });

  it("still lets the app's own pages post (Origin, or only a same-origin Referer), through the page and the .data URL", async () => {
    expect(await isAdmin(viewerId)).toBe(false);
    const made = await post("/admin/people.data", { intent: "admin", userId: viewerId, isAdmin: "true" }, { cookie: adminCookie, origin: server.url });
    expect(made.status).toBe(200);
    expect(await isAdmin(viewerId)).toBe(true);
    const undone = await post("/admin/people", { intent: "admin", userId: viewerId, isAdmin: "false" }, { cookie: adminCookie, referer: `${server.url}/admin/people` });
    expect(undone.status).toBe(200);
    expect(await isAdmin(viewerId)).toBe(false);

    const before = await versionCount();
    const created = await post(`/s/${section}/history`, { intent: "create", name: "Own version" }, { cookie: leadCookie, origin: server.url });
    expect(created.status).toBe(200);
    expect(await versionCount()).toBe(before + 1);
  });

  it("lets a program with a bearer token and no Origin use the API, and refuses a non-GET without it", async () => {
    const read = await fetch(`${server.url}/api/v1/workspaces`, { headers: { authorization: `Bearer ${leadToken}` } });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { workspaces: unknown[] }).workspaces.length).toBeGreaterThan(0);
    // A method the API does not have reaches the API (405) with the token, but not with only the cookie.
    const withToken = await fetch(`${server.url}/api/v1/workspaces`, { method: "POST", headers: { authorization: `Bearer ${leadToken}` } });
    expect(withToken.status).toBe(405);
    const withCookie = await fetch(`${server.url}/api/v1/workspaces`, { method: "POST", headers: { cookie: leadCookie } });
    expect(withCookie.status).toBe(403);
    expect(await withCookie.json()).toMatchObject({ error: { code: "forbidden_origin" } });
    // Signing out through better-auth with a bearer token and no Origin still works.
    const { token } = await server.signIn("drafter@kgg.example");
    const out = await fetch(`${server.url}/api/auth/sign-out`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    expect(out.status).toBe(200);
  });

  it("refuses better-auth's endpoints from a foreign Origin before better-auth sees them", async () => {
    const res = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: FOREIGN },
      body: JSON.stringify({ email: "lead@ez.example", password: "whatever-it-is" }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "forbidden_origin" } });
  });
});
