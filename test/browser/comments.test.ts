/**
 * Commenting in two browsers (Chromium via playwright-core, separate contexts) against the built app:
 * a partner-country commenter comments on a selection and mentions the lead drafter; the lead sees
 * the thread, its highlighted text and a notification appear without reloading, replies, and
 * resolves; the partner sees the reply and is asked to confirm. Markup in a comment stays text.
 * Set OVERLEG_SCREENSHOTS=<dir> to keep screenshots.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { peopleInBrowsers, selectInEditor } from "./support/browser";
import { WS } from "../support/fixtures";

// The very first words of the section's text: an anchor there resolves like any other.
const PHRASE = "Industriële clusters beperken zich niet tot de landsgrenzen";

const people = peopleInBrowsers({ width: 1280, height: 900 });
const { problems, signedInPage, shot } = people;

async function openSection(page: Page, sectionId: string): Promise<void> {
  await page.goto(`${people.server.url}/s/${sectionId}`);
  await page.locator('.ov-editor__surface[data-ready="true"] .ov-editor__prose').waitFor({ timeout: 20_000 });
  await page.locator('[data-comments="ready"]').waitFor({ timeout: 20_000 });
}


describe("commenting in the browser", () => {
  it("comments on a selection with a mention; the other person sees the thread and a notification live, replies and resolves", async () => {
    const [sectionId] = await people.server.sectionIds(WS.crossBorder);
    const partner = await signedInPage("partner@be.example");
    const lead = await signedInPage("lead@ez.example");
    await Promise.all([openSection(partner, sectionId), openSection(lead, sectionId)]);
    await expect.poll(() => lead.locator("[data-bell-count]").count()).toBe(0);
    await expect.poll(() => lead.locator(".ov-comments .empty-state").innerText()).toMatch(/no comments yet/i);

    // The partner (a commenter: read-only text) selects a phrase and comments on it.
    await selectInEditor(partner, PHRASE);
    await partner.getByRole("button", { name: "Comment", exact: true }).click();
    const box = partner.getByRole("combobox", { name: "Your comment" });
    await box.waitFor();
    await box.pressSequentially("Does this include Flanders? <img src=x onerror=\"window.__xss=1\"> @Ev", { delay: 10 });
    const option = partner.getByRole("option", { name: /Eva de Leeuw/ });
    await option.waitFor();
    await box.press("Enter");
    await box.pressSequentially("please have a **look**", { delay: 10 });
    expect(await box.inputValue()).toContain("@Eva de Leeuw please have a **look**");
    await partner.locator("[data-draft]").getByRole("button", { name: "Comment", exact: true }).click();
    const partnerThread = partner.locator(".ov-thread[data-thread-id]");
    await expect.poll(() => partnerThread.count(), { timeout: 10_000 }).toBe(1);

    // The lead sees it without reloading: the card, the highlighted text, the mention, the bell.
    const leadThread = lead.locator(".ov-thread[data-thread-id]");
    await expect.poll(() => leadThread.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => leadThread.innerText()).toContain("Does this include Flanders?");
    expect(await leadThread.locator(".ov-mention").innerText()).toBe("@Eva de Leeuw");
    expect(await leadThread.locator("strong").innerText()).toBe("look");
    // The markup is shown as text and nothing of it ran.
    expect(await leadThread.innerText()).toContain('<img src=x onerror="window.__xss=1">');
    expect(await leadThread.locator("img").count()).toBe(0);
    expect(await lead.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await expect.poll(() => lead.locator(".ov-comment-range").innerText(), { timeout: 10_000 }).toBe(PHRASE);
    await expect.poll(() => lead.locator("[data-bell-count]").innerText(), { timeout: 10_000 }).toBe("1");
    // The bell's name says its count (the visible number is part of it).
    expect(await lead.getByRole("link", { name: "Notifications 1 unread", exact: true }).count()).toBe(1);
    await shot(lead, "comments-lead-sees-thread");

    // The lead replies; the partner sees the reply live.
    const reply = leadThread.getByRole("combobox", { name: "Reply" });
    await reply.fill("Yes, Flanders is part of the Antwerp–Rotterdam cluster plan.");
    await leadThread.getByRole("button", { name: "Reply", exact: true }).click();
    await expect.poll(() => partnerThread.innerText(), { timeout: 10_000 }).toContain("Flanders is part of the Antwerp–Rotterdam cluster plan");

    // The lead resolves; the partner, its author, is asked to confirm and confirms.
    await leadThread.getByRole("button", { name: "Resolve" }).click();
    await partner.locator("[data-confirm]").waitFor({ timeout: 10_000 });
    await shot(partner, "comments-partner-asked-to-confirm");
    await partner.getByRole("button", { name: "Yes, settled" }).click();
    await partner.locator('[data-filter="resolved"]').click();
    await expect.poll(() => partnerThread.locator('[data-entry="confirmed"]').count(), { timeout: 10_000 }).toBe(1);

    // The notification is in the lead's inbox, and reading it clears the count.
    await lead.goto(`${people.server.url}/notifications`);
    await expect.poll(() => lead.locator("[data-notifications]").innerText()).toContain("Pieter Claes (BE) mentioned you");
    await lead.getByRole("button", { name: "Mark all read" }).click();
    await expect.poll(() => lead.locator("[data-bell-count]").count(), { timeout: 10_000 }).toBe(0);
    await shot(lead, "comments-inbox");

    expect(problems).toEqual([]);
  });

  it("keeps what is typed right after a chosen name where it was typed, also when the page's frames come late", async () => {
    const [sectionId] = await people.server.sectionIds(WS.crossBorder);
    const partner = await signedInPage("partner@be.example");
    await openSection(partner, sectionId);
    await selectInEditor(partner, PHRASE);
    await partner.getByRole("button", { name: "Comment", exact: true }).click();
    const box = partner.getByRole("combobox", { name: "Your comment" });
    await box.waitFor();
    await box.pressSequentially("@Ev", { delay: 10 });
    await partner.getByRole("option", { name: /Eva de Leeuw/ }).waitFor();
    // A busy page (a long document, a slow machine): from now on every animation frame comes 100 ms late.
    await partner.evaluate(() => {
      const frame = window.requestAnimationFrame.bind(window);
      window.requestAnimationFrame = (callback) => frame(() => setTimeout(() => callback(performance.now()), 100));
    });
    await box.press("Enter");
    await box.pressSequentially("please have a look", { delay: 15 });
    expect(await box.inputValue()).toBe("@Eva de Leeuw please have a look");
    expect(problems).toEqual([]);
  });
});
