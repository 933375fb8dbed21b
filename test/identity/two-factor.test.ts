/**
 * Two-factor authentication over the wire: a person sets TOTP up on the security page (QR code and
 * the secret as text, a first code, recovery codes), signing in then asks for a code (a wrong one is
 * refused, a recovery code works once), a rule of an admin leads a person without it to the setup
 * before any other door, and sign-off, reopening and publishing ask for the code again after 15
 * minutes, with the audit trail saying it was given. Codes come from `otpauth`, as an app would make them.
 */
import { and, desc, eq } from "drizzle-orm";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { renderMail, type OutboxRow } from "../../server/mail/render";
import { DEMO_PASSWORD } from "../../server/seed/content";
import { Jar, totpCode, visibleText } from "../support/browser-less";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;

beforeAll(async () => {
  ensureBuild();
  server = await startTestServer({ remix: "build" });
}, 300_000);

afterAll(async () => {
  await server?.stop();
});

/** Sets TOTP up through the security page as the person in `jar`; returns the secret the page showed and the recovery codes. */
async function setUp(jar: Jar, password = DEMO_PASSWORD): Promise<{ secret: string; codes: string[] }> {
  const started = await jar.post("/settings/security", { intent: "enable", password });
  expect(started.status).toBe(200);
  const html = await started.text();
  expect(html).toMatch(/<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+"/);
  const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(html)?.[1] ?? "";
  expect(secret.length).toBeGreaterThanOrEqual(32);
  const uri = /name="uri" value="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&") ?? "";
  const codes = [...html.matchAll(/name="codes" value="([^"]+)"/g)].map((m) => m[1]);
  expect(codes).toHaveLength(10);
  // A wrong first code leaves it off, and shows the same secret again.
  const wrong = await jar.post("/settings/security", { intent: "confirm", uri, codes, code: "000000" === totpCode(secret) ? "111111" : "000000" });
  expect(wrong.status).toBe(400);
  const again = await wrong.text();
  expect(visibleText(again)).toContain("This code is not right");
  expect(again).toContain(secret);
  const confirmed = await jar.post("/settings/security", { intent: "confirm", uri, codes, code: totpCode(secret) });
  // better-auth replaces the session; the page is loaded again with the new one.
  expect(confirmed.status).toBe(302);
  expect(confirmed.headers.get("location")).toBe("/settings/security?done=on");
  expect(visibleText(await (await jar.get("/settings/security?done=on")).text())).toContain("Two-factor authentication is on.");
  return { secret, codes };
}

async function twoFactorEnabled(email: string): Promise<boolean> {
  const { db, t } = server.database;
  const rows = await db.select({ on: t.user.twoFactorEnabled }).from(t.user).where(eq(t.user.email, email));
  return Boolean(rows[0]?.on);
}

