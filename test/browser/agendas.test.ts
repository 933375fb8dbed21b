/**
 * The agenda journey (issue 13, ADR 024): an admin creates a second agenda and names two owners; the
 * first owner creates two workspaces and puts them in another order with the keyboard (the new place
 * announced), while the second owner's agenda page, open all along, shows each change live.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { peopleInBrowsers } from "./support/browser";

const OWNER = "drafter@kgg.example";
const SECOND = "expert@fme.example";
const TITLE = "Circular economy action agenda";

describe("an admin creates an agenda; its owners create and order workspaces, seen live", () => {
  const people = peopleInBrowsers({ width: 1280, height: 900 });
  let agendaPath: string;
  let owner: Page;
  let second: Page;

  const order = (page: Page) => page.getByRole("list", { name: "Workspaces" }).getByRole("listitem").getByRole("link").allInnerTexts();

  it("lets the admin create the agenda and name its owners", async () => {
    const admin = await people.signedInPage("admin@overleg.example");
    await admin.goto(`${people.server.url}/admin/agendas`);
    await admin.getByLabel("Title").fill(TITLE);
    await admin.getByLabel("Publication date").fill("2027-06-30");
    await admin.getByLabel("Language of the text").selectOption("en");
    await admin.locator("#agenda-owners").selectOption([{ label: "Daan Kramer (KGG)" }, { label: "Fatima El Amrani (FME)" }]);
    await admin.getByRole("button", { name: "Create the agenda" }).click();
    await admin.getByRole("status").filter({ hasText: "The agenda was created." }).waitFor();
    const row = admin.getByRole("row").filter({ hasText: TITLE });
    await expect(row.getByTestId("owner-names").innerText()).resolves.toBe("Daan Kramer, Fatima El Amrani");
    agendaPath = (await row.getByRole("link", { name: TITLE }).getAttribute("href"))!;
    expect(agendaPath).toMatch(/^\/a\/[^/]+$/);
  });

  it("shows the new agenda to its owners, who create two workspaces while the other watches", async () => {
    second = await people.signedInPage(SECOND);
    await second.goto(`${people.server.url}${agendaPath}`);
    await second.getByRole("heading", { level: 1, name: TITLE }).waitFor();
    owner = await people.signedInPage(OWNER);
    await owner.goto(`${people.server.url}/`);
    await owner.getByRole("link", { name: TITLE }).click();
    await owner.getByRole("heading", { level: 1, name: TITLE }).waitFor();
    for (const title of ["Plastics", "Textiles"]) {
      await owner.locator("#new-title").fill(title);
      await owner.getByRole("button", { name: "Create the workspace" }).click();
      await owner.getByRole("list", { name: "Workspaces" }).getByRole("link", { name: title, exact: true }).waitFor();
      // The list may show it first (the live reload of the page); the form is ready for the next once emptied.
      await expect.poll(() => owner.locator("#new-title").inputValue()).toBe("");
    }
    expect(await order(owner)).toEqual(["Plastics", "Textiles"]);
    // The second owner's page followed without a reload.
    await second.getByRole("list", { name: "Workspaces" }).getByRole("link", { name: "Textiles", exact: true }).waitFor();
    expect(await order(second)).toEqual(["Plastics", "Textiles"]);
  });

  it("reorders by keyboard, announces the new place, and the second owner sees it live", async () => {
    await owner.getByRole("button", { name: "Move Textiles up" }).focus();
    await owner.keyboard.press("Enter");
    await owner.getByTestId("order-announcement").filter({ hasText: "Textiles is now at position 1 of 2." }).waitFor();
    await expect.poll(() => order(owner)).toEqual(["Textiles", "Plastics"]);
    // Focus stays with the moved workspace (its up button is now disabled, so its down button).
    await expect.poll(() => owner.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Move Textiles down");
    await expect.poll(() => order(second), { timeout: 10_000 }).toEqual(["Textiles", "Plastics"]);
    // And back with the keyboard again, from where the focus is.
    await owner.keyboard.press("Enter");
    await owner.getByTestId("order-announcement").filter({ hasText: "Textiles is now at position 2 of 2." }).waitFor();
    await expect.poll(() => order(second), { timeout: 10_000 }).toEqual(["Plastics", "Textiles"]);
    await people.shot(owner, "agenda-owner");
  });

  it("raised no errors in the browsers' consoles", () => {
    expect(people.problems).toEqual([]);
  });
});
