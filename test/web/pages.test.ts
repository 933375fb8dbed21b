/**
 * The web app as a person sees it: real server, built Remix app, demo data, pages fetched with the
 * demo people's session cookies.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import * as Y from "yjs";
import { workspaces as seedWorkspaces, defaultRoles } from "../../server/seed/content";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { loadStoredDoc } from "../../server/services/section-text";
import { startTestServer, type TestServer } from "../support/server";
import { WS } from "../support/fixtures";

let server: TestServer;
const cookies = new Map<string, string>();

beforeAll(async () => {
  ensureBuild();
  server = await startTestServer({ remix: "build" });
}, 300_000);

afterAll(async () => {
  await server?.stop();
});

async function cookieFor(email: string): Promise<string> {
  if (!cookies.has(email)) cookies.set(email, (await server.signIn(email)).cookie);
  return cookies.get(email)!;
}

async function page(path: string, email?: string, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { "accept-language": "nl", ...extra };
  if (email) headers.cookie = [await cookieFor(email), extra.cookie].filter(Boolean).join("; ");
  const res = await fetch(`${server.url}${path}`, { headers, redirect: "manual" });
  return { status: res.status, location: res.headers.get("location"), html: await res.text(), headers: res.headers };
}

function post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url, "accept-language": "nl", ...headers },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
}

/** The workspace titles on the dashboard, as links. */
function dashboardTitles(html: string): string[] {
  return [...html.matchAll(/<h3 class="workspace-card__title"><a[^>]*>([^<]*)<\/a>/g)].map((m) => decode(m[1]));
}

function decode(text: string): string {
  return text.replace(/&amp;/g, "&").replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">");
}

/** Visible text, roughly: tags removed, whitespace collapsed. */
function text(html: string): string {
  const body = html.replace(/<script[\s\S]*?<\/script>/g, "").replace(/<!-- -->/g, "");
  return decode(body.replace(/<[^>]+>/g, " ").replace(/\s+/g, " "));
}

/** Where each demo person is a member, from the seed data (roles, not rules). */
function memberOf(email: string): string[] {
  return seedWorkspaces
    .filter((w) => {
      const role = w.roles && email in w.roles ? w.roles[email] : defaultRoles[email];
      return role !== null && role !== undefined;
    })
    .map((w) => w.title);
}

describe("dashboard", () => {
  it("sends a signed-out visitor to the sign-in page, remembering where they were going", async () => {
    expect((await page("/")).location).toBe("/sign-in");
    const deep = await page("/s/some-section?tab=text");
    expect(deep.status).toBe(302);
    expect(deep.location).toBe(`/sign-in?redirectTo=${encodeURIComponent("/s/some-section?tab=text")}`);
  });

  it("shows each demo person exactly the workspaces their role allows", async () => {
    const all = seedWorkspaces.map((w) => w.title);
    expect(all).toHaveLength(11);
    const expected: Record<string, string[]> = {
      "lead@ez.example": all,
      "partner@be.example": [WS.crossBorder],
      "approver@ocw.example": [WS.labour],
      "viewer@tno.example": memberOf("viewer@tno.example"),
      "drafter@kgg.example": memberOf("drafter@kgg.example"),
      "expert@fme.example": memberOf("expert@fme.example"),
      // The minister's office signs off everywhere, so it sees every workspace.
      "office@minister.example": all,
    };
    for (const [email, titles] of Object.entries(expected)) {
      const { status, html } = await page("/", email);
      expect(status, email).toBe(200);
      expect(dashboardTitles(html).sort(), email).toEqual([...titles].sort());
    }
  });

  it("shows the lead organisation, the deadline with days left, and sections by status", async () => {
    const { html } = await page("/", "partner@be.example");
    const visible = text(html);
    expect(visible).toContain("Pieter Claes");
    expect(visible).toContain("België");
    expect(visible).toMatch(/Deadline \d{1,2} september \d{4} \((nog \d+ dag(en)?|vandaag|\d+ dag(en)? verstreken)\)/);
    expect(visible).toMatch(/Trekker Ministerie van Economische Zaken/);
    expect(visible).toMatch(/\d+ Concept/);
    expect(visible).toContain("Commentator");
  });
});

