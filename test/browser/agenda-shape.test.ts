/**
 * Issue 13's "Done when", as one journey in Chromium: an admin creates a second agenda and names its
 * owners; the first owner creates two workspaces, adds sections, saves them as a template of the
 * agenda and adds them from it to the other workspace, renames and reorders them with the mouse and
 * with the keyboard, moves one to the other workspace, archives and restores one, while the second
 * owner's page shows each change live; a link to another section picked in the editor shows that
 * section's current title; the whole agenda reads in order on its reading view; the
 * drafter's search finds a phrase typed seconds earlier, and the Belgian partner's search finds no
 * word of an organisation-only thread.
 */
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type * as Y from "yjs";
import { anchorOf, post } from "../comments/helpers";
import { connectProvider, synced } from "../collab/helpers";
import { WS } from "../support/fixtures";
import { caretToEnd, peopleInBrowsers } from "./support/browser";

const OWNER = "drafter@kgg.example"; // Daan Kramer (KGG): owner of the new agenda, and the drafter who searches
const SECOND = "expert@fme.example"; // Fatima El Amrani (FME): the second owner, watching
const TITLE = "Circular economy action agenda";

const people = peopleInBrowsers({ width: 1280, height: 1600 });
const { problems, signedInPage, shot } = people;

const items = (page: Page) => page.locator("ol.section-list > li.section-list__item");
const order = (page: Page) => items(page).evaluateAll((lis) => lis.map((li) => li.getAttribute("data-section-id") ?? ""));
const titles = (page: Page) => page.locator("ol.section-list .section-list__title").allInnerTexts();
const row = (page: Page, title: string) => items(page).filter({ has: page.getByRole("link", { name: title, exact: true }) });

async function searchFromHeader(page: Page, words: string): Promise<void> {
  await page.goto(`${people.server.url}/`);
  await page.locator("#header-search-q").focus();
  await page.keyboard.type(words);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/search\?q=/);
}

