/**
 * Cross-site request forgery in a real browser: the administrator is signed in to Overleg at
 * http://127.0.0.1:<port>, and in the same browser opens a page served by another server on another
 * port of 127.0.0.1. That page is another origin but the same site, so the browser sends Overleg's
 * SameSite=Lax session cookie with its posts: the realistic attack. Its form posts to the legacy
 * `?_data=` URL of the people page (which Remix answered without its Origin check) and its script
 * posts with fetch; the viewer must still not be an administrator afterwards. The administrator's
 * own page still makes the same change, with the Content-Security-Policy on and no violation.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page, Response } from "playwright-core";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server";
import { launchChromium, signIn, type LaunchedBrowser } from "./support/browser";

const DATA_URL = "/admin/people?_data=routes%2Fadmin.people";

/** The attacker's pages: an auto-submitting form, and a script that posts with fetch and says when it is done. */
function attackerPages(target: string, viewerId: string): Record<string, string> {
  const fields = { intent: "admin", userId: viewerId, isAdmin: "true" };
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
    .join("");
  return {
    "/form": `<!doctype html><title>Win a prize</title>
<form id="f" method="post" action="${target}${DATA_URL}">${inputs}</form>
<script>document.getElementById("f").submit();</script>`,
    "/fetch": `<!doctype html><title>Win a prize</title>
<script>
  const body = () => new URLSearchParams(${JSON.stringify(fields)});
  const post = (path) => fetch(${JSON.stringify(target)} + path, { method: "POST", credentials: "include", mode: "no-cors", body: body() });
  Promise.allSettled([post(${JSON.stringify(DATA_URL)}), post("/admin/people.data"), post("/admin/people")])
    .then(() => { document.title = "done"; });
</script>`,
  };
}

describe("a page on another origin of the same site, in the administrator's browser", () => {
  let server: TestServer;
  let attacker: Server;
  let attackerUrl: string;
  let browser: LaunchedBrowser;
  let page: Page;
  let viewerId: string;
  /** The answers Overleg gave to posts to the people page, as the browser saw them. */
  const posts: Response[] = [];
  /** What the browser sent with those posts, as Overleg's HTTP server received it. */
  const received: { url: string; origin?: string; cookie?: string }[] = [];

  async function isAdmin(userId: string): Promise<boolean> {
    const { db, t } = server.database;
    const [row] = await db.select({ isAdmin: t.user.isAdmin }).from(t.user).where(eq(t.user.id, userId));
    return row.isAdmin;
  }

  beforeAll(async () => {
    server = await startTestServer({ remix: "build" });
    viewerId = await server.userId("viewer@tno.example");
    server.httpServer.on("request", (req: IncomingMessage) => {
      if (req.method === "POST" && req.url?.startsWith("/admin/people")) received.push({ url: req.url, origin: req.headers.origin, cookie: req.headers.cookie });
    });
    const pages = attackerPages(server.url, viewerId);
    attacker = createServer((req, res) => {
      const html = pages[req.url ?? ""];
      res.writeHead(html ? 200 : 404, { "content-type": "text/html; charset=utf-8" }).end(html ?? "");
    });
    await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
    expect(new URL(attackerUrl).origin).not.toBe(new URL(server.url).origin);
    browser = await launchChromium({ baseURL: server.url });
    page = await browser.newPage();
    page.on("response", (response) => {
      if (response.request().method() === "POST" && response.url().startsWith(`${server.url}/admin/people`)) posts.push(response);
    });
    await signIn(page, "admin@overleg.example");
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => attacker?.close(resolve));
    await server?.stop();
  });

  it("refuses the form the page posts to the ?_data= URL, although the browser sent the session cookie", async () => {
    expect(await isAdmin(viewerId)).toBe(false);
    const answered = page.waitForResponse((r) => r.request().method() === "POST" && r.url() === `${server.url}${DATA_URL}`);
    await page.goto(`${attackerUrl}/form`);
    const response = await answered;
    expect(received, "the browser sent the session cookie: the attack is real").toEqual([
      { url: DATA_URL, origin: attackerUrl, cookie: expect.stringMatching(/session_token=/) },
    ]);
    expect(await isAdmin(viewerId), "the viewer became an administrator").toBe(false);
    expect(response.status()).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: "forbidden_origin" } });
  });

  it("refuses the posts its script makes with fetch (credentials included) to the ?_data=, .data and page URLs", async () => {
    posts.length = 0;
    received.length = 0;
    await page.goto(`${attackerUrl}/fetch`);
    await page.waitForFunction(() => document.title === "done");
    const urls = ["/admin/people", "/admin/people.data", DATA_URL].sort();
    expect(received.map((r) => r.url).sort()).toEqual(urls);
    for (const r of received) expect(r, r.url).toEqual({ url: r.url, origin: attackerUrl, cookie: expect.stringMatching(/session_token=/) });
    expect(posts.map((r) => new URL(r.url()).pathname + new URL(r.url()).search).sort()).toEqual(urls);
    for (const response of posts) expect(response.status(), response.url()).toBe(403);
    expect(await isAdmin(viewerId)).toBe(false);
  });

  it("still lets the administrator's own page make the viewer an administrator, and take it back", async () => {
    await page.goto("/admin/people");
    const row = page.getByRole("row", { name: /Vera Jansen/ });
    await row.getByRole("button", { name: /Make administrator/ }).click();
    await row.getByRole("button", { name: /Remove administrator rights/ }).waitFor();
    expect(await isAdmin(viewerId)).toBe(true);
    await row.getByRole("button", { name: /Remove administrator rights/ }).click();
    await row.getByRole("button", { name: /Make administrator/ }).waitFor();
    expect(await isAdmin(viewerId)).toBe(false);
  });

  it("raised no error and no Content-Security-Policy violation on Overleg's pages", () => {
    // The attack's form left the browser on the refusal (403, and no favicon there): expected errors.
    const own = browser.problems().filter((p) => p.includes(` on ${server.url}`) && !p.startsWith(`console.error on ${server.url}${DATA_URL}: Failed to load resource`));
    expect(own).toEqual([]);
    expect(browser.problems().filter((p) => /Content Security Policy|CSP violation/.test(p))).toEqual([]);
  });
});