describe("workspace page", () => {
  it("lists the sections in order and the members with their roles", async () => {
    const id = await server.workspaceId(WS.financing);
    const { status, html } = await page(`/w/${id}`, "drafter@kgg.example");
    expect(status).toBe(200);
    const visible = text(html);
    expect(visible).toContain(WS.financing);
    const sectionIds = await server.sectionIds(WS.financing);
    const shown = [...html.matchAll(/data-section-id="([^"]+)"/g)].map((m) => m[1]);
    expect(shown).toEqual(sectionIds);
    expect(visible).toMatch(/Eva de Leeuw Ministerie van Economische Zaken Eigenaar/);
    expect(visible).toMatch(/Daan Kramer \(u\) Ministerie van Klimaat en Groene Groei Bewerker/);
    expect(visible).toMatch(/Vera Jansen TNO Lezer/);
    expect(visible).not.toContain("Pieter Claes");
  });

  it("links to member management only for those the policy lets manage members", async () => {
    const id = await server.workspaceId(WS.financing);
    expect((await page(`/w/${id}`, "lead@ez.example")).html).toContain(`href="/w/${id}/members"`);
    expect((await page(`/w/${id}`, "drafter@kgg.example")).html).not.toContain(`/w/${id}/members`);
    expect((await page(`/w/${id}`, "viewer@tno.example")).html).not.toContain(`/w/${id}/members`);
  });

  it("refuses a workspace the person is not in with 403 and says why", async () => {
    const id = await server.workspaceId(WS.financing);
    const { status, html } = await page(`/w/${id}`, "partner@be.example");
    expect(status).toBe(403);
    expect(text(html)).toContain("U bent geen lid van deze werkruimte");
    expect(html).toContain('href="/"');
    expect(text(html)).not.toContain("Eva de Leeuw");
  });

  it("answers 404 for an unknown workspace", async () => {
    const { status, html } = await page("/w/no-such-workspace", "lead@ez.example");
    expect(status).toBe(404);
    expect(text(html)).toContain("Er is geen werkruimte met dit adres");
  });
});

