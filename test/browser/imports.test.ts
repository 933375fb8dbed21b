/**
 * Importing files in the browser (ADR 030): the owner replaces a section's text with a Markdown
 * file while a drafter has the section open (the drafter's editor shows the new headings, list and
 * table without reloading); a damaged Word file is refused with the reason and nothing changes; a
 * file becomes a new section from the workspace page, titled by its first heading; another is split
 * into sections at its top-level headings, after a preview.
 */
import { strToU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { peopleInBrowsers } from "./support/browser";
import { WS } from "../support/fixtures";

const people = peopleInBrowsers({ width: 1280, height: 1400 });
const { problems, signedInPage, openSection, shot } = people;

const MARKDOWN = "# Brief van de minister\n\nDe minister **besluit** tot een contactpunt.\n\n## Taken\n\n- Vergunningen\n- Financiering\n\n| Partij | Rol |\n| --- | --- |\n| EZ | Trekker |\n";

describe("importing a file in the browser", () => {
  it("replaces a section's text live for a co-editor, refuses a damaged file, and adds a new section from a file", async () => {
    const { server } = people;
    const workspaceId = await server.workspaceId(WS.contactPoint);
    const [sectionId] = await server.sectionIds(WS.contactPoint);
    const lead = await signedInPage("lead@ez.example");
    const drafter = await signedInPage("drafter@kgg.example");
    await Promise.all([openSection(lead, sectionId), openSection(drafter, sectionId)]);
    // The viewer is not offered the import.
    const viewer = await signedInPage("viewer@tno.example");
    await openSection(viewer, sectionId);
    expect(await viewer.locator("[data-import=section]").count()).toBe(0);

    // ── a damaged Word file: the reason, nothing changed ─────────────────────────────────────────
    await lead.getByText("Import a file", { exact: true }).click();
    const form = lead.locator("form[data-form=import-section]");
    await form.locator("input[type=file]").setInputFiles({ name: "brief.docx", mimeType: "application/octet-stream", buffer: Buffer.from(strToU8("PK\u0003\u0004 damaged")) });
    await form.getByRole("button", { name: "Import and replace the text" }).click();
    const error = form.getByRole("alert");
    await expect.poll(() => error.getAttribute("data-error-code"), { timeout: 15_000 }).toBe("import_unreadable");
    expect(await error.innerText()).toMatch(/cannot be read.*Nothing was changed/);
    expect(await drafter.locator(".ov-editor__prose").innerText()).toContain("centraal contactpunt opgericht");

    // ── Markdown replaces the text; the drafter sees it without reloading ───────────────────────
    await form.locator("input[type=file]").setInputFiles({ name: "brief.md", mimeType: "text/markdown", buffer: Buffer.from(MARKDOWN) });
    await form.getByRole("button", { name: "Import and replace the text" }).click();
    await form.getByRole("status").filter({ hasText: "The text of brief.md is now this section's text" }).waitFor({ timeout: 15_000 });
    const prose = drafter.locator(".ov-editor__prose");
    await prose.locator("h2", { hasText: "Brief van de minister" }).waitFor({ timeout: 15_000 });
    expect(await prose.locator("h3").allInnerTexts()).toEqual(["Taken"]);
    expect(await prose.locator("ul > li").allInnerTexts()).toEqual(["Vergunningen", "Financiering"]);
    expect(await prose.locator("table th").allInnerTexts()).toEqual(["Partij", "Rol"]);
    expect(await prose.locator("strong").allInnerTexts()).toEqual(["besluit"]);
    expect(await prose.innerText()).not.toContain("centraal contactpunt opgericht");
    await shot(lead, "import-section");

    // ── a new section from a file, on the workspace page ──────────────────────────────────────────
    await lead.goto(`${server.url}/w/${workspaceId}`);
    const add = lead.locator("form[data-form=import-new]");
    await add.locator("input[type=file]").setInputFiles({ name: "positie.md", mimeType: "text/markdown", buffer: Buffer.from("# Positie van België\n\nBelgië steunt het voorstel.\n") });
    await add.getByRole("button", { name: "Import as new section" }).click();
    await lead.waitForURL(/\/s\/[0-9a-f-]+$/, { timeout: 15_000 });
    expect(lead.url()).not.toContain(sectionId);
    await lead.getByRole("heading", { level: 1, name: "Positie van België" }).waitFor({ timeout: 15_000 });
    await lead.locator(".ov-editor__prose", { hasText: "België steunt het voorstel." }).waitFor({ timeout: 20_000 });

    // ── split at top-level headings: the preview first, then the sections ────────────────────────
    await lead.goto(`${server.url}/w/${workspaceId}`);
    const split = lead.locator("form[data-form=import-new]");
    await split.locator("input[type=file]").setInputFiles({ name: "standpunten.md", mimeType: "text/markdown", buffer: Buffer.from("# Standpunt België\n\nSteun.\n\n# Standpunt Duitsland\n\nVragen.\n") });
    await split.getByLabel("One section per top-level heading of the file").check();
    await split.getByRole("button", { name: "Preview" }).click();
    const preview = split.locator("[data-import-preview]");
    await preview.waitFor({ timeout: 15_000 });
    expect(await preview.locator("li").allInnerTexts()).toEqual(["Standpunt België", "Standpunt Duitsland"]);
    expect(await lead.locator("ol.section-list .section-list__title").allInnerTexts()).not.toContain("Standpunt België");
    await split.getByRole("button", { name: "Import as new section" }).click();
    await split.getByRole("status").filter({ hasText: "The sections of standpunten.md were added." }).waitFor({ timeout: 15_000 });
    await expect.poll(() => lead.locator("ol.section-list .section-list__title").allInnerTexts(), { timeout: 15_000 }).toEqual(expect.arrayContaining(["Positie van België", "Standpunt België", "Standpunt Duitsland"]));

    expect(problems).toEqual([]);
  });
});