describe("shaping a second agenda in the browser (issue 13)", () => {
  it("goes from a new agenda to shaped, searchable workspaces, every change live for the second owner", async () => {
    const url = people.server.url;

    // ── the admin creates the agenda and names two owners ───────────────────────────────────────
    const admin = await signedInPage("admin@overleg.example");
    await admin.goto(`${url}/admin/agendas`);
    await admin.getByLabel("Title").fill(TITLE);
    await admin.getByLabel("Language of the text").selectOption("en");
    await admin.locator("#agenda-owners").selectOption([{ label: "Daan Kramer (KGG)" }, { label: "Fatima El Amrani (FME)" }]);
    await admin.getByRole("button", { name: "Create the agenda" }).click();
    await admin.getByRole("status").filter({ hasText: "The agenda was created." }).waitFor();
    const agendaPath = (await admin.getByRole("row").filter({ hasText: TITLE }).getByRole("link", { name: TITLE }).getAttribute("href"))!;

    // ── the owner creates two workspaces (both owners its first owners), the second owner watching ─
    const second = await signedInPage(SECOND);
    await second.goto(`${url}${agendaPath}`);
    await second.getByRole("heading", { level: 1, name: TITLE }).waitFor();
    const owner = await signedInPage(OWNER);
    await owner.goto(`${url}${agendaPath}`);
    for (const title of ["Plastics", "Textiles"]) {
      await owner.locator("#new-title").fill(title);
      await owner.locator("#new-owners").selectOption([{ label: "Daan Kramer (KGG)" }, { label: "Fatima El Amrani (FME)" }]);
      await owner.getByRole("button", { name: "Create the workspace" }).click();
      await owner.getByRole("list", { name: "Workspaces" }).getByRole("link", { name: title, exact: true }).waitFor();
      await second.getByRole("list", { name: "Workspaces" }).getByRole("link", { name: title, exact: true }).waitFor({ timeout: 15_000 });
    }
    const plastics = (await owner.getByRole("list", { name: "Workspaces" }).getByRole("link", { name: "Plastics", exact: true }).getAttribute("href"))!;
    const textiles = (await owner.getByRole("list", { name: "Workspaces" }).getByRole("link", { name: "Textiles", exact: true }).getAttribute("href"))!;

    // ── sections: three blank ones in Plastics, saved as the agenda's template ──────────────────
    await owner.goto(`${url}${plastics}`);
    const add = owner.getByRole("region", { name: "Add sections" });
    for (const [i, title] of ["Background", "Recommendation", "Actions and planning"].entries()) {
      await add.getByLabel("Title of a new blank section").fill(title);
      await add.getByRole("button", { name: "Add blank section" }).click();
      await expect.poll(() => items(owner).count(), { timeout: 15_000 }).toBe(i + 1);
    }
    await owner.getByLabel("Name of the template").fill("Recommendation");
    await owner.getByRole("button", { name: "Save as template" }).click();
    await owner.getByText("The template was saved.").waitFor();

    // ── in Textiles, from the template, while the second owner watches that page ────────────────
    await Promise.all([owner.goto(`${url}${textiles}`), second.goto(`${url}${textiles}`)]);
    await second.locator(".ov-here__person", { hasText: "Daan Kramer" }).waitFor({ timeout: 20_000 });
    await owner
      .getByRole("region", { name: "Add sections" })
      .getByLabel("From a template of the agenda")
      .selectOption({ label: "Recommendation: all sections" });
    await owner.getByRole("region", { name: "Add sections" }).getByRole("button", { name: "Add from template" }).click();
    await expect.poll(() => titles(second), { timeout: 15_000 }).toEqual(["Background", "Recommendation", "Actions and planning"]);

    // ── rename ──────────────────────────────────────────────────────────────────────────────────
    const first = items(owner).nth(0);
    await first.locator("summary").click();
    await first.getByLabel("Title").fill("Background for partners");
    await first.getByRole("button", { name: "Rename" }).click();
    await expect.poll(() => titles(second), { timeout: 15_000 }).toEqual(["Background for partners", "Recommendation", "Actions and planning"]);
    await items(owner).nth(0).locator("summary").click();

    // ── reorder with the mouse: the last one dragged to the top ─────────────────────────────────
    const before = await order(owner);
    const last = before[before.length - 1];
    const from = (await owner.locator(`li[data-section-id="${last}"] [data-drag-handle]`).boundingBox())!;
    const onto = (await owner.locator(`li[data-section-id="${before[0]}"]`).boundingBox())!;
    await owner.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await owner.mouse.down();
    await owner.mouse.move(onto.x + 60, onto.y + onto.height / 2, { steps: 8 });
    await owner.mouse.move(onto.x + 60, onto.y + 4, { steps: 4 });
    await owner.mouse.up();
    const dragged = [last, ...before.slice(0, -1)];
    await expect.poll(() => order(owner), { timeout: 15_000 }).toEqual(dragged);
    await expect.poll(() => order(second), { timeout: 15_000 }).toEqual(dragged);

    // ── reorder with the keyboard: the new place announced ──────────────────────────────────────
    const down = owner.locator(`li[data-section-id="${dragged[0]}"]`).getByRole("button", { name: "Move Actions and planning down" });
    await down.focus();
    await owner.keyboard.press("Enter");
    const keyed = [dragged[1], dragged[0], ...dragged.slice(2)];
    await expect.poll(() => owner.getByTestId("order-announcement").innerText()).toBe("Actions and planning is now at position 2 of 3.");
    await expect.poll(() => order(second), { timeout: 15_000 }).toEqual(keyed);

    // ── move one to Plastics ────────────────────────────────────────────────────────────────────
    const moving = row(owner, "Recommendation");
    const movedId = (await moving.getAttribute("data-section-id"))!;
    if (!(await moving.locator("details").getAttribute("open"))) await moving.locator("summary").click();
    await moving.getByLabel("Move to workspace").selectOption({ label: "Plastics" });
    await moving.getByRole("button", { name: "Move", exact: true }).click();
    await expect.poll(() => order(second), { timeout: 15_000 }).not.toContain(movedId);

    // ── archive one, and restore it ─────────────────────────────────────────────────────────────
    const archived = (await order(owner))[0];
    const archivedRow = owner.locator(`li[data-section-id="${archived}"]`);
    await archivedRow.locator("summary").click();
    await archivedRow.getByRole("button", { name: "Archive" }).click();
    await expect.poll(() => order(second), { timeout: 15_000 }).not.toContain(archived);
    await owner.getByRole("link", { name: "Archived sections (1)" }).click();
    await owner.getByRole("button", { name: /^Restore: / }).click();
    await owner.getByText("The section was restored.").waitFor();
    await expect.poll(() => order(second), { timeout: 15_000 }).toContain(archived);
    await shot(second, "agenda-shape-second-owner");

    // ── the whole agenda on one page, in order ──────────────────────────────────────────────────
    await owner.goto(`${url}${agendaPath}`);
    await owner.getByRole("link", { name: "Read the whole agenda" }).click();
    await owner.getByRole("navigation", { name: "Contents" }).waitFor();
    const contents = await owner.locator(".agenda-reading__toc > ol > li > a").allInnerTexts();
    expect(contents).toEqual(["Plastics", "Textiles"]);
    expect(await owner.locator(`[data-workspace-id] [data-section-id="${movedId}"]`).count()).toBe(1);
    await shot(owner, "agenda-reading");

    // ── the drafter's search finds a phrase typed seconds earlier ───────────────────────────────
    await owner.goto(`${url}/s/${archived}`);
    await owner.locator('.ov-editor[data-connection="connected"]').waitFor({ timeout: 20_000 });
    await owner.locator('.ov-editor__surface[data-ready="true"] .ov-editor__prose').waitFor({ timeout: 20_000 });
    const phrase = "Gerecycled polyester uit Tilburg vervangt nieuwe vezels";
    const typedAt = Date.now();
    const indexed = people.server.search.indexed(archived, (body) => body.includes(phrase));
    await caretToEnd(owner);
    await owner.keyboard.type(` ${phrase}`, { delay: 10 });
    await indexed;
    expect(Date.now() - typedAt).toBeLessThan(10_000);

    // ── a link to another section, picked from the agenda's sections; it shows the current title ─
    await owner.keyboard.type(" See ", { delay: 10 });
    await owner.getByRole("button", { name: "Link", exact: true }).click();
    const dialog = owner.getByRole("dialog", { name: "Add link" });
    // (Plastics holds two sections of that title now: its own, and the one moved there.)
    await dialog.getByLabel("Or a section of this agenda").selectOption(movedId);
    await dialog.getByRole("button", { name: "Save" }).click();
    await owner.locator(`.ov-editor__prose a[href="/s/${movedId}"]`, { hasText: "Recommendation" }).waitFor();
    const linked = people.server.search.indexed(archived, (body) => body.includes("See Recommendation"));
    await linked;
    // Renamed afterwards in its new workspace: the reading view shows the current title, as a link.
    const { db, t } = people.server.database;
    await db.update(t.sections).set({ title: "Recommendation, renamed" }).where(eq(t.sections.id, movedId));
    await owner.goto(`${url}${agendaPath}/read`);
    await owner.locator(`[data-section-id="${archived}"] .prose a[href="/s/${movedId}"]`, { hasText: "Recommendation, renamed" }).waitFor();

    await searchFromHeader(owner, "polyester tilburg");
    await owner.locator(".search-result").first().waitFor();
    expect(await owner.locator(".search-result a").first().getAttribute("href")).toBe(`/s/${archived}`);

    // ── the Belgian partner finds no word of an organisation-only thread of EZ ──────────────────
    const [crossBorder] = await people.server.sectionIds(WS.crossBorder);
    const { cookie: leadCookie } = await people.server.signIn("lead@ez.example");
    const client = connectProvider(url, crossBorder, { cookie: leadCookie, origin: url });
    try {
      await synced(client);
      const doc: Y.Doc = client.doc;
      const thread = await post(url, leadCookie, crossBorder, {
        intent: "create",
        ...anchorOf(doc, "Clusterplan Antwerpen–Rotterdam"),
        visibility: "organisation",
        body: "Onderhandelingsruimte: de zinkheffing blijft tot de laatste ronde op tafel",
      });
      expect(thread.status).toBe(200);
    } finally {
      client.destroy();
    }
    await people.server.search.settled();
    const leadFinds = await (await fetch(`${url}/api/v1/search?q=zinkheffing`, { headers: { cookie: leadCookie } })).json();
    expect((leadFinds as { total: number }).total).toBe(1);
    const partner = await signedInPage("partner@be.example");
    await searchFromHeader(partner, "zinkheffing");
    expect(await partner.locator(".search-results__count").innerText()).toMatch(/^Nothing found/);
    expect(await partner.content()).not.toContain("Onderhandelingsruimte");

    // A live revalidation overtaken by the person's own next form submission is aborted by Remix,
    // which logs it; the submission reloads the page anyway. Anything else is a problem.
    expect(problems.filter((p) => !/AbortError: signal is aborted without reason/.test(p))).toEqual([]);
  });
});
