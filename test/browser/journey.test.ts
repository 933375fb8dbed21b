/**
 * The first journey: the lead drafter of the Ministry of Economic Affairs signs in, sees the six TNO
 * recommendation workspaces on the dashboard, opens one, opens a section and reads its text.
 * A screenshot of the dashboard is kept in .scratch/ (docs/screenshot.png is made from it).
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agenda, workspaces } from "../../server/seed/content";
import { startTestServer, type TestServer } from "../support/server";
import { launchChromium, signIn, type LaunchedBrowser } from "./support/browser";
import { WS } from "../support/fixtures";

const TNO_RECOMMENDATIONS = workspaces.slice(0, 6).map((w) => w.title);
const SCRATCH = resolve(import.meta.dirname, "../../.scratch");

describe("lead@ez.example signs in and reads a section", () => {
  let server: TestServer;
  let browser: LaunchedBrowser;
  let page: Page;

  beforeAll(async () => {
    server = await startTestServer({ remix: "build" });
    browser = await launchChromium({ baseURL: server.url });
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("signs in through the sign-in page and lands on the dashboard", async () => {
    await signIn(page, "lead@ez.example");
    expect(new URL(page.url()).pathname).toBe("/");
    await page.getByRole("heading", { level: 1, name: "My workspaces" }).waitFor();
  });

  it("shows the six TNO recommendations among the workspaces of the agenda", async () => {
    const list = page.getByRole("list", { name: agenda.title });
    for (const title of TNO_RECOMMENDATIONS) {
      await expect(list.getByRole("link", { name: title, exact: true }).isVisible(), title).resolves.toBe(true);
    }
    // The lead owns every workspace of the agenda: the six recommendations and the five short-term actions.
    expect(await list.getByRole("heading", { level: 3 }).count()).toBe(workspaces.length);
    mkdirSync(SCRATCH, { recursive: true });
    await page.screenshot({ path: resolve(SCRATCH, "dashboard.png"), fullPage: false });
  });

  it("opens a workspace and sees its sections in order", async () => {
    await page.getByRole("link", { name: WS.financing, exact: true }).click();
    await page.getByRole("heading", { level: 1, name: WS.financing }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/w\/[^/]+$/);
    const sections = page.getByRole("region", { name: "Sections" }).getByRole("link");
    expect(await sections.allInnerTexts()).toEqual(workspaces[0].sections.map((s) => s.title));
    await page.screenshot({ path: resolve(SCRATCH, "workspace.png") });
  });

  it("opens a section and reads its text", async () => {
    await page.getByRole("region", { name: "Sections" }).getByRole("link", { name: "Aanbeveling", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Aanbeveling" }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/s\/[^/]+$/);
    const text = page.getByText(/TNO adviseert om toegang tot voldoende financiering/).first();
    await text.waitFor({ state: "visible" });
    await page.screenshot({ path: resolve(SCRATCH, "section.png") });
  });

  it("raised no errors in the browser console", () => {
    expect(browser.problems()).toEqual([]);
  });
});
