/**
 * Every role's main job with the keyboard only: Tab and Shift+Tab, Enter, Space, Escape, the arrow
 * keys and Overleg's own shortcuts; no mouse and no clicks. Each walk starts at a page's address, as
 * a person who typed it or followed a link in a mail would.
 *
 * - The drafter (KGG, editor) signs in, goes from the dashboard to a section of the skilled-labour
 *   workspace, adds a sentence to its text and comments on it (Ctrl+Alt+M).
 * - The partner (Belgium, commenter on the cross-border workspace: the text takes suggestions only)
 *   selects words with Shift+arrows and comments on them, then types a suggestion.
 * - The lead asks for a review of each section; the approver of OCW approves each on its review page.
 * - The minister's office signs each off through the confirmation dialog (Enter on its confirm
 *   button), sees the section locked, and publishes the workspace.
 *
 * axe-core checks every page the walks visit (0 serious or critical violations).
 * Runs against the built app and Debian's /usr/bin/chromium; OVERLEG_SCREENSHOTS=<dir> keeps screenshots.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { WS } from "../support/fixtures";
import { seriousViolations, type AxeFinding } from "./support/axe";
import { peopleInBrowsers } from "./support/browser";
import { describeFocus, hasFocus, tabTo } from "./support/keyboard";

const people = peopleInBrowsers({ width: 1280, height: 900 });
const { problems, shot } = people;

/** Serious and critical axe findings, by the page (and state) they were found on. */
const found: Record<string, AxeFinding[]> = {};
const checked: string[] = [];

/** Runs axe on the page as it is now; what it finds is reported at the end of the test. */
async function axe(page: Page, label: string): Promise<void> {
  checked.push(label);
  const violations = await seriousViolations(page);
  if (violations.length) found[label] = violations;
}

const badge = (page: Page) => page.locator(".page-heading .badge").first();
const organisation = (page: Page, code: string) => page.locator(`.review-orgs li[data-organisation="${code}"]`);

async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => "__remixRouter" in window, undefined, { timeout: 30_000 });
}

/** Presses Enter on the focused link and waits for the page it leads to (hydrated). */
async function follow(page: Page, path: RegExp): Promise<void> {
  await Promise.all([page.waitForURL((url) => path.test(url.pathname), { timeout: 30_000 }), page.keyboard.press("Enter")]);
  await hydrated(page);
}

/** Waits until the section's editor is connected and shows its text. */
async function editorReady(page: Page): Promise<void> {
  await page.locator('.ov-editor__surface[data-ready="true"] .ov-editor__prose').waitFor({ timeout: 30_000 });
  await page.locator('[data-comments="ready"]').waitFor({ timeout: 30_000 });
}

const LABOUR_SECTION = "Aanbeveling";
/** The skilled-labour workspace's sections, in order. */
const SECTIONS = ["Aanleiding", "Aanbeveling", "Acties en planning"];
const ADDED = "Het actieplan loopt tot en met 2030.";
const DRAFTER_COMMENT = "Graag bevestigen dat OCW deze einddatum steunt.";
const REPLY = "Dit antwoord trek ik weer in.";
const PARTNER_COMMENT = "Geldt dit ook voor de Vlaamse clusters?";
const SUGGESTED = " (ook met Vlaanderen)";

