/**
 * The language switch in a real browser: it offers Overleg's four languages, each named in itself;
 * choosing Deutsch turns the page German at once (the browser fetches the German words on demand),
 * and a page loaded afterwards arrives in German, hydrates without a mismatch, and fetches the words
 * of German alone. Runs against the built app and Debian's /usr/bin/chromium.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { startTestServer, type TestServer } from "../support/server";
import { launchChromium, signIn, type LaunchedBrowser } from "./support/browser";

let server: TestServer;
let chromium: LaunchedBrowser;

beforeAll(async () => {
  ensureBuild();
  server = await startTestServer({ remix: "build" });
  chromium = await launchChromium({ baseURL: server.url });
}, 300_000);

afterAll(async () => {
  await chromium?.close();
  await server?.stop();
});

/** Waits until the page is hydrated, so forms respond to clicks. */
async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => "__remixRouter" in window, undefined, { timeout: 30_000 });
}

/** The language chunks (app/i18n/bundles) a page fetches, by language. */
function languageFetches(page: Page): string[] {
  const fetched: string[] = [];
  page.on("request", (request) => {
    const m = /\/assets\/(nl|en|de|fr)-[\w-]+\.js$/.exec(new URL(request.url()).pathname);
    if (m) fetched.push(m[1]);
  });
  return fetched;
}

describe("the language switch", () => {
  it("offers all four languages and turns the interface German with Deutsch", async () => {
    const page = await chromium.newPage();
    page.setDefaultTimeout(30_000);
    // An English browser: Overleg starts in English.
    await signIn(page, "lead@ez.example");
    await page.goto("/");
    await hydrated(page);
    await page.getByRole("heading", { level: 1, name: "My workspaces" }).waitFor();

    const switcher = page.locator("form.language-switch");
    expect(await switcher.getByRole("button").allInnerTexts()).toEqual(["Nederlands", "English", "Deutsch", "Français"]);
    expect(await switcher.getByRole("button", { name: "English" }).getAttribute("aria-pressed")).toBe("true");

    await switcher.getByRole("button", { name: "Deutsch" }).click();
    await page.getByRole("heading", { level: 1, name: "Meine Arbeitsbereiche" }).waitFor();
    await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("de");
    expect(await switcher.getByRole("button", { name: "Deutsch" }).getAttribute("aria-pressed")).toBe("true");
    await page.getByRole("button", { name: "Abmelden" }).first().waitFor();

    // A page loaded now arrives in German, with German dates, and fetches German alone.
    const fetched = languageFetches(page);
    await page.reload();
    await hydrated(page);
    await page.getByRole("heading", { level: 1, name: "Meine Arbeitsbereiche" }).waitFor();
    const body = await page.locator("main").innerText();
    expect(body).toMatch(/\d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4}/);
    expect(body).not.toContain("My workspaces");
    expect(fetched).toEqual(["de"]);

    // After hydration the browser renders German too: a client-side visit to a workspace.
    await page.locator(".workspace-card__title a").first().click();
    await page.waitForURL(/\/w\//);
    await page.getByRole("heading", { name: "Abschnitte" }).first().waitFor();
    expect(fetched).toEqual(["de"]);

    expect(chromium.problems()).toEqual([]);
  }, 120_000);
});
