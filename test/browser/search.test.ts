/**
 * Search in the browser: a drafter types a phrase in the editor, finds it moments later with the
 * header's search box (keyboard only), with the words marked; the Belgian partner's search for it finds
 * nothing. Then the drafter makes an API token that is shown once.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { caretToEnd, peopleInBrowsers } from "./support/browser";
import { WS } from "../support/fixtures";

const people = peopleInBrowsers({ width: 1200, height: 900 });
const { problems, signedInPage, shot } = people;

async function searchFromHeader(page: Page, words: string): Promise<void> {
  await page.goto(`${people.server.url}/`);
  await page.locator("#header-search-q").focus();
  await page.keyboard.type(words);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/search\?q=/);
}

describe("search in the browser", () => {
  it("finds a phrase typed moments ago for the drafter, and nothing for the partner", async () => {
    const [sectionId] = await people.server.sectionIds(WS.financing);
    const drafter = await signedInPage("drafter@kgg.example");
    await drafter.goto(`${people.server.url}/s/${sectionId}`);
    await drafter.locator('.ov-editor[data-connection="connected"]').waitFor({ timeout: 20_000 });
    await drafter.locator('.ov-editor__surface[data-ready="true"] .ov-editor__prose').waitFor({ timeout: 20_000 });
    const phrase = "Magnesiumslakken uit Delfzijl worden hergebruikt";
    const indexed = people.server.search.indexed(sectionId, (body) => body.includes(phrase));
    await caretToEnd(drafter);
    await drafter.keyboard.press("Enter");
    await drafter.keyboard.type(phrase, { delay: 10 });
    await indexed;

    await searchFromHeader(drafter, "magnesiumslakken delfzijl");
    const result = drafter.locator(".search-result").first();
    await result.waitFor();
    expect(await drafter.locator(".search-results__count").innerText()).toMatch(/^1 result for/);
    expect(await result.locator("mark").allInnerTexts()).toEqual(["Magnesiumslakken", "Delfzijl"]);
    expect(await result.locator("a").getAttribute("href")).toBe(`/s/${sectionId}`);
    await shot(drafter, "search-results");

    const partner = await signedInPage("partner@be.example");
    await searchFromHeader(partner, "magnesiumslakken delfzijl");
    expect(await partner.locator(".search-results__count").innerText()).toMatch(/^Nothing found/);
    expect(await partner.locator(".search-result").count()).toBe(0);
    expect(await partner.content()).not.toContain("Magnesiumslakken uit");

    await partner.goto(`${people.server.url}/search`);
    expect(await partner.locator(".search-page__empty").innerText()).toMatch(/Type one or more words/);
    expect(problems).toEqual([]);
  });

  it("makes an API token that is shown once", async () => {
    const drafter = await signedInPage("drafter@kgg.example");
    await drafter.goto(`${people.server.url}/settings/tokens`);
    await drafter.locator("#token-name").fill("Dashboard KGG");
    await drafter.locator("#token-name").press("Enter");
    const secret = drafter.locator("#new-token");
    await secret.waitFor();
    expect(await secret.innerText()).toMatch(/^ovl_[A-Za-z0-9_-]{43}$/);
    // The list follows once the page's data is loaded again after the form.
    await drafter.locator("tr[data-token-id]").first().waitFor();
    expect(await drafter.locator("tr[data-token-id]").count()).toBe(1);
    await drafter.reload();
    expect(await drafter.locator("#new-token").count()).toBe(0);
    expect(await drafter.locator("tr[data-token-id] td").first().innerText()).toBe("Dashboard KGG");
    expect(problems).toEqual([]);
  });
});
