/**
 * Single sign-on against a real OpenID provider: `oidc-provider`, started here on 127.0.0.1 with its
 * own signing keys and its own login and consent pages, which the test fills in as a person would.
 * An admin configures the providers on /admin/sso; the sign-in page offers them; the person comes back
 * signed in to the right organisation (a new account, or their existing one linked). Refused: a
 * callback whose state is not this browser's, a replayed callback, an unverified email, a provider of
 * another organisation, a domain the provider may not speak for; and a password sign-in of a person
 * whose organisation requires single sign-on.
 */
import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, inArray } from "drizzle-orm";
import Provider from "oidc-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { createInvitation } from "../../server/commands/invitationCreate";
import { DEMO_PASSWORD } from "../../server/seed/content";
import { loadActor } from "../../server/services/access";
import { Jar, visibleText } from "../support/browser-less";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let idp: Server;
let issuer = "";
/** In front of the provider: publishes its metadata under another issuer (a provider that is not who it says). */
let impostor: Server;
let impostorIssuer = "";

/** The people the test provider knows, by the login typed on its page. */
const PEOPLE: Record<string, { email: string; email_verified: boolean; name: string }> = {
  "new-ez": { email: "nieuw@minez.example", email_verified: true, name: "Noor Nieuw" },
  "lead-ez": { email: "lead@ez.example", email_verified: true, name: "Eva de Leeuw" },
  unverified: { email: "onbevestigd@minez.example", email_verified: false, name: "Otto Onbevestigd" },
  "kgg-person": { email: "drafter@kgg.example", email_verified: true, name: "Daan Kramer" },
  "other-domain": { email: "someone@elsewhere.example", email_verified: true, name: "Iemand Anders" },
  "invited-kgg": { email: "uitgenodigd@kgg.example", email_verified: true, name: "Ufuk Uitgenodigd" },
  "ocw-approver": { email: "approver@ocw.example", email_verified: true, name: "Anouk Visser" },
  "ocw-new": { email: "nieuw@ocw.example", email_verified: true, name: "Nina Nieuw" },
};

/** Seconds this server's single sign-on clock runs ahead (an ID token's expiry is judged by it). */
let clockAhead = 0;

beforeAll(async () => {
  ensureBuild();
  idp = createServer();
  await new Promise<void>((resolve) => idp.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  server = await startTestServer({
    remix: "build",
    auth: { ssoNow: () => Date.now() + clockAhead * 1000 },
    // A provider from the configuration, and one for an organisation that does not exist.
    env: {
      SSO_1_NAME: "Rijkspas OCW",
      SSO_1_ISSUER: issuer,
      SSO_1_CLIENT_ID: "overleg-ocw",
      SSO_1_CLIENT_SECRET: "ocw-secret-of-at-least-32-characters!",
      SSO_1_DOMAINS: "ocw.example",
      SSO_1_ORGANISATION: "OCW",
      SSO_1_CREATE_PEOPLE: "false",
      SSO_2_NAME: "Rijkspas Nergens",
      SSO_2_ISSUER: issuer,
      SSO_2_CLIENT_ID: "overleg-nergens",
      SSO_2_CLIENT_SECRET: "x",
      SSO_2_DOMAINS: "nergens.example",
      SSO_2_ORGANISATION: "NERGENS",
    },
  });
  const callback = `${server.url}/api/auth/sso/callback`;
  const oidc = new Provider(issuer, {
    clients: [
      { client_id: "overleg-ez", client_secret: "ez-secret-of-at-least-32-characters!!", redirect_uris: [callback], grant_types: ["authorization_code"], response_types: ["code"] },
      { client_id: "overleg-kgg", client_secret: "kgg-secret-of-at-least-32-characters!", redirect_uris: [callback], grant_types: ["authorization_code"], response_types: ["code"] },
      { client_id: "overleg-ocw", client_secret: "ocw-secret-of-at-least-32-characters!", redirect_uris: [callback], grant_types: ["authorization_code"], response_types: ["code"] },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    async findAccount(_ctx, sub) {
      const who = PEOPLE[sub];
      return who ? { accountId: sub, claims: async () => ({ sub, ...who }) } : undefined;
    },
    cookies: { keys: ["test-cookie-key-for-the-provider"] },
    // Its own signing key, made for this run.
    jwks: { keys: [{ ...generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }), kid: "test-key", alg: "RS256", use: "sig" }] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    pkce: { required: () => true },
  });
  idp.on("request", oidc.callback());
  impostor = createServer((req, res) => {
    void (async () => {
      if (req.url !== "/.well-known/openid-configuration") return res.writeHead(404).end();
      const metadata = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ...metadata, issuer: impostorIssuer }));
    })();
  });
  await new Promise<void>((resolve) => impostor.listen(0, "127.0.0.1", resolve));
  impostorIssuer = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
}, 300_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (idp ? idp.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (impostor ? impostor.close(() => resolve()) : resolve()));
  await server?.stop();
});

