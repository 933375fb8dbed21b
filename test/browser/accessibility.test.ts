/**
 * Accessibility in the browser: axe-core on the main pages as several demo people (0 serious or
 * critical violations), the read-only text taken with the keyboard (Tab, Shift+arrows) and a comment
 * started from it with the shortcut, and the confirmation dialog before removing a member (focus in,
 * Escape cancels, focus back, nothing changed).
 * Runs against the built app (startTestServer({ remix: "build" })) and Debian's /usr/bin/chromium.
 */
import { eq } from "drizzle-orm";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { startTestServer, type TestServer } from "../support/server";
import { WS } from "../support/fixtures";
import { seriousViolations, type AxeFinding } from "./support/axe";
import { CHROMIUM_ARGS, CHROMIUM_PATH, signIn, watchProblems } from "./support/browser";

let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const problems: string[] = [];

beforeAll(async () => {
  ensureBuild();
  server = await startTestServer({ remix: "build" });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}, 300_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await server?.stop();
});

async function person(email: string, lang: "en" | "nl" = "en"): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.url, locale: lang === "en" ? "en-GB" : "nl-NL", timezoneId: "Europe/Amsterdam", viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  await context.addCookies([{ name: "overleg_lang", value: lang, url: server.url }]);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  watchProblems(page, email, problems);
  await signIn(page, email);
  return page;
}

async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => "__remixRouter" in window, undefined, { timeout: 30_000 });
}

/** Opens `path` and waits until it is hydrated (and, on a section page, until the editor shows the text). */
async function visit(page: Page, path: string): Promise<void> {
  const response = await page.goto(path);
  expect(response?.status(), path).toBeLessThan(400);
  await hydrated(page);
  if (/^\/s\/[^/]+$/.test(path)) await page.locator('.ov-editor__surface[data-ready="true"] .ov-editor__prose').waitFor();
}

