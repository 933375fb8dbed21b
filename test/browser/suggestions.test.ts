/**
 * Suggesting in two browsers (ADR 027): partner@be.example, a commenter in the cross-border
 * workspace, can only suggest; they reword a phrase, add a word and make a word bold (ADR 043).
 * lead@ez.example sees all three live, as marked text and as cards in the margin, accepts the
 * rewording and the bold and rejects the added word, each with a reason typed on the card; both
 * browsers end with the same text, and the consultation annex (reactienota) of the partner's
 * organisation lists them with their outcome and reason (ADR 033). The lead, switched to suggesting,
 * makes a word italic with Ctrl+I and rejects it again.
 * Set OVERLEG_SCREENSHOTS=<dir> to keep screenshots.
 */
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { peopleInBrowsers, selectInEditor } from "./support/browser";
import { WS } from "../support/fixtures";

const people = peopleInBrowsers({ width: 1400, height: 900 });
const { problems, signedInPage, shot } = people;

async function openSection(page: Page, sectionId: string): Promise<void> {
  await page.goto(`${people.server.url}/s/${sectionId}`);
  await page.locator('.ov-editor__surface[data-ready="true"] .ov-editor__prose').waitFor({ timeout: 20_000 });
}


/** The editor's text as read, without the other people's carets and their labels. */
const prose = (page: Page) =>
  page.evaluate(() => {
    const copy = document.querySelector(".ov-editor__prose")!.cloneNode(true) as HTMLElement;
    for (const caret of copy.querySelectorAll(".collaboration-carets__caret, .collaboration-carets__selection")) caret.remove();
    return copy.textContent ?? "";
  });
const cards = (page: Page) => page.locator(".ov-suggestion-card");