describe("section page", () => {
  it("shows breadcrumbs, status, the stored text and what the person may do", async () => {
    const [, second] = await server.sectionIds(WS.financing);
    const { status, html } = await page(`/s/${second}`, "viewer@tno.example");
    expect(status).toBe(200);
    const visible = text(html);
    expect(visible).toMatch(/Mijn werkruimtes › Toegang tot financiering › Aanbeveling|Mijn werkruimtes Toegang tot financiering Aanbeveling/);
    expect(visible).toContain("Concept");
    expect(visible).toContain("TNO adviseert om toegang tot voldoende financiering");
    // One line: the role and only what the person may do; the review button only for those who act there.
    expect(html).toContain('data-ability="section.view" data-allowed="true"');
    expect(html).not.toContain('data-ability="section.edit"');
    expect(html).not.toContain('data-ability="section.comment"');
    expect(html).toContain("data-abilities");
    expect(visible).toMatch(/Lezer · u mag lezen, exporteren\./);
    expect(html).not.toContain('data-link="review"');

    const asDrafter = await page(`/s/${second}`, "drafter@kgg.example");
    expect(asDrafter.html).toContain('data-ability="section.edit" data-allowed="true"');
    expect(asDrafter.html).toContain('data-link="review"');
  });

  it("renders stored text as text: markup and script links in a section cannot reach the page", async () => {
    const [sectionId] = await server.sectionIds(WS.infrastructure);
    const doc = await loadStoredDoc(server.database, sectionId);
    const updates: Uint8Array[] = [];
    doc.on("update", (update: Uint8Array) => updates.push(update));
    const paragraph = new Y.XmlElement("paragraph");
    const run = new Y.XmlText();
    run.insert(0, '<img src=x onerror="alert(1)"> ');
    run.insert(run.length, "klik hier", { link: { href: "javascript:alert(2)" } });
    paragraph.insert(0, [run]);
    doc.getXmlFragment("default").push([paragraph]);
    const { db, t } = server.database;
    await db.insert(t.yjsUpdates).values({ sectionId, data: Buffer.from(Y.mergeUpdates(updates)) });

    const { status, html } = await page(`/s/${sectionId}`, "lead@ez.example");
    expect(status).toBe(200);
    expect(html).toContain("&lt;img src=x onerror=");
    expect(html).not.toMatch(/<img[^>]*onerror/);
    expect(html).not.toContain("javascript:alert(2)");
    expect(text(html)).toContain("klik hier");
  });

  it("answers 404 for an unknown section id, with a way back", async () => {
    const { status, html } = await page("/s/00000000-0000-0000-0000-000000000000", "lead@ez.example");
    expect(status).toBe(404);
    expect(text(html)).toContain("Niet gevonden");
    expect(text(html)).toContain("Er is geen sectie met dit adres");
    expect(html).toMatch(/<a[^>]*href="\/"[^>]*>Terug naar mijn werkruimtes<\/a>/);
  });

  it("refuses a partner opening another workspace's section with 403 and the reason", async () => {
    const [sectionId] = await server.sectionIds(WS.financing);
    const { status, html } = await page(`/s/${sectionId}`, "partner@be.example");
    expect(status).toBe(403);
    const visible = text(html);
    expect(visible).toContain("Geen toegang");
    expect(visible).toContain("U bent geen lid van de werkruimte waar deze sectie bij hoort");
    expect(visible).not.toContain("TNO adviseert");

    const english = await page(`/s/${sectionId}`, "partner@be.example", { "accept-language": "en" });
    expect(english.status).toBe(403);
    expect(text(english.html)).toContain("You are not a member of the workspace this section belongs to");
  });

  it("lets the partner open a section of their own workspace", async () => {
    const [sectionId] = await server.sectionIds(WS.crossBorder);
    const { status, html } = await page(`/s/${sectionId}`, "partner@be.example");
    expect(status).toBe(200);
    expect(html).toContain('data-ability="section.comment" data-allowed="true"');
    expect(html).not.toContain('data-ability="section.edit"');
  });
});