async function orgId(shortCode: string): Promise<string> {
  const { db, t } = server.database;
  return (await db.select({ id: t.organisations.id }).from(t.organisations).where(eq(t.organisations.shortCode, shortCode)))[0].id;
}

/** An admin adds a provider on /admin/sso; returns its id. */
async function addProvider(admin: Jar, fields: Record<string, string>): Promise<string> {
  const res = await admin.post("/admin/sso", { intent: "save", createPeople: "on", enabled: "on", ...fields });
  expect(res.status, await res.clone().text().then((h) => visibleText(h).slice(0, 400))).toBe(200);
  const { db, t } = server.database;
  return (await db.select({ id: t.ssoProviders.id }).from(t.ssoProviders).where(eq(t.ssoProviders.name, fields.name)))[0].id;
}

/**
 * From Overleg's start to the provider and back: the person types `login` on the provider's login
 * page and accepts its consent page. Returns the callback address the provider sends the browser to.
 */
async function throughProvider(jar: Jar, start: string, login: string): Promise<string> {
  let res = await jar.get(start);
  expect(res.status).toBe(302);
  let location = res.headers.get("location") ?? "";
  expect(location.startsWith(`${issuer}/auth?`)).toBe(true);
  const url = new URL(location);
  // The code flow with PKCE, state and nonce.
  expect(url.searchParams.get("response_type")).toBe("code");
  expect(url.searchParams.get("code_challenge_method")).toBe("S256");
  expect(url.searchParams.get("state")).toBeTruthy();
  expect(url.searchParams.get("nonce")).toBeTruthy();
  const browser = new Jar(issuer);
  for (let i = 0; i < 12; i++) {
    if (location.startsWith(server.url)) return location;
    res = await browser.get(location);
    if (res.status >= 300 && res.status < 400) {
      location = new URL(res.headers.get("location") ?? "", issuer).href;
      continue;
    }
    const html = await res.text();
    expect(res.status, html.slice(0, 500)).toBe(200);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1] ?? "";
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1] ?? "";
    const fields: Record<string, string> = prompt === "login" ? { prompt, login, password: "anything" } : { prompt };
    res = await browser.post(action, fields);
    expect(res.status).toBeGreaterThanOrEqual(300);
    location = new URL(res.headers.get("location") ?? "", issuer).href;
  }
  throw new Error("the provider did not send the browser back");
}

/** The whole sign-in; returns where Overleg sends the browser at the end. */
async function signInThrough(jar: Jar, start: string, login: string): Promise<string> {
  const back = await throughProvider(jar, start, login);
  const res = await jar.get(back);
  expect(res.status).toBe(302);
  return res.headers.get("location") ?? "";
}

let ezProvider = "";
let kggProvider = "";

