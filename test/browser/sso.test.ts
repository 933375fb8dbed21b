/**
 * Single sign-on in Chromium, by keyboard (issue 18): a person enters their work email on the sign-in
 * page, is offered their organisation's provider, goes through a real OpenID provider's login and
 * consent pages (`oidc-provider` on 127.0.0.1) and comes back signed in, on the page they asked for.
 * No step is blocked by Overleg's Content-Security-Policy (a form redirected to another site would be).
 * The admin removes the provider through the shared confirmation dialog, by keyboard.
 */
import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import Provider from "oidc-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../server/seed/content";
import { Jar } from "../support/browser-less";
import { startTestServer, type TestServer } from "../support/server";
import { seriousViolations } from "./support/axe";
import { launchChromium, watchProblems, type LaunchedBrowser } from "./support/browser";
import { tabTo } from "./support/keyboard";

let server: TestServer;
let idp: Server;
let issuer = "";
let browser: LaunchedBrowser;

beforeAll(async () => {
  server = await startTestServer({ remix: "build" });
  idp = createServer();
  await new Promise<void>((resolve) => idp.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  const oidc = new Provider(issuer, {
    clients: [{ client_id: "overleg-ez", client_secret: "ez-secret-of-at-least-32-characters!!", redirect_uris: [`${server.url}/api/auth/sso/callback`], grant_types: ["authorization_code"], response_types: ["code"] }],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    async findAccount(_ctx, sub) {
      return sub === "noor" ? { accountId: sub, claims: async () => ({ sub, email: "noor@minez.example", email_verified: true, name: "Noor Nieuw" }) } : undefined;
    },
    cookies: { keys: ["test-cookie-key-for-the-provider"] },
    jwks: { keys: [{ ...generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }), kid: "test-key", alg: "RS256", use: "sig" }] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
  });
  idp.on("request", oidc.callback());
  const admin = new Jar(server.url);
  await admin.signIn("admin@overleg.example", DEMO_PASSWORD);
  const { db, t } = server.database;
  const [ez] = await db.select({ id: t.organisations.id }).from(t.organisations).where(eq(t.organisations.shortCode, "EZ"));
  const saved = await admin.post("/admin/sso", {
    intent: "save",
    organisationId: ez.id,
    name: "Rijkspas EZ",
    issuer,
    clientId: "overleg-ez",
    clientSecret: "ez-secret-of-at-least-32-characters!!",
    domains: "minez.example",
    createPeople: "on",
    enabled: "on",
  });
  expect(saved.status).toBe(200);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (idp ? idp.close(() => resolve()) : resolve()));
  await server?.stop();
});

describe("single sign-on in the browser", () => {
  it("finds the organisation from a work email, goes through the provider and back, signed in, by keyboard", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/sign-in?redirectTo=%2Fsettings%2Fsessions`);
    await page.getByRole("link", { name: "Sign in with Rijkspas EZ" }).waitFor();
    await page.getByLabel("Work email address").fill("noor@minez.example");
    await page.keyboard.press("Enter");
    // The provider of the domain is offered, and has the focus.
    const offered = page.getByRole("status").getByRole("link", { name: "Sign in with Rijkspas EZ" });
    await offered.waitFor();
    await expect.poll(() => offered.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    // The provider's own pages.
    await page.waitForURL((url) => url.href.startsWith(`${issuer}/interaction/`));
    await page.locator('input[name="login"]').fill("noor");
    await page.locator('input[name="password"]').fill("anything");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Continue" }).waitFor();
    await page.getByRole("button", { name: "Continue" }).press("Enter");
    // Back, signed in, where they were going.
    await page.waitForURL(`${server.url}/settings/sessions`);
    await expect.poll(() => page.locator(".app-header__user").innerText()).toContain("Noor Nieuw");
    expect(await page.locator(".app-header__org").innerText()).toBe("Ministerie van Economische Zaken");
    const overlegProblems = browser.problems().filter((p) => p.includes(server.url));
    expect(overlegProblems).toEqual([]);
  });

  it("removing a provider asks first in the shared dialog, by keyboard: Escape keeps it, confirming removes it", async () => {
    // The same browser, signed out of the first test's session.
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    try {
      const problems: string[] = [];
      watchProblems(page, "admin", problems);
      await page.goto(`${server.url}/sign-in?redirectTo=%2Fadmin%2Fsso`);
      await page.getByLabel("Email address", { exact: true }).fill("admin@overleg.example");
      await page.getByLabel("Password", { exact: true }).fill(DEMO_PASSWORD);
      await page.keyboard.press("Enter");
      await page.waitForURL(`${server.url}/admin/sso`);
      await page.waitForFunction(() => "__remixRouter" in window, undefined, { timeout: 30_000 });
      const remove = page.getByRole("button", { name: "Remove Rijkspas EZ" });
      await tabTo(page, remove);
      await page.keyboard.press("Enter");
      const dialog = page.getByRole("dialog", { name: "Remove the provider Rijkspas EZ?" });
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain("no longer offered on the sign-in page");
      expect(await dialog.innerText()).toContain("keep their accounts");
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
      expect(await seriousViolations(page)).toEqual([]);
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "hidden" });
      expect(await remove.evaluate((el) => el === document.activeElement)).toBe(true);
      const providers = async () => (await server.database.db.select({ name: server.database.t.ssoProviders.name }).from(server.database.t.ssoProviders)).map((p) => p.name);
      expect(await providers()).toContain("Rijkspas EZ");
      // Confirmed: Enter on the dialog's own Remove button.
      await page.keyboard.press("Enter");
      await dialog.waitFor();
      await tabTo(page, dialog.getByRole("button", { name: "Remove", exact: true }));
      await page.keyboard.press("Enter");
      await page.getByText("No providers yet.").waitFor({ timeout: 30_000 });
      expect(await providers()).not.toContain("Rijkspas EZ");
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