describe("every role's main job with the keyboard only", () => {
  it("the drafter signs in, edits a section's text and comments on it", async () => {
    const page = await people.browserPage();
    const { server } = people;
    await page.goto(`${server.url}/sign-in`);
    await hydrated(page);
    await axe(page, "sign-in");
    await tabTo(page, page.getByLabel(/^email address$/i));
    await page.keyboard.type("drafter@kgg.example");
    await tabTo(page, page.getByLabel(/^password$/i));
    await page.keyboard.type("overleg-demo-2026");
    await Promise.all([page.waitForURL((url) => url.pathname === "/", { timeout: 30_000 }), page.keyboard.press("Enter")]);
    await hydrated(page);
    await axe(page, "drafter: dashboard");

    await tabTo(page, page.getByRole("link", { name: WS.labour, exact: true }));
    await follow(page, /^\/w\//);
    await axe(page, "drafter: workspace");
    await tabTo(page, page.locator("main").getByRole("link", { name: LABOUR_SECTION, exact: true }));
    await follow(page, /^\/s\/[^/]+$/);
    await editorReady(page);
    await axe(page, "drafter: section");

    // Into the text, to its end, a new sentence.
    const prose = page.locator(".ov-editor__prose");
    await tabTo(page, prose);
    expect(await prose.getAttribute("contenteditable")).toBe("true");
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.keyboard.type(ADDED, { delay: 10 });
    await expect.poll(() => prose.innerText(), { timeout: 15_000 }).toContain(ADDED);

    // The sentence just typed, selected with Shift+Home, gets a comment: Ctrl+Alt+M, type, Ctrl+Enter.
    await page.keyboard.press("Shift+Home");
    expect(await page.evaluate(() => window.getSelection()?.toString())).toBe(ADDED);
    await page.keyboard.press("Control+Alt+m");
    const box = page.getByRole("combobox", { name: "Your comment" });
    await box.waitFor();
    expect(await hasFocus(box), `the comment box has the focus, not ${await describeFocus(page)}`).toBe(true);
    expect(await page.locator("[data-draft] .ov-thread__quote").innerText()).toContain(ADDED);
    await axe(page, "drafter: section, writing a comment");
    await page.keyboard.type(DRAFTER_COMMENT, { delay: 5 });
    await page.keyboard.press("Control+Enter");
    const thread = page.locator(".ov-thread[data-thread-id]", { hasText: DRAFTER_COMMENT });
    await thread.waitFor({ timeout: 15_000 });
    expect(await thread.locator(".ov-thread__quote").innerText()).toContain(ADDED);
    await expect.poll(() => page.locator(".ov-comment-range").allInnerTexts(), { timeout: 15_000 }).toContain(ADDED);
    // The focus is back in the text, where the comment was started.
    await expect.poll(() => hasFocus(prose), { message: "the focus back in the text" }).toBe(true);
    await shot(page, "keyboard-drafter-commented");

    // A reply, and deleting it: the shared dialog says what happens; Escape keeps the reply.
    await tabTo(page, thread.getByRole("combobox", { name: "Reply" }));
    await page.keyboard.type(REPLY, { delay: 5 });
    await page.keyboard.press("Control+Enter");
    const reply = thread.locator("li.ov-comment", { hasText: REPLY });
    await reply.waitFor({ timeout: 15_000 });
    const remove = reply.getByRole("button", { name: "Delete" });
    // A screen reader says whose comment the button deletes (its description: the author and time).
    expect(await remove.evaluate((b) => document.getElementById(b.getAttribute("aria-describedby") ?? "")?.textContent ?? "")).toContain("Daan Kramer");
    await tabTo(page, remove, { backwards: true });
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Delete this comment?" });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain("Its text is removed for everyone");
    expect(await hasFocus(dialog.getByRole("button", { name: "Cancel" }))).toBe(true);
    await axe(page, "drafter: section, deleting a comment");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await hasFocus(remove)).toBe(true);
    expect(await reply.innerText()).toContain(REPLY);
    await page.keyboard.press("Enter");
    await dialog.waitFor();
    await tabTo(page, dialog.getByRole("button", { name: "Delete" }));
    await page.keyboard.press("Enter");
    await thread.locator(".ov-comment__deleted").waitFor({ timeout: 15_000 });
    expect(await thread.innerText()).not.toContain(REPLY);
    expect(await thread.innerText()).toContain(DRAFTER_COMMENT);
    // The focus is on the thread's card, not lost to the page.
    await expect.poll(() => hasFocus(thread), { message: "the focus on the thread" }).toBe(true);

    // After a reload the sentence and the comment are still there.
    await page.reload();
    await hydrated(page);
    await editorReady(page);
    await expect.poll(() => prose.innerText(), { timeout: 15_000 }).toContain(ADDED);
    await thread.waitFor({ timeout: 15_000 });
    expect(problems).toEqual([]);
    expect(found).toEqual({});
  });

  it("the partner selects words with Shift+arrows and comments on them, then types a suggestion", async () => {
    const page = await people.signedInPage("partner@be.example");
    await page.goto(`${people.server.url}/`);
    await hydrated(page);
    await axe(page, "partner: dashboard");
    await tabTo(page, page.getByRole("link", { name: WS.crossBorder, exact: true }));
    await follow(page, /^\/w\//);
    await axe(page, "partner: workspace");
    await tabTo(page, page.locator("main").getByRole("link", { name: "Grensoverschrijdende clusters", exact: true }));
    await follow(page, /^\/s\/[^/]+$/);
    await editorReady(page);
    await axe(page, "partner: section");

    // The partner may suggest, not edit: the text says so.
    await expect.poll(() => page.locator(".ov-editor__mode-note").innerText()).toMatch(/suggest/i);
    const prose = page.locator(".ov-editor__prose");
    await tabTo(page, prose);
    await page.keyboard.press("Control+Home");
    const words = "Industriële clusters";
    for (let i = 0; i < words.length; i++) await page.keyboard.press("Shift+ArrowRight");
    expect(await page.evaluate(() => window.getSelection()?.toString())).toBe(words);
    await page.keyboard.press("Control+Alt+m");
    const box = page.getByRole("combobox", { name: "Your comment" });
    await box.waitFor();
    expect(await hasFocus(box), `the comment box has the focus, not ${await describeFocus(page)}`).toBe(true);
    expect(await page.locator("[data-draft] .ov-thread__quote").innerText()).toContain(words);
    await page.keyboard.type(PARTNER_COMMENT, { delay: 5 });
    await page.keyboard.press("Control+Enter");
    const thread = page.locator(".ov-thread[data-thread-id]", { hasText: PARTNER_COMMENT });
    await thread.waitFor({ timeout: 15_000 });
    expect(await thread.locator(".ov-thread__quote").innerText()).toContain(words);
    // The focus is back in the text, where the comment was started.
    await expect.poll(() => hasFocus(prose), { message: "the focus back in the text" }).toBe(true);

    // At the end of the text (the last item of its list), a suggestion: one run of suggested text.
    await page.keyboard.press("Control+End");
    await page.keyboard.type(SUGGESTED, { delay: 10 });
    const card = page.locator(".ov-suggestion-card", { hasText: SUGGESTED.trim() });
    await card.waitFor({ timeout: 15_000 });
    expect(await card.innerText()).toContain("Pieter Claes");
    expect(await prose.locator("ins").allInnerTexts()).toEqual([SUGGESTED]);
    expect(await prose.locator("li").last().innerText()).toBe(`Gezamenlijke strategische projecten onder de CRMA${SUGGESTED}`);
    await axe(page, "partner: section, with a comment and a suggestion");
    await shot(page, "keyboard-partner-suggested");
    expect(problems).toEqual([]);
    expect(found).toEqual({});
  });

  it("the lead asks for a review of each section of the workspace", async () => {
    const page = await people.signedInPage("lead@ez.example");
    for (const [i, sectionId] of (await people.server.sectionIds(WS.labour)).entries()) {
      await page.goto(`${people.server.url}/s/${sectionId}/review`);
      await hydrated(page);
      await axe(page, `lead: review of ${SECTIONS[i]}, before asking`);
      const request = page.getByRole("region", { name: "Request review" });
      await tabTo(page, request.getByRole("button", { name: "Request review" }));
      await page.keyboard.press("Enter");
      await expect.poll(() => badge(page).innerText(), { timeout: 30_000 }).toContain("In review");
      expect(await organisation(page, "OCW").innerText()).toContain("No decision yet");
      await axe(page, `lead: review of ${SECTIONS[i]}, in review`);
    }
    expect(problems).toEqual([]);
    expect(found).toEqual({});
  });

  it("the approver goes from the dashboard to each review and approves it", async () => {
    const page = await people.signedInPage("approver@ocw.example");
    for (const [i, title] of SECTIONS.entries()) {
      await page.goto(`${people.server.url}/`);
      await hydrated(page);
      await axe(page, `approver: dashboard, ${i} of 3 decided`);
      const waiting = page.locator('[data-waiting-kind="review.decide"]', { hasText: title });
      await tabTo(page, waiting.getByRole("link", { name: `${title} · ${WS.labour}` }));
      await follow(page, /\/review$/);
      await axe(page, `approver: review of ${title}`);
      // The decision: Approve is chosen; the arrows move between the two choices, Space chooses.
      const approveRadio = page.getByRole("radio", { name: "Approve" });
      await tabTo(page, approveRadio);
      expect(await approveRadio.isChecked()).toBe(true);
      await page.keyboard.press("ArrowRight");
      expect(await page.getByRole("radio", { name: "Request changes" }).isChecked()).toBe(true);
      await page.keyboard.press("ArrowLeft");
      await page.keyboard.press("Space");
      expect(await approveRadio.isChecked()).toBe(true);
      await tabTo(page, page.getByLabel("Note (required when you request changes)"));
      await page.keyboard.type(`Akkoord namens OCW: ${title}.`, { delay: 5 });
      await tabTo(page, page.getByRole("button", { name: "Record decision" }));
      await page.keyboard.press("Enter");
      // The decision shows as the organisation's outcome.
      const ocw = organisation(page, "OCW");
      await expect.poll(async () => (await ocw.getAttribute("data-decision")) === "approve" && (await ocw.innerText()), { timeout: 30_000 }).toMatch(/approved[\s\S]*Anouk Visser/);
      expect(await ocw.innerText()).toContain(`Akkoord namens OCW: ${title}.`);
      await expect.poll(() => badge(page).innerText(), { timeout: 30_000 }).toContain("Approved");
      await axe(page, `approver: review of ${title}, decided`);
      if (i === 0) await shot(page, "keyboard-approver-decided");
    }
    expect(problems).toEqual([]);
    expect(found).toEqual({});
  });

  it("the minister's office signs each section off through the confirmation dialog and publishes the workspace", async () => {
    const page = await people.signedInPage("office@minister.example");
    const sectionIds = await people.server.sectionIds(WS.labour);
    for (const [i, title] of SECTIONS.entries()) {
      await page.goto(`${people.server.url}/`);
      await hydrated(page);
      await axe(page, `office: dashboard, ${i} of 3 signed off`);
      const waiting = page.locator('[data-waiting-kind="signoff.ready"]', { hasText: title });
      await tabTo(page, waiting.getByRole("link", { name: `${title} · ${WS.labour}` }));
      await follow(page, /\/review$/);
      await axe(page, `office: review of ${title}`);
      const signOff = page.getByRole("button", { name: "Sign off and lock" });
      await tabTo(page, signOff);
      await page.keyboard.press("Enter");
      const dialog = page.getByRole("dialog", { name: "Sign off and lock this section?" });
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain("locked");
      // The focus is on the safe choice; Escape closes and gives the focus back to the button.
      expect(await hasFocus(dialog.getByRole("button", { name: "Cancel" }))).toBe(true);
      await axe(page, `office: review of ${title}, confirmation dialog`);
      if (i === 0) {
        await page.keyboard.press("Escape");
        await dialog.waitFor({ state: "hidden" });
        expect(await hasFocus(signOff)).toBe(true);
        expect(await badge(page).innerText()).toContain("Approved");
        await page.keyboard.press("Enter");
        await dialog.waitFor();
      }
      await tabTo(page, dialog.getByRole("button", { name: "Sign off and lock" }));
      await page.keyboard.press("Enter");
      await page.locator("[data-locked]").filter({ hasText: "Final and locked: signed off by Otto Brouwer" }).waitFor({ timeout: 60_000 });
      await expect.poll(() => badge(page).innerText(), { timeout: 30_000 }).toContain("Final");
      await axe(page, `office: review of ${title}, signed off`);
    }

    // The section shows locked: its text read-only, who locked it.
    await page.goto(`${people.server.url}/s/${sectionIds[1]}`);
    await hydrated(page);
    await editorReady(page);
    await axe(page, "office: section, locked");
    expect(await badge(page).innerText()).toContain("Final");
    expect(await page.locator(".page-heading .alert--locked").innerText()).toContain("Locked by Otto Brouwer");
    await expect.poll(() => page.getByTestId("editor-mode").innerText(), { timeout: 15_000 }).toContain("Locked by Otto Brouwer");
    expect(await page.locator(".ov-editor__prose").getAttribute("contenteditable")).toBe("false");

    // Publishing: from the section to its workspace by the breadcrumb, the publish button, the dialog.
    await tabTo(page, page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: WS.labour }));
    await follow(page, /^\/w\/[^/]+$/);
    await axe(page, "office: workspace");
    const publish = page.getByRole("button", { name: "Publish this workspace" });
    await tabTo(page, publish);
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Publish this workspace?" });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain("can no longer be edited");
    await axe(page, "office: workspace, confirmation dialog");
    await tabTo(page, dialog.getByRole("button", { name: "Publish" }));
    await page.keyboard.press("Enter");
    // Published: every section says so, and the signed publication package is there to download.
    for (const sectionId of sectionIds) {
      await expect.poll(() => page.locator(`[data-section-id="${sectionId}"] .badge`).innerText(), { timeout: 30_000 }).toContain("Published");
    }
    expect(await page.getByText("Published.", { exact: true }).isVisible()).toBe(true);
    const pkg = page.getByRole("link", { name: "Signed publication package (ZIP)" });
    await tabTo(page, pkg);
    const response = await page.request.get(`${people.server.url}${await pkg.getAttribute("href")}`);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("zip");
    await axe(page, "office: workspace, published");
    await shot(page, "keyboard-office-published");
    expect(problems).toEqual([]);
    expect(found).toEqual({});
  });
});