describe("TOTP with recovery codes", () => {
  it("is set up on the security page, then signing in asks for a code; a wrong code is refused, a recovery code works once", async () => {
    const jar = new Jar(server.url);
    expect((await jar.signIn("drafter@kgg.example", DEMO_PASSWORD)).status).toBe(200);
    const { secret, codes } = await setUp(jar);
    expect(await twoFactorEnabled("drafter@kgg.example")).toBe(true);
    // The session that set it up carries on (it gave the code).
    expect((await jar.get("/api/v1/workspaces")).status).toBe(200);

    // Signing in again: the password is right, but no session before the code.
    const fresh = new Jar(server.url);
    const signIn = await fresh.post("/sign-in", { email: "drafter@kgg.example", password: DEMO_PASSWORD, redirectTo: "/agenda" });
    expect(signIn.status).toBe(302);
    expect(signIn.headers.get("location")).toBe("/sign-in/two-factor?redirectTo=%2Fagenda");
    expect((await fresh.get("/api/v1/workspaces")).status).toBe(401);
    expect((await fresh.get("/sign-in/two-factor")).status).toBe(200);
    const wrong = await fresh.post("/sign-in/two-factor", { code: "12345", redirectTo: "/agenda" });
    expect(wrong.status).toBe(401);
    expect(visibleText(await wrong.text())).toContain("This code is not right");
    expect((await fresh.get("/api/v1/workspaces")).status).toBe(401);
    const right = await fresh.post("/sign-in/two-factor", { code: totpCode(secret), redirectTo: "/agenda" });
    expect(right.status).toBe(302);
    expect(right.headers.get("location")).toBe("/agenda");
    expect((await fresh.get("/api/v1/workspaces")).status).toBe(200);

    // A recovery code instead of the app: once.
    const recovering = new Jar(server.url);
    expect((await recovering.signIn("drafter@kgg.example", DEMO_PASSWORD)).body).toMatchObject({ twoFactorRedirect: true });
    expect((await recovering.post("/sign-in/two-factor", { code: codes[0], redirectTo: "/" })).status).toBe(302);
    expect((await recovering.get("/api/v1/workspaces")).status).toBe(200);
    const reuse = new Jar(server.url);
    await reuse.signIn("drafter@kgg.example", DEMO_PASSWORD);
    expect((await reuse.post("/sign-in/two-factor", { code: codes[0], redirectTo: "/" })).status).toBe(401);
    expect((await reuse.get("/api/v1/workspaces")).status).toBe(401);

    // The JSON sign-in without the code gets no usable bearer token either (its session was never kept).
    const bearer = await new Jar(server.url).signIn("drafter@kgg.example", DEMO_PASSWORD);
    const token = bearer.res.headers.get("set-auth-token");
    if (token) expect((await fetch(`${server.url}/api/v1/workspaces`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it("cannot be turned off by a person a rule requires it of; others can, with their password", async () => {
    const jar = new Jar(server.url);
    await jar.signIn("expert@fme.example", DEMO_PASSWORD);
    await setUp(jar);
    const { db, t } = server.database;
    const person = (await db.select({ organisationId: t.user.organisationId }).from(t.user).where(eq(t.user.email, "expert@fme.example")))[0];
    await db.update(t.organisations).set({ requireTwoFactor: true }).where(eq(t.organisations.id, person.organisationId!));
    const refused = await jar.post("/settings/security", { intent: "disable", password: DEMO_PASSWORD });
    expect(refused.status).toBe(403);
    expect(visibleText(await refused.text())).toContain("required for your account");
    expect(await twoFactorEnabled("expert@fme.example")).toBe(true);
    await db.update(t.organisations).set({ requireTwoFactor: null }).where(eq(t.organisations.id, person.organisationId!));
    expect((await jar.post("/settings/security", { intent: "disable", password: "wrong-password-here" })).status).toBe(400);
    expect(await twoFactorEnabled("expert@fme.example")).toBe(true);
    expect((await jar.post("/settings/security", { intent: "disable", password: DEMO_PASSWORD })).status).toBe(302);
    expect(await twoFactorEnabled("expert@fme.example")).toBe(false);
  });
});

describe("a person a rule requires it of, without it", () => {
  it("is led to the setup before any other page, and every other door stays closed until it is done", async () => {
    const { db, t } = server.database;
    // An admin requires it of everyone who owns a workspace, on the admin page (a non-admin may not).
    const admin = new Jar(server.url);
    await admin.signIn("admin@overleg.example", DEMO_PASSWORD);
    const notAdmin = new Jar(server.url);
    await notAdmin.signIn("viewer@tno.example", DEMO_PASSWORD);
    expect((await notAdmin.post("/admin/security", { "role:owner": "required" })).status).toBe(403);
    expect(await db.select().from(t.twoFactorRoles)).toEqual([]);
    expect((await admin.post("/admin/security", { "role:owner": "required" })).status).toBe(200);
    const audited = await db.select({ data: t.auditEvents.data }).from(t.auditEvents).where(eq(t.auditEvents.action, "second_factor.rules_changed"));
    expect(audited.map((a) => (typeof a.data === "string" ? JSON.parse(a.data) : a.data))).toEqual([{ changes: { "role:owner": { from: null, to: true } } }]);
    try {
      const jar = new Jar(server.url);
      expect((await jar.signIn("lead@ez.example", DEMO_PASSWORD)).status).toBe(200);
      for (const path of ["/", "/agenda", "/admin"]) {
        const res = await jar.get(path);
        expect(res.status, path).toBe(302);
        expect(res.headers.get("location"), path).toBe(`/settings/security${path === "/" ? "" : `?redirectTo=${encodeURIComponent(path)}`}`);
      }
      expect((await jar.get("/api/v1/workspaces")).status).toBe(401);
      // socket.io refuses the session too.
      const socket = io(server.url, { transports: ["websocket"], extraHeaders: { cookie: jar.header(), origin: server.url }, reconnection: false });
      const refusal = await new Promise<string>((resolve) => {
        socket.on("connect", () => resolve("connected"));
        socket.on("connect_error", (e) => resolve(e.message));
      });
      socket.close();
      expect(refusal).not.toBe("connected");
      // The setup itself and sign-out stay open.
      const setupPage = await jar.get("/settings/security");
      expect(setupPage.status).toBe(200);
      expect(visibleText(await setupPage.text())).toContain("Before you continue, set up two-factor authentication");
      expect((await jar.get("/sign-out")).status).toBe(200);
      await setUp(jar);
      expect((await jar.get("/")).status).toBe(200);
      expect((await jar.get("/api/v1/workspaces")).status).toBe(200);
    } finally {
      expect((await admin.post("/admin/security", { "role:owner": "default" })).status).toBe(200);
      expect(await db.select().from(t.twoFactorRoles)).toEqual([]);
    }
  });
});

describe("step-up", () => {
  it("asks for the code again for a sign-off when the last check is older than 15 minutes, and the audit trail records it", async () => {
    const { db, t } = server.database;
    const jar = new Jar(server.url);
    await jar.signIn("office@minister.example", DEMO_PASSWORD);
    const { secret } = await setUp(jar);
    officeSecret = secret;
    const officeId = await server.userId("office@minister.example");
    // An approved section (the sign-off form shows); the step-up is asked before the review round is looked at.
    const [sectionId] = await server.sectionIds((await db.select({ title: t.workspaces.title }).from(t.workspaces).limit(1))[0].title);
    await db.update(t.sections).set({ status: "approved" }).where(eq(t.sections.id, sectionId));
    // The code was given just now: the page does not ask for it.
    const fresh = await jar.get(`/s/${sectionId}/review`);
    expect(await fresh.text()).not.toContain('name="secondFactorCode"');

    // Twenty minutes later…
    await db.update(t.session).set({ secondFactorAt: new Date(Date.now() - 20 * 60_000) }).where(eq(t.session.userId, officeId));
    const stale = await jar.get(`/s/${sectionId}/review`);
    const staleHtml = await stale.text();
    expect(staleHtml).toContain('name="secondFactorCode"');
    // …the server refuses without it (not only the form), and with a wrong code…
    const hash = /name="contentHash" value="([0-9a-f]{64})"/.exec(staleHtml)?.[1] ?? "0".repeat(64);
    const without = await jar.post(`/s/${sectionId}/review`, { intent: "signoff", contentHash: hash });
    expect(without.status).toBe(403);
    expect(await without.text()).toContain('data-error-code="step_up_required"');
    const wrong = await jar.post(`/s/${sectionId}/review`, { intent: "signoff", contentHash: hash, secondFactorCode: "000000" === totpCode(secret) ? "111111" : "000000" });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain('data-error-code="wrong_second_factor"');
    // …and with the right one the step-up is done: the command goes on to its own checks.
    const withCode = await jar.post(`/s/${sectionId}/review`, { intent: "signoff", contentHash: hash, secondFactorCode: totpCode(secret) });
    expect(await withCode.text()).toContain('data-error-code="not_approved"');
    const checked = await db.select({ at: t.session.secondFactorAt }).from(t.session).where(eq(t.session.userId, officeId));
    expect(checked.some((s) => s.at && Date.now() - s.at.getTime() < 60_000)).toBe(true);
  });

  it("is enforced in the command for publishing and reopening; the audit entry of a reopening records the second factor given", async () => {
    const { db, t } = server.database;
    const jar = new Jar(server.url);
    // The office set TOTP up in the test above; it signs in with the code.
    expect((await jar.signIn("office@minister.example", DEMO_PASSWORD)).body).toMatchObject({ twoFactorRedirect: true });
    expect((await jar.post("/sign-in/two-factor", { code: totpCode(officeSecret), redirectTo: "/" })).status).toBe(302);
    const officeId = await server.userId("office@minister.example");
    const stale = () => db.update(t.session).set({ secondFactorAt: new Date(Date.now() - 16 * 60_000) }).where(eq(t.session.userId, officeId));
    await stale();
    const [agenda] = await db.select({ id: t.agendas.id }).from(t.agendas).limit(1);
    const refused = await jar.post(`/a/${agenda.id}`, { intent: "publish" });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('data-error-code="step_up_required"');
    const given = await jar.post(`/a/${agenda.id}`, { intent: "publish", secondFactorCode: totpCode(officeSecret) });
    // Nothing is final in the demo data: the publication itself is refused once the step-up passed.
    expect(await given.text()).toContain('data-error-code="not_final"');

    // A final section (as after a sign-off) is reopened: refused with a stale check, done with the code.
    const [sectionId] = await server.sectionIds((await db.select({ title: t.workspaces.title }).from(t.workspaces).limit(1))[0].title);
    await db.update(t.sections).set({ status: "final", lockedBy: officeId, lockedAt: new Date() }).where(eq(t.sections.id, sectionId));
    await stale();
    const notYet = await jar.post(`/s/${sectionId}/review`, { intent: "reopen", reason: "Nieuwe cijfers verwerken." });
    expect(notYet.status).toBe(403);
    expect((await db.select({ status: t.sections.status }).from(t.sections).where(eq(t.sections.id, sectionId)))[0].status).toBe("final");
    const reopened = await jar.post(`/s/${sectionId}/review`, { intent: "reopen", reason: "Nieuwe cijfers verwerken.", secondFactorCode: totpCode(officeSecret) });
    expect(reopened.status).toBe(200);
    expect((await db.select({ status: t.sections.status }).from(t.sections).where(eq(t.sections.id, sectionId)))[0].status).toBe("draft");
    const entry = (
      await db
        .select({ data: t.auditEvents.data })
        .from(t.auditEvents)
        .where(and(eq(t.auditEvents.action, "section.reopened"), eq(t.auditEvents.subjectId, sectionId)))
        .orderBy(desc(t.auditEvents.seq))
        .limit(1)
    )[0];
    const data = (typeof entry.data === "string" ? JSON.parse(entry.data) : entry.data) as Record<string, unknown>;
    expect(data.secondFactor).toBe("totp");
    expect(Date.now() - Date.parse(String(data.secondFactorAt))).toBeLessThan(60_000);
  });
});

let officeSecret = "";

describe("an admin resets a lost authenticator", () => {
  it("ends the person's sessions, has them set it up again at the next sign-in whatever the rules, tells them, and is audited", async () => {
    const { db, t } = server.database;
    const email = "approver@ocw.example";
    const jar = new Jar(server.url);
    await jar.signIn(email, DEMO_PASSWORD);
    await setUp(jar);
    const userId = await server.userId(email);

    // Not someone who is not an admin, and not an admin's own.
    const notAdmin = new Jar(server.url);
    await notAdmin.signIn("viewer@tno.example", DEMO_PASSWORD);
    expect((await notAdmin.post("/admin/people", { intent: "secondFactor", userId })).status).toBe(403);
    const admin = new Jar(server.url);
    await admin.signIn("admin@overleg.example", DEMO_PASSWORD);
    const own = await admin.post("/admin/people", { intent: "secondFactor", userId: await server.userId("admin@overleg.example") });
    expect(own.status).toBe(403);
    expect(await twoFactorEnabled(email)).toBe(true);
    expect((await jar.get("/api/v1/workspaces")).status).toBe(200);

    const reset = await admin.post("/admin/people", { intent: "secondFactor", userId });
    expect(reset.status).toBe(200);
    expect(await twoFactorEnabled(email)).toBe(false);
    expect(await db.select().from(t.twoFactor).where(eq(t.twoFactor.userId, userId))).toEqual([]);
    // Signed out everywhere at once.
    expect((await jar.get("/api/v1/workspaces")).status).toBe(401);
    const [audit] = await db.select({ data: t.auditEvents.data, actorId: t.auditEvents.actorId }).from(t.auditEvents).where(eq(t.auditEvents.action, "second_factor.reset"));
    expect(typeof audit.data === "string" ? JSON.parse(audit.data) : audit.data).toMatchObject({ email, hadSecondFactor: true, sessionsEnded: 1 });
    // Told: in the inbox, and by a mail that goes out whatever the mail preferences.
    expect((await db.select({ kind: t.notifications.kind }).from(t.notifications).where(eq(t.notifications.userId, userId))).map((n) => n.kind)).toContain("second_factor.reset");
    const mails = await db.select({ kind: t.mailOutbox.kind, to: t.mailOutbox.toAddress, status: t.mailOutbox.status }).from(t.mailOutbox).where(eq(t.mailOutbox.userId, userId));
    expect(mails.filter((m) => m.kind === "second_factor_reset").map((m) => m.to)).toEqual([email]);
    // What it says (in the person's language, Dutch by default): who reset it, and what to do.
    const [row] = await db.select().from(t.mailOutbox).where(and(eq(t.mailOutbox.userId, userId), eq(t.mailOutbox.kind, "second_factor_reset")));
    const mail = await renderMail(server.database, server.env, row as OutboxRow, new Date());
    expect(mail?.subject).toBe("Uw tweestapsverificatie in Overleg is opnieuw ingesteld");
    expect(mail?.text).toContain("Ada Beheer heeft de tweestapsverificatie van uw account opnieuw ingesteld");
    expect(mail?.text).toContain(`${server.env.PUBLIC_URL}/sign-in`);

    // No rule requires it of this person, yet the next sign-in leads to the setup first; then it is over.
    const again = new Jar(server.url);
    expect((await again.signIn(email, DEMO_PASSWORD)).status).toBe(200);
    const held = await again.get("/agenda");
    expect(held.status).toBe(302);
    expect(held.headers.get("location")).toBe("/settings/security?redirectTo=%2Fagenda");
    expect((await again.get("/api/v1/workspaces")).status).toBe(401);
    const inbox = await again.get("/settings/security");
    expect(visibleText(await inbox.text())).toContain("Before you continue, set up two-factor authentication");
    await setUp(again);
    expect((await again.get("/api/v1/workspaces")).status).toBe(200);
    expect((await db.select({ at: t.user.twoFactorResetAt }).from(t.user).where(eq(t.user.id, userId)))[0].at).toBeNull();
  });
});