describe("suggesting in the browser", () => {
  it("a partner suggests a rewording, a word and a bold word; the lead sees them live, accepts the rewording and the bold, rejects the word", async () => {
    const [sectionId] = await people.server.sectionIds(WS.crossBorder);
    // The agenda is under consultation: the partner's suggestions are inputs of its record.
    const { db, t } = people.server.database;
    const workspaceId = await people.server.workspaceId(WS.crossBorder);
    const [ws] = await db.select({ agendaId: t.workspaces.agendaId }).from(t.workspaces).where(eq(t.workspaces.id, workspaceId));
    await db.update(t.agendas).set({ consultation: true }).where(eq(t.agendas.id, ws.agendaId!));
    const [be] = await db.select({ organisationId: t.user.organisationId }).from(t.user).where(eq(t.user.email, "partner@be.example"));
    const partner = await signedInPage("partner@be.example");
    const lead = await signedInPage("lead@ez.example");
    await Promise.all([openSection(partner, sectionId), openSection(lead, sectionId)]);

    // The partner may only suggest: no mode switch, a note that says so, and of the toolbar only the
    // formatting that can be suggested.
    await expect.poll(() => partner.locator(".ov-editor__mode-note").innerText()).toMatch(/suggest/i);
    expect(await partner.locator(".ov-editor__mode").count()).toBe(0);
    expect(await partner.locator(".ov-toolbar [data-toolbar-item]").evaluateAll((els) => els.map((el) => el.getAttribute("data-toolbar-item")))).toEqual(["bold", "italic"]);

    // A rewording: "landsgrenzen" becomes "grenzen van ons land".
    await partner.locator(".ov-editor__prose").click();
    await selectInEditor(partner, "landsgrenzen");
    await partner.keyboard.type("grenzen van ons land", { delay: 15 });
    // A word added elsewhere.
    await selectInEditor(partner, "Europees");
    await partner.keyboard.press("ArrowLeft");
    await partner.keyboard.type("breed ", { delay: 15 });

    // A word made bold, from the toolbar.
    await selectInEditor(partner, "strategische");
    await partner.locator('.ov-toolbar [data-toolbar-item="bold"]').click();

    await expect.poll(() => cards(partner).count(), { timeout: 10_000 }).toBe(3);
    // The partner sees no accept or reject.
    expect(await partner.getByRole("button", { name: "Accept", exact: true }).count()).toBe(0);

    // The lead sees all three live: in the text and as cards.
    await expect.poll(() => cards(lead).count(), { timeout: 10_000 }).toBe(3);
    await expect.poll(() => lead.locator(".ov-editor__prose del").first().innerText()).toBe("landsgrenzen");
    const rewording = cards(lead).filter({ hasText: "landsgrenzen" });
    expect(await rewording.innerText()).toContain("Pieter Claes");
    expect(await rewording.innerText()).toContain("grenzen van ons land");
    const added = cards(lead).filter({ hasText: "breed" });
    const bold = cards(lead).filter({ hasText: "strategische" });
    expect(await bold.locator("[data-format-change]").innerText()).toBe("Bold: strategische");
    expect(await lead.locator(".ov-editor__prose strong .ov-suggestion--formatChange, .ov-editor__prose .ov-suggestion--formatChange strong").first().innerText()).toBe("strategische");
    await shot(lead, "suggestions-lead-sees-cards");
    if (process.env.OVERLEG_SCREENSHOTS) await bold.screenshot({ path: `${process.env.OVERLEG_SCREENSHOTS}/suggestions-bold-card.png` });

    // "Reply" on a card starts a comment thread on the suggested text (here the partner's, then cancelled).
    await cards(partner).filter({ hasText: "landsgrenzen" }).getByRole("button", { name: "Reply", exact: true }).click();
    await expect.poll(() => partner.locator("[data-draft] .ov-thread__quote").innerText()).toContain("landsgrenzen");
    await partner.locator("[data-draft]").getByRole("button", { name: "Cancel", exact: true }).click();

    // Accepting asks for a reason (optional); Enter confirms.
    await rewording.getByRole("button", { name: "Accept", exact: true }).click();
    const acceptReason = rewording.locator('[data-decide="accept"] textarea');
    await expect.poll(() => acceptReason.evaluate((el) => el === document.activeElement)).toBe(true);
    await lead.keyboard.type("Sluit aan bij de Benelux-afspraken", { delay: 5 });
    await lead.keyboard.press("Enter");
    await expect.poll(() => cards(lead).count(), { timeout: 10_000 }).toBe(2);
    // Accepting the bold keeps it.
    await bold.getByRole("button", { name: "Accept", exact: true }).click();
    await bold.locator('[data-decide="accept"] textarea').waitFor();
    await lead.keyboard.type("Nadruk is terecht", { delay: 5 });
    await lead.keyboard.press("Enter");
    await expect.poll(() => cards(lead).count(), { timeout: 10_000 }).toBe(1);
    expect(await lead.locator(".ov-editor__prose strong").filter({ hasText: "strategische" }).count()).toBe(1);
    expect(await lead.locator(".ov-editor__prose .ov-suggestion--formatChange").count()).toBe(0);
    await added.getByRole("button", { name: "Reject", exact: true }).click();
    await added.locator('[data-decide="reject"] textarea').waitFor();
    await lead.keyboard.type("Het woord breed voegt niets toe", { delay: 5 });
    await lead.keyboard.press("Enter");

    await expect.poll(() => cards(lead).count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => prose(lead)).toContain("beperken zich niet tot de grenzen van ons land.");
    expect(await prose(lead)).not.toContain("breed");
    expect(await prose(lead)).toContain("in Europees verband");
    // The partner's browser has the same text.
    await expect.poll(() => prose(partner), { timeout: 10_000 }).toBe(await prose(lead));
    await shot(partner, "suggestions-partner-after");

    // The annex of the partner's organisation lists both, with the outcome and the reason given.
    const annex = async () => (await lead.request.get(`${people.server.url}/a/${ws.agendaId}/reactienota?organisation=${be.organisationId}&format=md`)).text();
    await expect.poll(annex, { timeout: 10_000 }).toContain("Het woord breed voegt niets toe");
    const md = await annex();
    expect(md).toContain("grenzen van ons land");
    expect(md).toContain("landsgrenzen");
    expect(md).toContain("Sluit aan bij de Benelux-afspraken");
    expect(md).toMatch(/geaccepteerd|accepted/);
    expect(md).toMatch(/afgewezen|rejected/);
    expect(md).toMatch(/(Voorgestelde opmaak|Suggested formatting):\*\* (vet|bold): “strategische”/);
    expect(md).toContain("Nadruk is terecht");
    // The consultation page pre-fills their dispositions from the outcomes.
    await lead.goto(`${people.server.url}/w/${workspaceId}/consultation`);
    expect(await lead.locator('[data-kind="suggestion"]').count()).toBe(3);
    expect(await lead.locator('[data-prefilled="adopted"]').count()).toBe(2);
    expect(await lead.locator('[data-prefilled="not_adopted"]').count()).toBe(1);

    expect(problems).toEqual([]);
  });

  it("an editor who switched to suggesting makes a word italic with the shortcut, and rejecting it takes the italic back", async () => {
    const [sectionId] = await people.server.sectionIds(WS.crossBorder);
    const lead = await signedInPage("lead@ez.example");
    await openSection(lead, sectionId);
    await lead.locator(".ov-editor__mode").click();
    await expect.poll(() => lead.locator(".ov-toolbar [data-toolbar-item]").evaluateAll((els) => els.map((el) => el.getAttribute("data-toolbar-item")))).toEqual(["bold", "italic"]);
    await lead.locator(".ov-editor__prose").click();
    await selectInEditor(lead, "verband");
    await lead.keyboard.press("Control+i");
    const card = cards(lead).filter({ hasText: "verband" });
    await expect.poll(() => card.locator("[data-format-change]").innerText(), { timeout: 10_000 }).toBe("Italic: verband");
    expect(await lead.locator(".ov-editor__prose em").filter({ hasText: "verband" }).count()).toBe(1);
    await card.getByRole("button", { name: "Reject", exact: true }).click();
    await card.locator('[data-decide="reject"] textarea').waitFor();
    await lead.keyboard.press("Enter");
    await expect.poll(() => cards(lead).count(), { timeout: 10_000 }).toBe(0);
    expect(await lead.locator(".ov-editor__prose em").count()).toBe(0);
    expect(await prose(lead)).toContain("in Europees verband");
    expect(problems).toEqual([]);
  });
});