describe("accessibility in the browser", () => {
  it("the main pages have no serious or critical axe violations, for each of several people", async () => {
    const contactPoint = await server.workspaceId(WS.contactPoint);
    const [section] = await server.sectionIds(WS.contactPoint);
    const crossBorderTitle = "Grensoverschrijdende samenwerking";
    const crossBorder = await server.workspaceId(crossBorderTitle);
    const [partnerSection] = await server.sectionIds(crossBorderTitle);
    const visits: [email: string, lang: "en" | "nl", paths: string[]][] = [
      ["lead@ez.example", "en", ["/", `/w/${contactPoint}`, `/s/${section}`, `/s/${section}/review`, `/s/${section}/history`, `/w/${contactPoint}/members`, "/notifications", "/search?q=grondstoffen"]],
      ["lead@ez.example", "nl", ["/", `/w/${contactPoint}`, `/s/${section}`]],
      ["drafter@kgg.example", "en", ["/", `/s/${section}`, `/s/${section}/review`]],
      ["partner@be.example", "en", ["/", `/w/${crossBorder}`, `/s/${partnerSection}`]],
      ["office@minister.example", "en", ["/", `/w/${contactPoint}`, `/s/${section}`, `/s/${section}/review`]],
      ["viewer@tno.example", "nl", ["/", `/s/${section}`]],
      ["admin@overleg.example", "en", ["/admin", "/admin/people", "/admin/organisations", "/admin/agendas", "/admin/audit"]],
    ];
    const found: Record<string, AxeFinding[]> = {};
    for (const [email, lang, paths] of visits) {
      const page = await person(email, lang);
      for (const path of paths) {
        await visit(page, path);
        const violations = await seriousViolations(page);
        if (violations.length) found[`${email} (${lang}) ${path}`] = violations;
      }
      // The 404 page too: the normal page with its header.
      await page.goto("/no-such-page");
      await hydrated(page);
      const violations = await seriousViolations(page);
      if (violations.length) found[`${email} (${lang}) 404`] = violations;
    }
    expect(found).toEqual({});
    expect(problems).toEqual([]);
  });

  it("read-only text takes the keyboard: Tab reaches it, Shift+arrows select, and the comment shortcut starts a comment", async () => {
    // The minister's office may comment on any section it sees, but not edit or suggest: its text is read-only.
    const [section] = await server.sectionIds(WS.contactPoint);
    const page = await person("office@minister.example");
    await visit(page, `/s/${section}`);
    const prose = page.locator(".ov-editor__prose");
    expect(await prose.getAttribute("contenteditable")).toBe("false");
    expect(await prose.getAttribute("aria-readonly")).toBe("true");
    // Tab from the last element before the text reaches it.
    await page.locator("main h1").focus();
    for (let i = 0; i < 40 && !(await prose.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
    expect(await prose.evaluate((el) => el === document.activeElement)).toBe(true);
    for (let i = 0; i < 12; i++) await page.keyboard.press("Shift+ArrowRight");
    const selected = await page.evaluate(() => window.getSelection()?.toString() ?? "");
    expect(selected.length).toBe(12);
    const firstWords = (await prose.innerText()).slice(0, 12);
    expect(selected).toBe(firstWords);
    await page.keyboard.press("Control+Alt+m");
    const draft = page.locator("[data-draft]");
    await draft.waitFor();
    expect(await draft.locator(".ov-thread__quote").innerText()).toContain(firstWords.trim());
    expect(problems).toEqual([]);
  });

  it("removing a member asks first in a dialog: focus moves in, Escape cancels and returns focus, nothing changes", async () => {
    const contactPoint = await server.workspaceId(WS.contactPoint);
    const page = await person("lead@ez.example");
    await visit(page, `/w/${contactPoint}/members`);
    const remove = page.getByRole("button", { name: "Remove Vera Jansen" });
    await remove.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Remove Vera Jansen from this workspace?" });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain("loses access to this workspace at once");
    expect(await page.evaluate(() => document.activeElement?.closest("dialog") !== null)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await remove.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.reload();
    await hydrated(page);
    expect(await page.getByRole("button", { name: "Remove Vera Jansen" }).count()).toBe(1);
    // Confirmed, the member is removed.
    await page.getByRole("button", { name: "Remove Vera Jansen" }).click();
    await dialog.getByRole("button", { name: "Remove", exact: true }).click();
    await expect.poll(() => page.getByRole("button", { name: "Remove Vera Jansen" }).count(), { timeout: 30_000 }).toBe(0);
    expect(problems).toEqual([]);
  });

  it("an admin resetting someone's second factor confirms in the same dialog: Escape changes nothing, confirming resets", async () => {
    const page = await person("admin@overleg.example");
    await visit(page, "/admin/people");
    const reset = page.getByRole("button", { name: "Reset two-factor authentication Vera Jansen" });
    await reset.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Reset two-factor authentication: Vera Jansen" });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain("signed out everywhere");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await reset.evaluate((el) => el === document.activeElement)).toBe(true);
    const resetAt = async () => {
      const { db, t } = server.database;
      const [row] = await db.select({ at: t.user.twoFactorResetAt }).from(t.user).where(eq(t.user.email, "viewer@tno.example"));
      return row?.at ?? null;
    };
    expect(await resetAt()).toBeNull();
    await reset.click();
    await dialog.getByRole("button", { name: "Reset two-factor authentication", exact: true }).click();
    await page.getByText("Two-factor authentication of Vera Jansen reset.").waitFor({ timeout: 30_000 });
    expect(await resetAt()).not.toBeNull();
    expect(problems).toEqual([]);
  });

  it("saving approving organisations: the confirmation stays through the live refresh the save itself causes", async () => {
    const workspaceId = await server.workspaceId(WS.workingGroup);
    const page = await person("lead@ez.example");
    await visit(page, `/w/${workspaceId}`);
    const panel = page.locator("section", { has: page.getByRole("heading", { name: "Approving organisations" }) });
    const boxes = panel.getByRole("checkbox");
    // Add one organisation that is not chosen yet.
    const count = await boxes.count();
    let added = false;
    for (let i = 0; i < count && !added; i++) {
      if (!(await boxes.nth(i).isChecked())) {
        await boxes.nth(i).check();
        added = true;
      }
    }
    expect(added).toBe(true);
    // Loader reloads (single fetch: GET *.data): one after the action, one for the live event it causes.
    let reloads = 0;
    page.on("request", (request) => {
      if (request.method() === "GET" && new URL(request.url()).pathname.endsWith(".data")) reloads += 1;
    });
    await panel.getByRole("button", { name: "Save approving organisations" }).click();
    await panel.getByText("Approving organisations saved.").waitFor();
    await expect.poll(() => reloads, { timeout: 30_000, message: "the live refresh after the save" }).toBeGreaterThanOrEqual(2);
    await page.waitForLoadState("networkidle");
    expect(await panel.getByText("Approving organisations saved.").isVisible()).toBe(true);
    expect(problems).toEqual([]);
  });
});