describe("sign-in and sign-out", () => {
  it("shows the demo accounts and their password outside production", async () => {
    const { status, html } = await page("/sign-in");
    expect(status).toBe(200);
    expect(html).toMatch(/<label for="email">E-mailadres<\/label>/);
    expect(html).toMatch(/<label for="password">Wachtwoord<\/label>/);
    expect(text(html)).toContain("overleg-demo-2026");
    expect(text(html)).toContain("partner@be.example");
  });

  it("with a wrong password shows an error and sets no cookie", async () => {
    const res = await post("/sign-in", { email: "lead@ez.example", password: "not-the-password" });
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie()).toEqual([]);
    const html = await res.text();
    expect(html).toMatch(/role="alert"[^>]*>Het e-mailadres of wachtwoord klopt niet\./);
    expect(html).toContain('value="lead@ez.example"');
  });

  it("for a disabled account says so and sets no cookie", async () => {
    const { db, t } = server.database;
    const id = await server.userId("expert@fme.example");
    await db.update(t.user).set({ disabledAt: new Date() }).where(eq(t.user.id, id));
    try {
      const res = await post("/sign-in", { email: "expert@fme.example", password: "overleg-demo-2026" });
      expect(res.status).toBe(403);
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(text(await res.text())).toContain("Dit account is uitgeschakeld.");
    } finally {
      await db.update(t.user).set({ disabledAt: null }).where(eq(t.user.id, id));
    }
  });

  it("with a malformed form says what is wrong and sets no cookie", async () => {
    const res = await post("/sign-in", { email: "not-an-address", password: "" });
    expect(res.status).toBe(400);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(text(await res.text())).toContain("Vul een geldig e-mailadres en uw wachtwoord in.");
  });

  it("with the right password sets the session cookie and goes where the person was going", async () => {
    const res = await post("/sign-in", { email: "viewer@tno.example", password: "overleg-demo-2026", redirectTo: "/w/abc" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/w/abc");
    const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    expect(cookie).toMatch(/session_token=/);
    const home = await fetch(`${server.url}/`, { headers: { cookie }, redirect: "manual" });
    expect(home.status).toBe(200);
    expect(text(await home.text())).toContain("Vera Jansen");
  });

  it("never redirects to another site after sign-in", async () => {
    for (const redirectTo of ["//evil.example/", "https://evil.example/", "/\\evil.example"]) {
      const res = await post("/sign-in", { email: "viewer@tno.example", password: "overleg-demo-2026", redirectTo });
      expect(res.status, redirectTo).toBe(302);
      expect(res.headers.get("location"), redirectTo).toBe("/");
    }
  });

  it("signing out ends the session", async () => {
    const { cookie } = await server.signIn("drafter@kgg.example");
    const res = await post("/sign-out", {}, { cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/sign-in");
    expect(res.headers.getSetCookie().join("\n")).toMatch(/session_token=;|Max-Age=0/);
    const after = await fetch(`${server.url}/`, { headers: { cookie }, redirect: "manual" });
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toBe("/sign-in");
  });
});

describe("language", () => {
  it("is Dutch by default and switches to English with the language switch", async () => {
    const dutch = await page("/", "lead@ez.example", { "accept-language": "" });
    expect(dutch.html).toContain('<html lang="nl">');
    expect(text(dutch.html)).toContain("Mijn werkruimtes");
    expect(text(dutch.html)).toMatch(/30 september \d{4}/);

    const res = await post("/settings/language", { lang: "en", redirectTo: "/" }, { cookie: await cookieFor("lead@ez.example") });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    const langCookie = res.headers.getSetCookie().find((c) => c.startsWith("overleg_lang="));
    expect(langCookie).toMatch(/^overleg_lang=en;/);

    const english = await page("/", "lead@ez.example", { cookie: langCookie!.split(";")[0], "accept-language": "nl" });
    expect(english.html).toContain('<html lang="en">');
    const visible = text(english.html);
    expect(visible).toContain("My workspaces");
    expect(visible).toContain("Sign out");
    expect(visible).toMatch(/30 September \d{4}/);
    expect(visible).not.toContain("Mijn werkruimtes");
  });

  it("speaks German and French too: from the browser's languages, or chosen with the switch", async () => {
    const german = await page("/", "lead@ez.example", { "accept-language": "de-DE,de;q=0.9,en;q=0.8" });
    expect(german.html).toContain('<html lang="de">');
    expect(text(german.html)).toContain("Meine Arbeitsbereiche");
    expect(text(german.html)).toMatch(/30\. September \d{4}/);
    // The switch names every language in itself, whatever the page speaks.
    for (const name of ["Nederlands", "English", "Deutsch", "Français"]) expect(german.html).toContain(`>${name}</button>`);

    const res = await post("/settings/language", { lang: "fr", redirectTo: "/" }, { cookie: await cookieFor("partner@be.example") });
    expect(res.status).toBe(302);
    const langCookie = res.headers.getSetCookie().find((c) => c.startsWith("overleg_lang="));
    expect(langCookie).toMatch(/^overleg_lang=fr;/);
    const french = await page("/", "partner@be.example", { cookie: langCookie!.split(";")[0] });
    expect(french.html).toContain('<html lang="fr">');
    expect(text(french.html)).toContain("Mes espaces de travail");

    const refused = await post("/settings/language", { lang: "es", redirectTo: "/" }, { cookie: await cookieFor("partner@be.example") });
    expect(refused.status).toBe(400);
    expect(refused.headers.getSetCookie().some((c) => c.startsWith("overleg_lang="))).toBe(false);
  });

  it("keeps a signed-in person's choice with them: signing in on another device brings it back", async () => {
    const signInForm = () => post("/sign-in", { email: "approver@ocw.example", password: "overleg-demo-2026", redirectTo: "/" });
    const langCookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith("overleg_lang="));

    // Never chosen: signing in sets no language (the browser's own applies).
    const first = await signInForm();
    expect(first.status).toBe(302);
    expect(langCookieOf(first)).toBeUndefined();
    const session = first.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

    // Chosen while signed in on one device…
    const chosen = await post("/settings/language", { lang: "en", redirectTo: "/" }, { cookie: session });
    expect(langCookieOf(chosen)).toMatch(/^overleg_lang=en;/);

    // …it comes back when they sign in on another, whose browser asks for Dutch.
    const elsewhere = await signInForm();
    expect(elsewhere.status).toBe(302);
    const langCookie = langCookieOf(elsewhere);
    expect(langCookie).toMatch(/^overleg_lang=en; Path=\/; Max-Age=31536000; SameSite=Lax/);
    const cookie = [...elsewhere.headers.getSetCookie().map((c) => c.split(";")[0])].join("; ");
    const dashboard = await fetch(`${server.url}/`, { headers: { cookie, "accept-language": "nl" } });
    const html = await dashboard.text();
    expect(html).toContain('<html lang="en">');
    expect(text(html)).toContain("My workspaces");

    // Switching while signed out changes no one's choice.
    const anonymous = await post("/settings/language", { lang: "nl", redirectTo: "/" });
    expect(langCookieOf(anonymous)).toMatch(/^overleg_lang=nl;/);
    expect(langCookieOf(await signInForm())).toMatch(/^overleg_lang=en;/);
  });

  it("refuses an unknown language and sets nothing", async () => {
    const res = await post("/settings/language", { lang: "xx", redirectTo: "/" });
    expect(res.status).toBe(400);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await res.json()).toEqual({ error: { code: "invalid_language", message: expect.any(String) } });
  });
});

describe("sending pages and assets", () => {
  it("compresses pages and assets for browsers that accept it, and lets fingerprinted assets be kept a year", async () => {
    const brotli = await fetch(`${server.url}/sign-in`, { headers: { "accept-encoding": "br, gzip" } });
    const html = await brotli.text();
    expect(brotli.status).toBe(200);
    expect(brotli.headers.get("content-encoding")).toBe("br");
    expect(brotli.headers.get("vary")).toMatch(/accept-encoding/i);
    expect(html).toContain("<html");

    const script = /\/assets\/[\w.-]+\.js/.exec(html)?.[0];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.url}${script}`, { headers: { "accept-encoding": "gzip" } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-encoding")).toBe("gzip");
    expect(asset.headers.get("cache-control")).toMatch(/max-age=31536000.*immutable|immutable.*max-age=31536000/);
    expect((await asset.text()).length).toBeGreaterThan(0);

    // A client that asks for nothing gets the plain bytes.
    const plain = await fetch(`${server.url}/sign-in`, { headers: { "accept-encoding": "identity" } });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toContain("<html");
  });
});

describe("an unknown address", () => {
  it("answers 404 in the reader's language, with the header and navigation when signed in, and logs no error", async () => {
    const logged = vi.spyOn(console, "error");
    try {
      const english = await page("/no-such-page/at-all", "lead@ez.example", { "accept-language": "en-GB,en;q=0.9" });
      expect(english.status).toBe(404);
      expect(english.html).toContain('<html lang="en"');
      expect(text(english.html)).toContain("This page does not exist (any more).");
      expect(english.html).toContain('class="app-nav"');
      expect(text(english.html)).toContain("Eva de Leeuw");

      const dutch = await page("/no-such-page", "lead@ez.example", { "accept-language": "nl" });
      expect(dutch.status).toBe(404);
      expect(dutch.html).toContain('<html lang="nl"');
      expect(text(dutch.html)).not.toContain("This page does not exist (any more).");

      // Signed out: the reader's language too, and no signed-in navigation.
      const visitor = await page("/nope", undefined, { "accept-language": "en" });
      expect(visitor.status).toBe(404);
      expect(visitor.html).toContain('<html lang="en"');
      expect(text(visitor.html)).toContain("This page does not exist (any more).");
      expect(text(visitor.html)).not.toContain("Eva de Leeuw");

      // An unknown URL is an ordinary answer: nothing on the error log.
      expect(logged.mock.calls.map((c) => String(c[0])).filter((line) => /no-such-page|nope|No route matches/.test(line))).toEqual([]);
    } finally {
      logged.mockRestore();
    }
  });
});
