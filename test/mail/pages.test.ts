/**
 * The mail pages over HTTP, with no SMTP_URL (mail goes to the log): the admin Outbox page with what
 * each mail said and its failures, the mail settings page, "Forgot password?".
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInvitation } from "../../server/commands/invitationCreate";
import { loadActor } from "../../server/services/access";
import { WS } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ remix: "build" });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields);
const post = (path: string, headers: Record<string, string>, fields: Record<string, string>) =>
  fetch(`${server.url}${path}`, { method: "POST", headers: { ...headers, origin: server.url, "content-type": "application/x-www-form-urlencoded" }, body: form(fields), redirect: "manual" });

describe("mail pages", () => {
  it("shows admins the outbox: without SMTP, what each mail said; failures counted, and sent again on request", async () => {
    const lead = await loadActor(server.database, await server.userId("lead@ez.example"));
    const invite = await createInvitation(server.services, { actor: lead!, workspaceId: await server.workspaceId(WS.labour), email: "log@partner.example", role: "viewer", organisationId: lead!.organisationId! });
    await server.mailer.deliver();
    expect(server.mailer.transport.kind).toBe("log");
    const { db, t } = server.database;
    const failedId = crypto.randomUUID();
    await db.insert(t.mailOutbox).values({ id: failedId, kind: "mention", userId: lead!.id, toAddress: "lead@ez.example", data: {}, status: "failed", attempts: 6, lastError: "connect ECONNREFUSED" });

    const admin = await server.signIn("admin@overleg.example");
    const page = await fetch(`${server.url}/admin/outbox`, { headers: admin.headers });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("log@partner.example");
    expect(html).toContain(invite.url);
    expect(html).toContain('data-failed="1"');
    expect(html).toContain("connect ECONNREFUSED");

    for (const email of ["lead@ez.example", "office@minister.example"]) {
      const other = await server.signIn(email);
      expect((await fetch(`${server.url}/admin/outbox`, { headers: other.headers })).status).toBe(403);
      expect((await post("/admin/outbox", other.headers, { intent: "retry", mailId: failedId })).status).toBe(403);
    }
    expect((await post("/admin/outbox", admin.headers, { intent: "retry", mailId: failedId })).status).toBe(200);
    const [row] = await db.select().from(t.mailOutbox).where(eq(t.mailOutbox.id, failedId));
    expect(row.attempts === 0 || row.status !== "failed").toBe(true);
    const audit = await db.select().from(t.auditEvents).where(eq(t.auditEvents.action, "mail.retried"));
    expect(audit.map((a) => a.subjectId)).toEqual([failedId]);
    // Only a failed mail is sent again.
    expect((await post("/admin/outbox", admin.headers, { intent: "retry", mailId: failedId })).status).toBe(409);
  });

  it("lets a signed-in person choose per kind, and nobody else", async () => {
    expect((await fetch(`${server.url}/settings/mail`, { redirect: "manual" })).status).toBe(302);
    const me = await server.signIn("expert@fme.example");
    const page = await fetch(`${server.url}/settings/mail`, { headers: me.headers });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("E-mailinstellingen");
    const choices = { review_request: "immediately", mention: "daily", assignment: "never", changes_requested: "never", approval: "daily", ready_for_signoff: "immediately", reminder: "never" };
    const { db, t } = server.database;
    const userId = await server.userId("expert@fme.example");
    expect((await post("/settings/mail", me.headers, { ...choices, mention: "sometimes" })).status).toBe(400);
    expect(await db.select().from(t.mailPreferences).where(eq(t.mailPreferences.userId, userId))).toEqual([]);
    expect((await post("/settings/mail", me.headers, choices)).status).toBe(200);
    const stored = await db.select().from(t.mailPreferences).where(eq(t.mailPreferences.userId, userId));
    expect(Object.fromEntries(stored.map((p) => [p.kind, p.mode]))).toEqual(choices);
  });

  it("offers 'Forgot password?' on the sign-in page, and answers alike whether or not the address has an account", async () => {
    expect(await (await fetch(`${server.url}/sign-in`)).text()).toContain('href="/forgot-password"');
    const { db, t } = server.database;
    const count = async () => (await db.select().from(t.mailOutbox).where(eq(t.mailOutbox.kind, "password_reset"))).length;
    const before = await count();
    const unknown = await post("/forgot-password", {}, { email: "nobody@nowhere.example" });
    const known = await post("/forgot-password", {}, { email: "viewer@tno.example" });
    expect(unknown.status).toBe(200);
    expect(known.status).toBe(200);
    const text = (s: string) => s.replace(/nobody@nowhere\.example|viewer@tno\.example/g, "X").replace(/<script[\s\S]*?<\/script>/g, "");
    expect(text(await unknown.text())).toBe(text(await known.text()));
    expect(await count()).toBe(before + 1);
    expect((await post("/forgot-password", {}, { email: "not an address" })).status).toBe(400);
  });
});
