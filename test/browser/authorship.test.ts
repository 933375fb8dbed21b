/**
 * Who wrote what in the browser (ADR 028): two people type in the real editor; the section's "who
 * wrote what" page colours each one's words by organisation, and its controls (colour by person, show
 * only one of them) work from the keyboard alone.
 */
import { describe, expect, it } from "vitest";
import { peopleInBrowsers, typeAtEnd } from "./support/browser";

const people = peopleInBrowsers({ width: 1200, height: 900 });
const { problems, signedInPage, shot, openSection } = people;

describe("who wrote what, in the browser", () => {
  it("colours each writer's words, and filters them with the keyboard", async () => {
    const [, sectionId] = await people.server.sectionIds("Toegang tot financiering");
    const drafter = await signedInPage("drafter@kgg.example");
    const lead = await signedInPage("lead@ez.example");
    await openSection(drafter, sectionId);
    const kggWords = `Zin van KGG ${Date.now()}`;
    await typeAtEnd(drafter, kggWords);
    await openSection(lead, sectionId);
    await expect.poll(() => lead.locator(".ov-editor__prose").innerText(), { timeout: 15_000 }).toContain(kggWords);
    const ezWords = `Zin van EZ ${Date.now()}`;
    await typeAtEnd(lead, ezWords);
    await expect.poll(() => drafter.locator(".ov-editor__prose").innerText(), { timeout: 15_000 }).toContain(ezWords);

    // The link on the section page, followed with the keyboard.
    await lead.locator('[data-link="authorship"]').focus();
    await lead.keyboard.press("Enter");
    await lead.waitForURL(`**/s/${sectionId}/authorship`);
    const run = (words: string) => lead.locator(".authorship__run", { hasText: words });
    await expect.poll(() => run(kggWords).count(), { timeout: 15_000 }).toBe(1);
    const kggGroup = await run(kggWords).getAttribute("data-group");
    const ezGroup = await run(ezWords).getAttribute("data-group");
    expect(kggGroup).toMatch(/^o:/);
    expect(ezGroup).toMatch(/^o:/);
    expect(kggGroup).not.toBe(ezGroup);
    expect(await run(kggWords).getAttribute("style")).toContain("background");
    expect(await lead.locator("[data-legend] li").allInnerTexts()).toEqual(expect.arrayContaining(["Ministerie van Klimaat en Groene Groei", "Ministerie van Economische Zaken"]));

    // Colour by person: keyboard on the radio group.
    await lead.locator('input[name="by"][value="organisation"]').focus();
    await lead.keyboard.press("ArrowDown");
    expect(await lead.locator('input[name="by"][value="person"]').isChecked()).toBe(true);
    await expect.poll(() => run(kggWords).getAttribute("data-group")).toMatch(/^p:/);

    // Show only the drafter: the select, by keyboard; the lead's words lose their colour.
    const select = lead.locator("#authorship-only");
    await select.focus();
    const drafterLabel = (await select.locator("option").allInnerTexts()).find((o) => o.includes("KGG"))!;
    await select.selectOption({ label: drafterLabel });
    await expect.poll(() => run(ezWords).getAttribute("class")).toContain("authorship__run--dim");
    expect(await run(kggWords).getAttribute("class")).not.toContain("authorship__run--dim");
    await shot(lead, "who-wrote-what");
    expect(problems).toEqual([]);
  }, 120_000);
});
