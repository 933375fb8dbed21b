/**
 * The server log never holds an invitation's token: whoever reads the log (an operator, a log
 * shipper, a support ticket) must not be able to join a workspace with it. A real server logging at
 * debug level; its lines are collected as the logger writes them to the console.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from "vitest";
import { startTestServer, type TestServer } from "../support/server";

describe("invitation links in the server log", () => {
  let server: TestServer;
  const lines: string[] = [];
  const spies: MockInstance[] = [];

  async function post(path: string, form: Record<string, string>, cookie?: string) {
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", origin: server.url, "accept-language": "en" };
    if (cookie) headers.cookie = cookie;
    const res = await fetch(`${server.url}${path}`, { method: "POST", headers, body: new URLSearchParams(form), redirect: "manual" });
    return { status: res.status, html: await res.text() };
  }

  beforeAll(async () => {
    server = await startTestServer({ remix: "build", env: { LOG_LEVEL: "debug" } });
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      spies.push(vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" "))));
    }
  }, 300_000);
  afterAll(async () => {
    for (const spy of spies) spy.mockRestore();
    await server?.stop();
  });

  it("names the invitation by its id when it is made, revoked or used, never by its token", async () => {
    const ws = await server.workspaceId("Toegang tot financiering");
    const lead = (await server.signIn("lead@ez.example")).cookie;
    const { db, t } = server.database;
    const [ez] = await db.select().from(t.organisations).where(eq(t.organisations.shortCode, "EZ"));
    const tokens: string[] = [];
    for (const email of ["log-een@ez.example", "log-twee@ez.example"]) {
      const res = await post(`/w/${ws}/members`, { intent: "invite", email, role: "editor", organisationId: ez.id }, lead);
      expect(res.status).toBe(200);
      tokens.push(/\/invite\/([A-Za-z0-9_-]{43})/.exec(res.html)![1]);
    }
    const [first, second] = await Promise.all(
      ["log-een@ez.example", "log-twee@ez.example"].map(async (email) => (await db.select().from(t.invitations).where(eq(t.invitations.email, email)))[0]),
    );
    expect((await post(`/w/${ws}/members`, { intent: "revoke", invitationId: second.id }, lead)).status).toBe(200);
    expect((await post(`/invite/${tokens[0]}`, { intent: "create", name: "Lot Logboek", password: "a-long-enough-password", confirm: "a-long-enough-password" })).status).toBe(302);
    expect((await post(`/invite/${tokens[1]}`, { intent: "create", name: "Iemand", password: "a-long-enough-password", confirm: "a-long-enough-password" })).status).toBe(410);

    const created = lines.filter((line) => line.includes("invitation created"));
    expect(created.some((line) => line.includes(first.id)), "the log names the invitation by its id").toBe(true);
    expect(created.some((line) => line.includes(second.id))).toBe(true);
    for (const token of tokens) {
      expect(lines.filter((line) => line.includes(token)), "no log line holds the token").toEqual([]);
    }
    expect(lines.filter((line) => line.includes("/invite/"))).toEqual([]);
  });
});
