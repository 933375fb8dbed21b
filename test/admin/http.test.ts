/**
 * The members, invitation and admin pages over HTTP, as a browser (or anyone with a cookie) uses them:
 * the built Remix app on a real server, forms posted with the demo people's session cookies.
 * Needs `npm run build` first.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit, verifyAuditChain } from "../../server/services/audit";
import { INVITATION_TTL_MS } from "../../server/commands/invitationSupport";
import { hashInvitationToken } from "../../server/views/invitations";
import { startTestServer, type TestServer } from "../support/server";

describe("members, invitations and administration over HTTP", () => {
  let server: TestServer;
  let ws: string;
  const cookies = new Map<string, string>();

  async function cookie(email: string) {
    if (!cookies.has(email)) cookies.set(email, (await server.signIn(email)).cookie);
    return cookies.get(email)!;
  }
  async function get(path: string, as?: string | null, lang = "en") {
    const headers: Record<string, string> = { "accept-language": lang };
    if (as) headers.cookie = await cookie(as);
    const res = await fetch(`${server.url}${path}`, { headers, redirect: "manual" });
    return { status: res.status, location: res.headers.get("location"), html: await res.text(), headers: res.headers };
  }
  async function post(path: string, form: Record<string, string>, as?: string | { cookie: string }, extra: Record<string, string> = {}) {
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      origin: server.url,
      "accept-language": "en",
      ...extra,
    };
    if (as) headers.cookie = typeof as === "string" ? await cookie(as) : as.cookie;
    const res = await fetch(`${server.url}${path}`, { method: "POST", headers, body: new URLSearchParams(form), redirect: "manual" });
    return { status: res.status, location: res.headers.get("location"), html: await res.text(), headers: res.headers };
  }
  async function role(workspaceId: string, email: string) {
    const { db, t } = server.database;
    const rows = await db
      .select({ role: t.memberships.role })
      .from(t.memberships)
      .where(and(eq(t.memberships.workspaceId, workspaceId), eq(t.memberships.userId, await server.userId(email))));
    return rows[0]?.role ?? null;
  }
  const auditCount = async () => (await listAudit(server.database, { limit: 500 })).length;

  beforeAll(async () => {
    server = await startTestServer({ remix: "build" });
    ws = await server.workspaceId("Toegang tot financiering");
  });
  afterAll(() => server?.stop());

  describe("the members page", () => {
    it("shows owners the members, roles and invite form, and refuses everyone else with 403", async () => {
      const page = await get(`/w/${ws}/members`, "lead@ez.example");
      expect(page.status).toBe(200);
      expect(page.html).toContain("Members and invitations");
      expect(page.html).toContain("Daan Kramer");
      expect(page.html).toContain("Create invitation link");
      for (const email of ["drafter@kgg.example", "viewer@tno.example", "partner@be.example"]) {
        const refused = await get(`/w/${ws}/members`, email);
        expect(refused.status, email).toBe(403);
        expect(refused.html).toContain("Only the owners of this workspace and administrators manage its members");
      }
      expect((await get(`/w/${ws}/members`, null)).location).toMatch(/^\/sign-in\?redirectTo=/);
      expect((await get(`/w/does-not-exist/members`, "lead@ez.example")).status).toBe(404);
    });

    it("lets an owner change a role, and the member's next request has the new rights", async () => {
      const viewerId = await server.userId("viewer@tno.example");
      expect((await get(`/w/${ws}/members`, "viewer@tno.example")).status).toBe(403);
      const res = await post(`/w/${ws}/members`, { intent: "changeRole", userId: viewerId, role: "owner" }, "lead@ez.example");
      expect(res.status).toBe(200);
      expect(await role(ws, "viewer@tno.example")).toBe("owner");
      // Same cookie as before the change: the rights come from the database on every request.
      expect((await get(`/w/${ws}/members`, "viewer@tno.example")).status).toBe(200);
      const [event] = await listAudit(server.database, { limit: 1 });
      expect(event).toMatchObject({ action: "membership.role_changed", actorId: await server.userId("lead@ez.example"), data: { from: "viewer", to: "owner" } });
      await post(`/w/${ws}/members`, { intent: "changeRole", userId: viewerId, role: "viewer" }, "lead@ez.example");
      expect((await get(`/w/${ws}/members`, "viewer@tno.example")).status).toBe(403);
    });

    it("refuses an editor who changes a role or removes someone (403) and changes nothing", async () => {
      const before = await auditCount();
      const expertId = await server.userId("expert@fme.example");
      const change = await post(`/w/${ws}/members`, { intent: "changeRole", userId: expertId, role: "owner" }, "drafter@kgg.example");
      expect(change.status).toBe(403);
      const remove = await post(`/w/${ws}/members`, { intent: "remove", userId: await server.userId("lead@ez.example") }, "drafter@kgg.example");
      expect(remove.status).toBe(403);
      expect(await role(ws, "expert@fme.example")).toBe("commenter");
      expect(await role(ws, "lead@ez.example")).toBe("owner");
      expect(await auditCount()).toBe(before);
    });

    it("keeps the last owner, with a clear message, and changes nothing", async () => {
      const before = await auditCount();
      const leadId = await server.userId("lead@ez.example");
      const demote = await post(`/w/${ws}/members`, { intent: "changeRole", userId: leadId, role: "editor" }, "lead@ez.example");
      expect(demote.status).toBe(409);
      expect(demote.html).toContain("A workspace needs at least one owner. Make someone else owner first.");
      const leave = await post(`/w/${ws}/members`, { intent: "remove", userId: leadId }, "lead@ez.example", { "accept-language": "nl" });
      expect(leave.status).toBe(409);
      expect(leave.html).toContain("Een werkruimte heeft minstens één eigenaar nodig.");
      expect(await role(ws, "lead@ez.example")).toBe("owner");
      expect(await auditCount()).toBe(before);
    });

    it("answers bad input with 400 naming the problem, and a form from another site with 403", async () => {
      const before = await auditCount();
      const bad = await post(`/w/${ws}/members`, { intent: "changeRole", userId: await server.userId("expert@fme.example"), role: "emperor" }, "lead@ez.example");
      expect(bad.status).toBe(400);
      expect(bad.html).toContain("Choose one of the roles.");
      const badEmail = await post(`/w/${ws}/members`, { intent: "invite", email: "not-an-address", role: "editor", organisationId: "x" }, "lead@ez.example");
      expect(badEmail.status).toBe(400);
      expect(badEmail.html).toContain("Enter a valid email address.");
      const unknownIntent = await post(`/w/${ws}/members`, { intent: "dropTables" }, "lead@ez.example");
      expect(unknownIntent.status).toBe(400);
      const crossSite = await post(
        `/w/${ws}/members`,
        { intent: "changeRole", userId: await server.userId("expert@fme.example"), role: "owner" },
        "lead@ez.example",
        { origin: "https://evil.example" },
      );
      // Remix refuses an action whose Origin is not this host before it runs.
      expect(crossSite.status).toBeGreaterThanOrEqual(400);
      expect(await role(ws, "expert@fme.example")).toBe("commenter");
      expect(await auditCount()).toBe(before);
    });
  });

  describe("invitations", () => {
    async function invite(email: string, roleName: string, orgCode: string, inviter = "lead@ez.example") {
      const { db, t } = server.database;
      const [org] = await db.select().from(t.organisations).where(eq(t.organisations.shortCode, orgCode));
      const res = await post(`/w/${ws}/members`, { intent: "invite", email, role: roleName, organisationId: org.id }, inviter);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const link = new RegExp(`${server.env.PUBLIC_URL.replace(/[.]/g, "\\.")}/invite/([A-Za-z0-9_-]{43})`).exec(res.html);
      expect(link, "the page shows the invitation link").not.toBeNull();
      expect(res.html, "with a button that copies it").toContain("data-copy-link");
      return link![1];
    }

    it("an invitation accepted by a new person creates them in the right organisation with the right role and signs them in", async () => {
      // An admin may place a new person in another organisation than their own (an owner may not).
      const token = await invite("nieuw@metaalunie.example", "editor", "MU", "admin@overleg.example");
      const page = await get(`/invite/${token}`, null);
      expect(page.status).toBe(200);
      expect(page.html).toContain("Create your account");
      expect(page.html).toContain("Koninklijke Metaalunie");

      const tooShort = await post(`/invite/${token}`, { intent: "create", name: "Nina Nieuw", password: "short", confirm: "short" });
      expect(tooShort.status).toBe(400);
      expect(tooShort.html).toContain("Choose a password of at least 12 characters.");
      const mismatch = await post(`/invite/${token}`, { intent: "create", name: "Nina Nieuw", password: "a-long-enough-password", confirm: "something-else-entirely" });
      expect(mismatch.status).toBe(400);
      expect(mismatch.html).toContain("The two passwords are not the same.");
      const { db, t } = server.database;
      expect(await db.select().from(t.user).where(eq(t.user.email, "nieuw@metaalunie.example"))).toEqual([]);

      const accepted = await post(`/invite/${token}`, { intent: "create", name: "Nina Nieuw", password: "a-long-enough-password", confirm: "a-long-enough-password" });
      expect(accepted.status).toBe(302);
      expect(accepted.location).toBe(`/w/${ws}?welcome=1`);
      const sessionCookie = accepted.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      expect(sessionCookie).toMatch(/session_token=/);
      const me = await server.services.actorFromHeaders(new Headers({ cookie: sessionCookie }));
      expect(me).toMatchObject({ email: "nieuw@metaalunie.example", name: "Nina Nieuw", organisationShortCode: "MU" });
      expect(await role(ws, "nieuw@metaalunie.example")).toBe("editor");
      const workspacePage = await fetch(`${server.url}/w/${ws}`, { headers: { cookie: sessionCookie }, redirect: "manual" });
      expect(workspacePage.status).toBe(200);
      expect(await workspacePage.text()).not.toContain("data-welcome");
      // Where the invitation brings her: welcomed with the workspace and her role, in her language.
      for (const [lang, words] of [
        ["en", ["Welcome to Toegang tot financiering.", "Your role here:", ">Editor<", "You write the sections and comment on them."]],
        ["nl", ["Welkom in Toegang tot financiering.", "Uw rol hier:", ">Bewerker<"]],
      ] as const) {
        const welcome = await fetch(`${server.url}${accepted.location}`, { headers: { cookie: sessionCookie, "accept-language": lang }, redirect: "manual" });
        const html = await welcome.text();
        expect(html).toContain("data-welcome");
        for (const w of words) expect(html.replaceAll("&#x27;", "'"), `${lang}: ${w}`).toContain(w);
      }
      // And she can sign in with the password she chose.
      await server.signIn("nieuw@metaalunie.example", "a-long-enough-password");

      // The link is used now: refused with a clear message, and nothing changes.
      const used = await get(`/invite/${token}`, null);
      expect(used.status).toBe(410);
      expect(used.html).toContain("This invitation has already been used.");
      const again = await post(`/invite/${token}`, { intent: "create", name: "Someone Else", password: "another-long-password", confirm: "another-long-password" });
      expect(again.status).toBe(410);
      expect(again.html).toContain("This invitation has already been used.");
      expect((await db.select().from(t.user).where(eq(t.user.email, "nieuw@metaalunie.example"))).map((u) => u.name)).toEqual(["Nina Nieuw"]);
    });

    it("a revoked token is refused, and an unknown one is not found", async () => {
      const token = await invite("ingetrokken@ez.example", "viewer", "EZ");
      const { db, t } = server.database;
      const [inv] = await db.select().from(t.invitations).where(eq(t.invitations.email, "ingetrokken@ez.example"));
      expect((await post(`/w/${ws}/members`, { intent: "revoke", invitationId: inv.id }, "drafter@kgg.example")).status).toBe(403);
      expect((await post(`/w/${ws}/members`, { intent: "revoke", invitationId: inv.id }, "lead@ez.example")).status).toBe(200);
      const page = await get(`/invite/${token}`, null, "nl");
      expect(page.status).toBe(410);
      expect(page.html).toContain("Deze uitnodiging is ingetrokken.");
      const refused = await post(`/invite/${token}`, { intent: "create", name: "Iemand", password: "a-long-enough-password", confirm: "a-long-enough-password" });
      expect(refused.status).toBe(410);
      expect(await db.select().from(t.user).where(eq(t.user.email, "ingetrokken@ez.example"))).toEqual([]);
      expect((await get(`/invite/${"x".repeat(43)}`, null)).status).toBe(404);
    });

    it("a signed-in person with the invited email joins; someone else signed in is told whose invitation it is", async () => {
      const other = await server.workspaceId("Geschoolde arbeidskrachten");
      const { db, t } = server.database;
      // The lead names their own organisation (the only one offered); the partner keeps theirs.
      const [ez] = await db.select().from(t.organisations).where(eq(t.organisations.shortCode, "EZ"));
      const res = await post(`/w/${other}/members`, { intent: "invite", email: "partner@be.example", role: "commenter", organisationId: ez.id }, "lead@ez.example");
      const token = /\/invite\/([A-Za-z0-9_-]{43})/.exec(res.html)![1];
      const wrong = await get(`/invite/${token}`, "viewer@tno.example");
      expect(wrong.html).toContain("This invitation is for partner@be.example, but you are signed in as viewer@tno.example.");
      expect((await post(`/invite/${token}`, { intent: "accept" }, "viewer@tno.example")).status).toBe(409);
      expect(await role(other, "viewer@tno.example")).toBe("viewer");
      const joined = await post(`/invite/${token}`, { intent: "accept" }, "partner@be.example");
      expect(joined.status).toBe(302);
      expect(joined.location).toBe(`/w/${other}?welcome=1`);
      expect(await role(other, "partner@be.example")).toBe("commenter");
      const partner = await server.services.actorFromHeaders(new Headers({ cookie: await cookie("partner@be.example") }));
      expect(partner?.organisationShortCode, "an existing account keeps its organisation").toBe("BE");
    });
  });

  describe("who may place a new person in which organisation", () => {
    async function org(code: string) {
      const { db, t } = server.database;
      const [row] = await db.select().from(t.organisations).where(eq(t.organisations.shortCode, code));
      return row;
    }
    async function invitationsFor(email: string) {
      const { db, t } = server.database;
      return db.select().from(t.invitations).where(eq(t.invitations.email, email));
    }
    async function account(email: string) {
      const { db, t } = server.database;
      return db.select().from(t.user).where(eq(t.user.email, email));
    }
    const organisationOptions = (html: string) => {
      const select = /<select id="invite-organisation"[\s\S]*?<\/select>/.exec(html)?.[0] ?? "";
      return [...select.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
    };

    it("refuses an owner who invites someone into the minister's office, or into any organisation but their own, and stores nothing", async () => {
      const before = await auditCount();
      for (const [code, expected] of [
        ["MIN", "People of the minister&#x27;s office get their account from an administrator, never through an invitation."],
        ["KGG", "You can invite new people into your own organisation only."],
      ] as const) {
        const email = `mole-${code.toLowerCase()}@example.org`;
        const res = await post(`/w/${ws}/members`, { intent: "invite", email, role: "viewer", organisationId: (await org(code)).id }, "lead@ez.example");
        expect(res.status, code).toBe(403);
        expect(res.html, code).toContain(expected);
        expect(res.html, code).not.toMatch(/\/invite\/[A-Za-z0-9_-]{43}/);
        expect(await invitationsFor(email), code).toEqual([]);
      }
      // Not even an admin puts someone in the minister's office through an invitation.
      const byAdmin = await post(`/w/${ws}/members`, { intent: "invite", email: "mole-admin@example.org", role: "viewer", organisationId: (await org("MIN")).id }, "admin@overleg.example");
      expect(byAdmin.status).toBe(403);
      expect(await invitationsFor("mole-admin@example.org")).toEqual([]);
      expect(await auditCount()).toBe(before);
    });

    it("offers an owner only their own organisation, and an admin every organisation but the minister's office", async () => {
      const ez = await org("EZ");
      const min = await org("MIN");
      const lead = await get(`/w/${ws}/members`, "lead@ez.example");
      expect(organisationOptions(lead.html)).toEqual([ez.id]);
      const admin = await get(`/w/${ws}/members`, "admin@overleg.example");
      const offered = organisationOptions(admin.html);
      const { db, t } = server.database;
      const all = await db.select({ id: t.organisations.id }).from(t.organisations);
      expect(offered.sort()).toEqual(all.map((o) => o.id).filter((id) => id !== min.id).sort());
    });

    it("refuses, when it is accepted, an invitation into the minister's office made before this rule, and creates no account", async () => {
      // As the old code stored it: the lead invited a stranger into the minister's office.
      const { db, t } = server.database;
      const token = "p".repeat(43);
      const id = crypto.randomUUID();
      await db.insert(t.invitations).values({
        id,
        workspaceId: ws,
        email: "mole@example.org",
        role: "viewer",
        organisationId: (await org("MIN")).id,
        tokenHash: hashInvitationToken(token),
        invitedBy: await server.userId("lead@ez.example"),
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
      });
      const res = await post(`/invite/${token}`, { intent: "create", name: "Mole", password: "a-long-enough-password", confirm: "a-long-enough-password" });
      expect(res.status).toBe(403);
      expect(res.html).toContain("This invitation can no longer be used to create an account");
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(await account("mole@example.org")).toEqual([]);
      const [event] = await listAudit(server.database, { limit: 1 });
      expect(event).toMatchObject({ action: "invitation.refused", subjectId: id, data: { code: "office_by_admin_only" } });
      // Still refused on a second try: nothing was used up, nothing was made.
      expect((await post(`/invite/${token}`, { intent: "create", name: "Mole", password: "a-long-enough-password", confirm: "a-long-enough-password" })).status).toBe(403);
      expect(await account("mole@example.org")).toEqual([]);
    });

    it("makes an organisation the minister's office only while nobody belongs to it", async () => {
      const tno = await org("TNO");
      const form = { intent: "update", organisationId: tno.id, name: tno.name, shortCode: tno.shortCode, kind: "minister-office" };
      const refused = await post("/admin/organisations", form, "admin@overleg.example");
      expect(refused.status).toBe(409);
      // The page's form shows the reason by its code (the row's own form, not this plain post, renders it).
      expect(refused.html).toContain("office_kind_needs_empty");
      expect((await org("TNO")).kind).toBe("institute");
      // The viewer of TNO, placed there by no admin decision about the office, gained no office rights.
      expect((await server.services.actorFromHeaders(new Headers({ cookie: await cookie("viewer@tno.example") })))?.organisationKind).toBe("institute");
      // A new, empty organisation may be the office; an admin then places people in it.
      const created = await post("/admin/organisations", { intent: "create", name: "Tweede kabinet", shortCode: "MIN2", kind: "minister-office" }, "admin@overleg.example");
      expect(created.status).toBe(200);
      expect((await org("MIN2")).kind).toBe("minister-office");
    });
  });

  describe("administration", () => {
    it("gives non-admins 403 on every admin page and action, and changes nothing", async () => {
      const before = await auditCount();
      for (const path of ["/admin", "/admin/organisations", "/admin/people", "/admin/audit"]) {
        const page = await get(path, "lead@ez.example");
        expect(page.status, path).toBe(403);
        expect(page.html).toContain("Only administrators can use the administration pages.");
        expect((await get(path, null)).location, path).toMatch(/^\/sign-in/);
        expect((await get(path, "admin@overleg.example")).status, path).toBe(200);
      }
      const viewerId = await server.userId("viewer@tno.example");
      expect((await post("/admin/people", { intent: "disable", userId: viewerId }, "lead@ez.example")).status).toBe(403);
      expect((await post("/admin/people", { intent: "admin", userId: await server.userId("lead@ez.example"), isAdmin: "true" }, "lead@ez.example")).status).toBe(403);
      expect((await post("/admin/organisations", { intent: "create", name: "X", shortCode: "X", kind: "ministry" }, "office@minister.example")).status).toBe(403);
      expect((await server.services.actorFromHeaders(new Headers({ cookie: await cookie("viewer@tno.example") })))?.email).toBe("viewer@tno.example");
      expect((await server.services.actorFromHeaders(new Headers({ cookie: await cookie("lead@ez.example") })))?.isAdmin).toBe(false);
      expect(await auditCount()).toBe(before);
    });

    it("lets an admin create and rename an organisation, refusing a duplicate short code", async () => {
      const created = await post("/admin/organisations", { intent: "create", name: "Frankrijk", shortCode: "fr", kind: "partner-country" }, "admin@overleg.example");
      expect(created.status).toBe(200);
      const { db, t } = server.database;
      const [fr] = await db.select().from(t.organisations).where(eq(t.organisations.shortCode, "FR"));
      expect(fr).toMatchObject({ name: "Frankrijk", kind: "partner-country" });
      const dup = await post("/admin/organisations", { intent: "create", name: "Dubbel", shortCode: "FR", kind: "ministry" }, "admin@overleg.example");
      expect(dup.status).toBe(409);
      expect(dup.html).toContain("Another organisation already has this short code.");
      const renamed = await post("/admin/organisations", { intent: "update", organisationId: fr.id, name: "République française", shortCode: "FR", kind: "partner-country" }, "admin@overleg.example");
      expect(renamed.status).toBe(200);
      expect((await get("/admin/organisations", "admin@overleg.example")).html).toContain("République française");
    });

    it("lets an admin create a person, shown their temporary password once, who can then sign in", async () => {
      const { db, t } = server.database;
      const [tno] = await db.select().from(t.organisations).where(eq(t.organisations.shortCode, "TNO"));
      const res = await post("/admin/people", { intent: "create", email: "onderzoeker@tno.example", name: "Olaf Onderzoeker", organisationId: tno.id }, "admin@overleg.example");
      expect(res.status).toBe(200);
      const password = /id="temporary-password"[^>]*value="([^"]+)"/.exec(res.html)?.[1] ?? /value="([^"]+)"[^>]*id="temporary-password"/.exec(res.html)?.[1];
      expect(password).toBeTruthy();
      const session = await server.signIn("onderzoeker@tno.example", password!);
      expect((await server.services.actorFromHeaders(new Headers({ cookie: session.cookie })))?.organisationShortCode).toBe("TNO");
      expect((await get("/admin/people", "admin@overleg.example")).html).not.toContain(password!);
    });

    it("disabling a person ends their session: their cookie no longer works", async () => {
      const drafter = await server.signIn("drafter@kgg.example");
      const api = () => fetch(`${server.url}/api/v1/workspaces`, { headers: { cookie: drafter.cookie } });
      expect((await api()).status).toBe(200);
      expect((await fetch(`${server.url}/w/${ws}`, { headers: { cookie: drafter.cookie }, redirect: "manual" })).status).toBe(200);

      const res = await post("/admin/people", { intent: "disable", userId: await server.userId("drafter@kgg.example") }, "admin@overleg.example");
      expect(res.status).toBe(200);
      expect((await api()).status).toBe(401);
      const page = await fetch(`${server.url}/w/${ws}`, { headers: { cookie: drafter.cookie }, redirect: "manual" });
      expect(page.status).toBe(302);
      expect(page.headers.get("location")).toMatch(/^\/sign-in/);
      expect((await fetch(`${server.url}/api/v1/workspaces`, { headers: { authorization: `Bearer ${drafter.token}` } })).status).toBe(401);
      const { db, t } = server.database;
      expect(await db.select().from(t.session).where(eq(t.session.userId, await server.userId("drafter@kgg.example")))).toEqual([]);
      const self = await post("/admin/people", { intent: "disable", userId: await server.userId("admin@overleg.example") }, "admin@overleg.example");
      expect(self.status).toBe(409);
      expect(self.html).toContain("You cannot disable your own account.");
    });

    it("shows the audit trail, verifies the chain and points at the first broken link", async () => {
      const intact = await get("/admin/audit?verify=1", "admin@overleg.example");
      expect(intact.status).toBe(200);
      expect(intact.html).toContain('data-verdict="ok"');
      expect(intact.html).toContain("Role changed");
      const verdict = await verifyAuditChain(server.database);
      expect(verdict.ok && verdict.count).toBeGreaterThan(5);

      const { db, t } = server.database;
      await db.update(t.auditEvents).set({ action: "membership.nothing_happened" }).where(eq(t.auditEvents.seq, 3));
      const broken = await get("/admin/audit?verify=1", "admin@overleg.example");
      expect(broken.html).toContain('data-broken-seq="3"');
      expect(broken.html).toContain("The chain is broken at event #3.");
      expect(broken.html).toContain("The content of this event was changed after it was recorded.");
      const around = await get("/admin/audit?verify=1&before=4", "admin@overleg.example");
      expect(around.html).toMatch(/<tr id="event-3" class="is-broken"/);
    });
  });
});
