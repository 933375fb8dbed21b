/**
 * An owner shapes a workspace's sections in the browser while a second owner watches the same page
 * (each in a Chromium context of their own): sections added from the agenda's template, one renamed,
 * the order changed with the mouse (drag and drop) and with the keyboard (the new place announced),
 * one moved to another workspace, one archived and restored. A drafter with the archived section open
 * in the editor is disconnected and told why.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { caretToEnd, peopleInBrowsers } from "./support/browser";
import { WS } from "../support/fixtures";

const people = peopleInBrowsers({ width: 1280, height: 1600 });
const { problems, signedInPage, shot } = people;

const items = (page: Page) => page.locator("ol.section-list > li.section-list__item");
const order = (page: Page) => items(page).evaluateAll((lis) => lis.map((li) => li.getAttribute("data-section-id") ?? ""));
const titles = (page: Page) => page.locator("ol.section-list .section-list__title").allInnerTexts();
const row = (page: Page, title: string) => items(page).filter({ has: page.getByRole("link", { name: title, exact: true }) });

let offtake: string;
let financing: string;

beforeAll(async () => {
  const { server } = people;
  offtake = await server.workspaceId(WS.offtake);
  financing = await server.workspaceId(WS.financing);
  const { db, t } = server.database;
  // A second owner of both workspaces.
  await db
    .update(t.memberships)
    .set({ role: "owner" })
    .where(and(eq(t.memberships.userId, await server.userId("expert@fme.example")), inArray(t.memberships.workspaceId, [offtake, financing])));
});

describe("shaping a workspace's sections in the browser", () => {
  it("adds, renames, reorders (mouse and keyboard), moves, archives and restores, live on the second owner's page", async () => {
    const lead = await signedInPage("lead@ez.example");
    const second = await signedInPage("expert@fme.example");
    await Promise.all([lead.goto(`${people.server.url}/w/${offtake}`), second.goto(`${people.server.url}/w/${offtake}`)]);
    const start = await titles(lead);
    expect(start).toEqual(["Aanleiding", "Aanbeveling", "Acties en planning"]);
    // Both pages are live (each sees the other present) before anything changes.
    await second.locator(".ov-here__person", { hasText: "Eva de Leeuw" }).waitFor({ timeout: 20_000 });
    await lead.locator(".ov-here__person", { hasText: "Fatima El Amrani" }).waitFor({ timeout: 20_000 });

    // ── from the template: all three sections ───────────────────────────────────────────────────
    const addPanel = lead.getByRole("region", { name: "Add sections" });
    await addPanel.getByLabel("From a template of the agenda").selectOption({ label: "Aanbeveling (Aanleiding, Aanbeveling, Acties en planning): all sections" });
    await addPanel.getByRole("button", { name: "Add from template" }).click();
    await expect.poll(() => items(lead).count(), { timeout: 15_000 }).toBe(6);
    await expect.poll(() => items(second).count(), { timeout: 15_000 }).toBe(6);

    // ── rename the fourth ───────────────────────────────────────────────────────────────────────
    const fourth = items(lead).nth(3);
    await fourth.locator("summary").click();
    await fourth.getByLabel("Title").fill("Aanleiding voor partners");
    await fourth.getByRole("button", { name: "Rename" }).click();
    await expect.poll(() => titles(second), { timeout: 15_000 }).toContain("Aanleiding voor partners");
    await items(lead).nth(3).locator("summary").click(); // closed again

    // ── the mouse: drag the last section to the top ─────────────────────────────────────────────
    const before = await order(lead);
    const last = before[before.length - 1];
    const from = (await lead.locator(`li[data-section-id="${last}"] [data-drag-handle]`).boundingBox())!;
    const onto = (await lead.locator(`li[data-section-id="${before[0]}"]`).boundingBox())!;
    await lead.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await lead.mouse.down();
    await lead.mouse.move(onto.x + 60, onto.y + onto.height / 2, { steps: 8 });
    await lead.mouse.move(onto.x + 60, onto.y + 4, { steps: 4 });
    await lead.mouse.up();
    const dragged = [last, ...before.slice(0, -1)];
    await expect.poll(() => order(lead), { timeout: 15_000 }).toEqual(dragged);
    await expect.poll(() => order(second), { timeout: 15_000 }).toEqual(dragged);
    await expect.poll(() => lead.getByTestId("order-announcement").innerText()).toMatch(/is now at position 1 of 6\./);

    // ── the keyboard: move the first section down, focus stays on its button ──────────────────
    const firstTitle = (await titles(lead))[0];
    // (two sections share this title now: the button of the first one)
    const down = lead.locator(`li[data-section-id="${dragged[0]}"]`).getByRole("button", { name: `Move ${firstTitle} down` });
    await down.focus();
    await lead.keyboard.press("Enter");
    const keyed = [dragged[1], dragged[0], ...dragged.slice(2)];
    await expect.poll(() => order(lead), { timeout: 15_000 }).toEqual(keyed);
    await expect.poll(() => lead.getByTestId("order-announcement").innerText()).toBe(`${firstTitle} is now at position 2 of 6.`);
    expect(await lead.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe(`Move ${firstTitle} down`);
    await expect.poll(() => order(second), { timeout: 15_000 }).toEqual(keyed);
    await shot(lead, "sections-reordered");

    // ── move the renamed section to the other workspace ─────────────────────────────────────────
    const renamed = row(lead, "Aanleiding voor partners");
    const movedId = (await renamed.getAttribute("data-section-id"))!;
    if (!(await renamed.locator("details").getAttribute("open"))) await renamed.locator("summary").click();
    await renamed.getByLabel("Move to workspace").selectOption({ label: WS.financing });
    await renamed.getByRole("button", { name: "Move", exact: true }).click();
    await expect.poll(() => order(second), { timeout: 15_000 }).not.toContain(movedId);
    await expect.poll(() => order(lead), { timeout: 15_000 }).not.toContain(movedId);
    const { db, t } = people.server.database;
    expect((await db.select({ w: t.sections.workspaceId }).from(t.sections).where(eq(t.sections.id, movedId)))[0].w).toBe(financing);

    // ── archive a section a drafter has open in the editor ─────────────────────────────────────
    const target = (await order(lead))[0];
    const drafter = await signedInPage("drafter@kgg.example");
    await drafter.goto(`${people.server.url}/s/${target}`);
    await drafter.locator('.ov-editor[data-connection="connected"]').waitFor({ timeout: 20_000 });
    // The outline beside the editor follows the live text: a heading typed appears; Enter jumps to it.
    const outline = drafter.getByRole("navigation", { name: "Outline" });
    await outline.getByText("No headings in this text yet.").waitFor();
    await caretToEnd(drafter);
    await drafter.keyboard.press("Enter");
    await drafter.keyboard.type("## Planning voor 2026", { delay: 15 });
    const entry = outline.getByRole("button", { name: "Planning voor 2026" });
    await entry.waitFor({ timeout: 15_000 });
    await entry.focus();
    await drafter.keyboard.press("Enter");
    await expect.poll(() => drafter.evaluate(() => document.activeElement?.classList.contains("ov-editor__prose") ?? false)).toBe(true);
    await drafter.keyboard.type("Kop: ", { delay: 15 });
    await expect.poll(() => outline.getByRole("button").first().innerText(), { timeout: 15_000 }).toBe("Kop: Planning voor 2026");

    const targetRow = lead.locator(`li[data-section-id="${target}"]`);
    await targetRow.locator("summary").click();
    await targetRow.getByRole("button", { name: "Archive" }).click();
    await expect
      .poll(() => drafter.getByTestId("editor-connection").innerText(), { timeout: 15_000 })
      .toBe("An owner archived this section: it can still be read on this page, but no longer changed.");
    expect(await drafter.locator(".ov-editor__prose").getAttribute("contenteditable")).toBe("false");
    await drafter.locator("[data-archived]").waitFor();
    await expect.poll(() => order(second), { timeout: 15_000 }).not.toContain(target);
    await shot(drafter, "sections-archived-editor");

    // ── restore it from the archive ─────────────────────────────────────────────────────────────
    await lead.getByRole("link", { name: "Archived sections (1)" }).click();
    await lead.getByRole("heading", { level: 1, name: "Archived sections" }).waitFor();
    await lead.getByRole("button", { name: /^Restore: / }).click();
    await lead.getByText("The section was restored.").waitFor();
    await expect.poll(() => order(second), { timeout: 15_000 }).toContain(target);
    expect((await order(second)).at(-1)).toBe(target);

    // A live revalidation that the person's own next form submission overtakes is aborted by Remix,
    // which logs it; the submission reloads the page anyway. Anything else is a problem.
    expect(problems.filter((p) => !/^lead@ez\.example: AbortError: signal is aborted without reason/.test(p))).toEqual([]);
  });
});