describe("single sign-on", () => {
  it("is configured by an admin per organisation, its secret never shown, and offered on the sign-in page", async () => {
    const admin = new Jar(server.url);
    await admin.signIn("admin@overleg.example", DEMO_PASSWORD);
    // Not by someone who is not an admin.
    const viewer = new Jar(server.url);
    await viewer.signIn("viewer@tno.example", DEMO_PASSWORD);
    expect((await viewer.post("/admin/sso", { intent: "save", name: "X" })).status).toBe(403);
    // Bad input is refused field by field, and nothing is stored.
    const bad = await admin.post("/admin/sso", { intent: "save", organisationId: await orgId("EZ"), name: "EZ", issuer: "http://idp.example", clientId: "a", clientSecret: "b", domains: "not a domain" });
    expect(bad.status).toBe(400);
    const badText = visibleText(await bad.text());
    expect(badText).toContain("Give the issuer as an https:// address");
    expect(badText).toContain("Give email domains such as minez.nl.");
    expect(await server.database.db.select().from(server.database.t.ssoProviders)).toEqual([]);

    ezProvider = await addProvider(admin, {
      organisationId: await orgId("EZ"),
      name: "Rijkspas EZ",
      issuer,
      clientId: "overleg-ez",
      clientSecret: "ez-secret-of-at-least-32-characters!!",
      domains: "minez.example, ez.example",
    });
    kggProvider = await addProvider(admin, {
      organisationId: await orgId("KGG"),
      name: "Rijkspas KGG",
      issuer,
      clientId: "overleg-kgg",
      clientSecret: "kgg-secret-of-at-least-32-characters!",
      domains: "kgg.example",
    });
    // A domain belongs to one organisation.
    const taken = await admin.post("/admin/sso", { intent: "save", organisationId: await orgId("OCW"), name: "OCW", issuer, clientId: "c", clientSecret: "d", domains: "ez.example" });
    expect(taken.status).toBe(409);
    expect(visibleText(await taken.text())).toContain("Another organisation's provider already speaks for one of these domains.");

    const page = await admin.get("/admin/sso");
    const html = await page.text();
    expect(html).toContain("Rijkspas EZ");
    expect(html).not.toContain("ez-secret-of-at-least-32-characters");
    const [stored] = await server.database.db.select({ secret: server.database.t.ssoProviders.clientSecret }).from(server.database.t.ssoProviders).where(eq(server.database.t.ssoProviders.id, ezProvider));
    expect(stored.secret).not.toContain("ez-secret");

    const signInPage = visibleText(await (await new Jar(server.url).get("/sign-in")).text());
    expect(signInPage).toContain("Sign in with Rijkspas EZ");
    expect(signInPage).toContain("Sign in with Rijkspas KGG");
    // "Continue with my organisation" finds the provider of a work email's domain, and offers it as a link.
    const found = await (await new Jar(server.url).get("/sign-in?ssoEmail=Someone%40MinEZ.example&redirectTo=%2Fagenda")).text();
    expect(found).toContain(`href="/api/auth/sso/start?provider=${ezProvider}&amp;redirectTo=%2Fagenda"`);
    const notFound = visibleText(await (await new Jar(server.url).get("/sign-in?ssoEmail=someone%40elsewhere.example")).text());
    expect(notFound).toContain("No organisation signs people in through its own account with this email address.");
  });

  it("creates a person of a configured domain in the provider's organisation on first sign-in, and finds them again after", async () => {
    const jar = new Jar(server.url);
    const to = await signInThrough(jar, `/api/auth/sso/start?provider=${ezProvider}&redirectTo=%2Fagenda`, "new-ez");
    expect(to).toBe("/agenda");
    expect((await jar.get("/api/v1/workspaces")).status).toBe(200);
    const { db, t } = server.database;
    const [person] = await db.select({ id: t.user.id, organisationId: t.user.organisationId, name: t.user.name, verified: t.user.emailVerified }).from(t.user).where(eq(t.user.email, "nieuw@minez.example"));
    expect(person).toMatchObject({ organisationId: await orgId("EZ"), name: "Noor Nieuw", verified: true });
    // Again, through the email-domain lookup: the same person, not a second account.
    const again = new Jar(server.url);
    expect(await signInThrough(again, "/api/auth/sso/start?email=nieuw%40minez.example", "new-ez")).toBe("/");
    expect((await db.select({ id: t.user.id }).from(t.user).where(eq(t.user.email, "nieuw@minez.example"))).length).toBe(1);
    const audit = await db.select({ action: t.auditEvents.action }).from(t.auditEvents).where(eq(t.auditEvents.subjectId, person.id));
    expect(audit.map((a) => a.action)).toEqual(["sso.person_created"]);
  });

  it("links a person who has a password account with the same verified email: one account, never two", async () => {
    const { db, t } = server.database;
    const leadId = await server.userId("lead@ez.example");
    const jar = new Jar(server.url);
    expect(await signInThrough(jar, `/api/auth/sso/start?provider=${ezProvider}`, "lead-ez")).toBe("/");
    const me = await jar.get("/api/v1/workspaces");
    expect(me.status).toBe(200);
    const accounts = await db.select({ providerId: t.account.providerId }).from(t.account).where(eq(t.account.userId, leadId));
    expect(accounts.map((a) => a.providerId).sort()).toEqual(["credential", `sso:${ezProvider}`]);
    expect((await db.select({ id: t.user.id }).from(t.user).where(eq(t.user.email, "lead@ez.example"))).length).toBe(1);
  });

  it("refuses a callback whose state is not this browser's, and a callback used twice", async () => {
    const jar = new Jar(server.url);
    const back = await throughProvider(jar, `/api/auth/sso/start?provider=${ezProvider}`, "new-ez");
    // Another browser (no state cookie) brings the same answer: refused, no session.
    const other = new Jar(server.url);
    const stolen = await other.get(back);
    expect(stolen.headers.get("location")).toBe("/sign-in?sso=state");
    expect((await other.get("/api/v1/workspaces")).status).toBe(401);
    // A state changed along the way: refused.
    const changed = new URL(back);
    changed.searchParams.set("state", "forged-state-value");
    expect((await jar.get(changed.href)).headers.get("location")).toBe("/sign-in?sso=state");
    // The sign-in page says it in words.
    expect(visibleText(await (await jar.get("/sign-in?sso=state")).text())).toContain("This sign-in could not be completed");

    // A complete sign-in, then the same callback again (a replay): refused.
    const fresh = new Jar(server.url);
    const answer = await throughProvider(fresh, `/api/auth/sso/start?provider=${ezProvider}`, "new-ez");
    const state = fresh.cookies.get("overleg_sso_state") ?? "";
    expect((await fresh.get(answer)).headers.get("location")).toBe("/");
    const replay = new Jar(server.url);
    replay.cookies.set("overleg_sso_state", state);
    expect((await replay.get(answer)).headers.get("location")).toBe("/sign-in?sso=state");
    expect((await replay.get("/api/v1/workspaces")).status).toBe(401);
  });

  it("refuses an ID token from another issuer than the provider's, and a code issued to another client", async () => {
    const { db, t } = server.database;
    const admin = new Jar(server.url);
    await admin.signIn("admin@overleg.example", DEMO_PASSWORD);
    // Its metadata names this issuer, but the tokens come from the real one.
    const fake = await addProvider(admin, { organisationId: await orgId("SZW"), name: "Nep", issuer: impostorIssuer, clientId: "overleg-ez", clientSecret: "ez-secret-of-at-least-32-characters!!", domains: "szw.example" });
    const jar = new Jar(server.url);
    expect(await signInThrough(jar, `/api/auth/sso/start?provider=${fake}`, "new-ez")).toBe("/sign-in?sso=provider_failed");
    expect((await jar.get("/api/v1/workspaces")).status).toBe(401);
    expect(visibleText(await (await jar.get("/sign-in?sso=provider_failed")).text())).toContain("did not confirm who you are");
    await admin.post("/admin/sso", { intent: "remove", id: fake });

    // A code the provider gave to the EZ client, redeemed as the KGG client: refused.
    const other = new Jar(server.url);
    const back = await throughProvider(other, `/api/auth/sso/start?provider=${ezProvider}`, "kgg-person");
    const state = new URL(back).searchParams.get("state") ?? "";
    const [row] = await db.select().from(t.verification).where(eq(t.verification.identifier, `sso:${state}`));
    await db.update(t.verification).set({ value: JSON.stringify({ ...JSON.parse(row.value), providerId: kggProvider }) }).where(eq(t.verification.id, row.id));
    expect((await other.get(back)).headers.get("location")).toBe("/sign-in?sso=provider_failed");
    expect((await other.get("/api/v1/workspaces")).status).toBe(401);
  });

  it("holds a person with TOTP at the code page after single sign-on: the provider's sign-in is not their second factor", async () => {
    const { db, t } = server.database;
    await db.update(t.user).set({ twoFactorEnabled: true }).where(eq(t.user.email, "lead@ez.example"));
    try {
      const jar = new Jar(server.url);
      expect(await signInThrough(jar, `/api/auth/sso/start?provider=${ezProvider}&redirectTo=%2Fagenda`, "lead-ez")).toBe("/agenda");
      const held = await jar.get("/agenda");
      expect(held.status).toBe(302);
      expect(held.headers.get("location")).toMatch(/^\/sign-in\/two-factor/);
      expect((await jar.get("/api/v1/workspaces")).status).toBe(401);
      expect((await jar.get("/sign-in/two-factor")).status).toBe(200);
    } finally {
      await db.update(t.user).set({ twoFactorEnabled: false }).where(eq(t.user.email, "lead@ez.example"));
    }
  });

  it("lets an invitation be accepted through single sign-on, where the provider creates nobody by itself", async () => {
    const { db, t } = server.database;
    await db.update(t.ssoProviders).set({ createPeople: false, updatedAt: new Date() }).where(eq(t.ssoProviders.id, kggProvider));
    try {
      // Without an invitation: no account, and none is made.
      const uninvited = new Jar(server.url);
      expect(await signInThrough(uninvited, `/api/auth/sso/start?provider=${kggProvider}`, "invited-kgg")).toBe("/sign-in?sso=no_account");
      expect(await db.select().from(t.user).where(eq(t.user.email, "uitgenodigd@kgg.example"))).toEqual([]);

      const admin = (await loadActor(server.database, await server.userId("admin@overleg.example")))!;
      const invite = await createInvitation(server.services, { actor: admin, workspaceId: await server.workspaceId("Toegang tot financiering"), email: "uitgenodigd@kgg.example", role: "commenter", organisationId: await orgId("KGG") });
      const jar = new Jar(server.url);
      const page = await (await jar.get(`/invite/${invite.token}`)).text();
      expect(visibleText(page)).toContain("Accept with Rijkspas KGG");
      const start = /href="(\/api\/auth\/sso\/start\?[^"]+)"/.exec(page)?.[1]?.replace(/&amp;/g, "&") ?? "";
      expect(start).toContain("invitation=");
      expect(await signInThrough(jar, start, "invited-kgg")).toBe(`/invite/${invite.token}`);
      const [person] = await db.select({ organisationId: t.user.organisationId }).from(t.user).where(eq(t.user.email, "uitgenodigd@kgg.example"));
      expect(person.organisationId).toBe(await orgId("KGG"));
      // Back on the invitation, signed in as the invited person: it is accepted as for anyone signed in.
      const back = visibleText(await (await jar.get(`/invite/${invite.token}`)).text());
      expect(back).not.toContain("Accept with Rijkspas KGG");
    } finally {
      await db.update(t.ssoProviders).set({ createPeople: true, updatedAt: new Date() }).where(eq(t.ssoProviders.id, kggProvider));
    }
  });

  it("offers a provider from the configuration, shown read-only on /admin/sso, which signs people in like any other", async () => {
    const admin = new Jar(server.url);
    await admin.signIn("admin@overleg.example", DEMO_PASSWORD);
    const page = await (await admin.get("/admin/sso")).text();
    const text = visibleText(page);
    expect(text).toContain("Rijkspas OCW");
    expect(text).toContain("From the configuration (SSO_1_… variables): change it there, not here.");
    expect(page).not.toContain("ocw-secret-of-at-least-32-characters");
    // Its organisation is named by short code; one that does not exist is said, and the provider offered nowhere.
    expect(text).toContain("Rijkspas Nergens (SSO_2_… in the configuration) is not offered: no organisation has the short code “NERGENS”.");
    const signInPage = visibleText(await (await new Jar(server.url).get("/sign-in")).text());
    expect(signInPage).toContain("Sign in with Rijkspas OCW");
    expect(signInPage).not.toContain("Rijkspas Nergens");
    // Not changed or removed from the page.
    const change = await admin.post("/admin/sso", { intent: "save", id: "config-1", organisationId: await orgId("OCW"), name: "Anders", issuer, clientId: "overleg-ocw", clientSecret: "", domains: "ocw.example" });
    expect(change.status).toBe(409);
    expect(visibleText(await change.text())).toContain("This provider comes from the configuration");
    expect((await admin.post("/admin/sso", { intent: "remove", id: "config-1" })).status).toBe(409);
    // Its domain is its own: an admin cannot give it to another organisation.
    const taken = await admin.post("/admin/sso", { intent: "save", organisationId: await orgId("TNO"), name: "TNO", issuer, clientId: "c", clientSecret: "d", domains: "ocw.example" });
    expect(taken.status).toBe(409);

    // An existing person of OCW is linked and signed in, through the domain lookup too.
    const { db, t } = server.database;
    const jar = new Jar(server.url);
    expect(await signInThrough(jar, "/api/auth/sso/start?email=approver%40ocw.example", "ocw-approver")).toBe("/");
    expect((await jar.get("/api/v1/workspaces")).status).toBe(200);
    const accounts = await db.select({ providerId: t.account.providerId }).from(t.account).where(eq(t.account.userId, await server.userId("approver@ocw.example")));
    expect(accounts.map((a) => a.providerId).sort()).toEqual(["credential", "sso:config-1"]);
    // It creates nobody (SSO_1_CREATE_PEOPLE=false).
    const stranger = new Jar(server.url);
    expect(await signInThrough(stranger, "/api/auth/sso/start?provider=config-1", "ocw-new")).toBe("/sign-in?sso=no_account");
    expect(await db.select().from(t.user).where(eq(t.user.email, "nieuw@ocw.example"))).toEqual([]);
  });

  it("refuses an expired ID token: judged by this server's clock, past its expiry and the tolerance", async () => {
    // The provider's ID tokens live 600 s; openid-client allows 30 s of clock difference.
    try {
      clockAhead = 500;
      const inTime = new Jar(server.url);
      expect(await signInThrough(inTime, `/api/auth/sso/start?provider=${ezProvider}`, "new-ez")).toBe("/");
      clockAhead = 700;
      const late = new Jar(server.url);
      expect(await signInThrough(late, `/api/auth/sso/start?provider=${ezProvider}`, "new-ez")).toBe("/sign-in?sso=provider_failed");
      expect((await late.get("/api/v1/workspaces")).status).toBe(401);
    } finally {
      clockAhead = 0;
    }
  });

  it("refuses an email the provider has not verified", async () => {
    const jar = new Jar(server.url);
    expect(await signInThrough(jar, `/api/auth/sso/start?provider=${ezProvider}`, "unverified")).toBe("/sign-in?sso=email_unverified");
    expect((await jar.get("/api/v1/workspaces")).status).toBe(401);
    const { db, t } = server.database;
    expect(await db.select().from(t.user).where(eq(t.user.email, "onbevestigd@minez.example"))).toEqual([]);
    expect(visibleText(await (await jar.get("/sign-in?sso=email_unverified")).text())).toContain("has not verified your email address");
  });

  it("does not let a provider of another organisation sign someone into this one, nor speak for a domain not its own", async () => {
    const { db, t } = server.database;
    // The KGG provider asserts a person of EZ: the domain is not KGG's.
    const jar = new Jar(server.url);
    expect(await signInThrough(jar, `/api/auth/sso/start?provider=${kggProvider}`, "lead-ez")).toBe("/sign-in?sso=domain");
    expect((await jar.get("/api/v1/workspaces")).status).toBe(401);
    // Even for its own domain, a person who belongs to another organisation is not signed in by it.
    await db.update(t.user).set({ organisationId: await orgId("EZ") }).where(eq(t.user.email, "drafter@kgg.example"));
    try {
      const moved = new Jar(server.url);
      expect(await signInThrough(moved, `/api/auth/sso/start?provider=${kggProvider}`, "kgg-person")).toBe("/sign-in?sso=other_organisation");
      expect((await moved.get("/api/v1/workspaces")).status).toBe(401);
    } finally {
      await db.update(t.user).set({ organisationId: await orgId("KGG") }).where(eq(t.user.email, "drafter@kgg.example"));
    }
    // A domain no provider speaks for.
    const nobody = new Jar(server.url);
    expect(await signInThrough(nobody, `/api/auth/sso/start?provider=${ezProvider}`, "other-domain")).toBe("/sign-in?sso=domain");
    expect((await new Jar(server.url).get("/api/auth/sso/start?email=someone%40elsewhere.example")).headers.get("location")).toBe("/sign-in?sso=no_provider");
    // Nobody it refused was linked to it.
    const refusedPeople = [await server.userId("lead@ez.example"), await server.userId("drafter@kgg.example")];
    expect(await db.select().from(t.account).where(and(eq(t.account.providerId, `sso:${kggProvider}`), inArray(t.account.userId, refusedPeople)))).toEqual([]);
  });

  it("refuses a password sign-in of a person whose organisation requires single sign-on, with a clear message", async () => {
    const admin = new Jar(server.url);
    await admin.signIn("admin@overleg.example", DEMO_PASSWORD);
    // Not for an organisation without a provider.
    const none = await admin.post("/admin/sso", { intent: "required", organisationId: await orgId("TNO"), required: "true" });
    expect(none.status).toBe(409);
    expect((await admin.post("/admin/sso", { intent: "required", organisationId: await orgId("EZ"), required: "true" })).status).toBe(200);
    try {
      const jar = new Jar(server.url);
      const refused = await jar.post("/sign-in", { email: "lead@ez.example", password: DEMO_PASSWORD });
      expect(refused.status).toBe(403);
      expect(visibleText(await refused.text())).toContain("Your organisation signs you in through its own account.");
      expect((await jar.get("/api/v1/workspaces")).status).toBe(401);
      // Single sign-on still works.
      expect(await signInThrough(jar, `/api/auth/sso/start?provider=${ezProvider}`, "lead-ez")).toBe("/");
      expect((await jar.get("/api/v1/workspaces")).status).toBe(200);
      // People of other organisations still use their password.
      expect((await new Jar(server.url).signIn("drafter@kgg.example", DEMO_PASSWORD)).status).toBe(200);
      // Its only provider is not removed while it is required (nobody could sign in).
      const locking = await admin.post("/admin/sso", { intent: "remove", id: ezProvider });
      expect(locking.status).toBe(409);
      expect(visibleText(await locking.text())).toContain("This organisation requires single sign-on: allow passwords again first");
      expect((await server.database.db.select().from(server.database.t.ssoProviders).where(eq(server.database.t.ssoProviders.id, ezProvider))).length).toBe(1);
    } finally {
      expect((await admin.post("/admin/sso", { intent: "required", organisationId: await orgId("EZ"), required: "false" })).status).toBe(200);
    }
  });
});
