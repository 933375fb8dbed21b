/**
 * The whole review path in the browser, each person in their own browser context: the lead of EZ
 * adds a second approving organisation, edits the section in the live editor and requests review;
 * KGG and FME approve; one typed character makes the approvals stale; they approve again; the
 * minister's office signs off; the editor shows locked and typing changes nothing; the office
 * publishes the workspace and downloads the agenda, and its signed publication package, which verifies.
 * Runs against the built app (startTestServer({ remix: "build" })) and Debian's /usr/bin/chromium.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strFromU8, unzipSync, zipSync } from "fflate";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { verifyPackage } from "../../server/services/publication/package";
import { startTestServer, type TestServer } from "../support/server";
import { caretToEnd, CHROMIUM_ARGS, CHROMIUM_PATH, signIn } from "./support/browser";
import { WS } from "../support/fixtures";

const WORKSPACE = WS.contactPoint;
const SECTION_TEXT = "In het kader van de Critical Raw Materials Act wordt een centraal contactpunt opgericht";
const ADDED = `Het contactpunt opent in het eerste kwartaal ${Date.now()}`;

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

/** A fresh browser context (English), signed in through the sign-in page. */
async function person(email: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.url, locale: "en-GB", timezoneId: "Europe/Amsterdam", viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  contexts.push(context);
  await context.addCookies([{ name: "overleg_lang", value: "en", url: server.url }]);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (error) => problems.push(`${email}: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !/Failed to load resource/.test(message.text())) problems.push(`${email}: ${message.text()}`);
  });
  await signIn(page, email);
  return page;
}

/** Reloads `page` until `check` holds, at most `timeout` ms; fails with `what`. */
async function untilShown(page: Page, what: string, check: () => Promise<boolean>, timeout = 30_000): Promise<void> {
  const end = Date.now() + timeout;
  for (;;) {
    page.setDefaultTimeout(5_000);
    let last = "";
    const ok = await check().catch((error: Error) => ((last = ` (last: ${error.message.split("\n")[0]})`), false));
    page.setDefaultTimeout(30_000);
    if (ok) return hydrated(page);
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what} on ${page.url()}${last}`);
    await page.reload();
  }
}

async function openEditor(page: Page, sectionId: string, connected = true): Promise<void> {
  await page.goto(`/s/${sectionId}`);
  if (connected) await page.locator('.ov-editor[data-connection="connected"]').waitFor({ timeout: 30_000 });
  await page.locator('.ov-editor__surface[data-ready="true"] .ov-editor__prose').waitFor({ timeout: 30_000 });
  await hydrated(page);
  await expect.poll(() => page.locator(".ov-editor__prose").innerText(), { timeout: 15_000, message: "the section text in the editor" }).toContain(SECTION_TEXT);
}

/** Waits until the page is hydrated, so forms and the editor respond to clicks. */
async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => "__remixRouter" in window, undefined, { timeout: 30_000 });
}

const badge = (page: Page) => page.locator(".page-heading .badge").first();
const organisation = (page: Page, code: string) => page.locator(`.review-orgs li[data-organisation="${code}"]`);

/** An approver opens the review page and approves the text they see there. */
const DECIDED = "Your decision is recorded with the content hash of the text you saw.";

async function approve(page: Page, sectionId: string, code: string, note: string, confirmed = false): Promise<void> {
  await page.goto(`/s/${sectionId}/review`);
  await page.getByRole("heading", { name: "Your decision" }).waitFor();
  await hydrated(page);
  await page.getByRole("radio", { name: "Approve" }).check();
  await page.getByLabel("Note (required when you request changes)").fill(note);
  await page.getByRole("button", { name: "Record decision" }).click();
  const recorded = async () => {
    const alert = page.getByRole("alert");
    if (await alert.count()) throw new Error(`the decision was refused: ${await alert.first().innerText()}`);
    const li = organisation(page, code);
    return (await li.getAttribute("data-decision")) === "approve" && (await li.getAttribute("data-stale")) === "false" && (await li.innerText()).includes(note);
  };
  if (confirmed) {
    // The page that recorded the decision confirms it and shows it, without a reload.
    await page.getByText(DECIDED).waitFor({ timeout: 30_000 });
    await expect.poll(recorded, { timeout: 30_000, message: `the approval of ${code} on the current text` }).toBe(true);
    return;
  }
  // The confirmation can be replaced by a live refresh of the page; what stays is the organisation's decision.
  await untilShown(page, `the approval of ${code} on the current text`, recorded, 60_000);
}

describe("the review path in the browser", () => {
  it("goes from an edit to a signed, locked, published and downloaded section", async () => {
    const workspaceId = await server.workspaceId(WORKSPACE);
    const [sectionId] = await server.sectionIds(WORKSPACE);

    // The lead (owner) adds FME as a second approving organisation next to KGG, on the workspace page.
    const lead = await person("lead@ez.example");
    await lead.goto(`/w/${workspaceId}`);
    await lead.getByRole("heading", { level: 1, name: WORKSPACE }).waitFor();
    await hydrated(lead);
    expect(await lead.locator(".facts div", { hasText: "My role" }).locator("dd").innerText()).toContain("Owner");
    const approvers = lead.getByRole("region", { name: "Approving organisations" });
    expect(await approvers.getByLabel("Ministerie van Klimaat en Groene Groei").isChecked()).toBe(true);
    await approvers.getByLabel("FME", { exact: true }).check();
    await approvers.getByRole("button", { name: "Save approving organisations" }).click();
    await untilShown(lead, "FME among the approving organisations", async () =>
      (await lead.locator(".facts div", { hasText: "Approving organisations" }).locator("dd").innerText()).includes("FME"),
    );

    // The lead edits the section in the live editor.
    await openEditor(lead, sectionId);
    expect(await badge(lead).innerText()).toContain("Draft");
    const prose = lead.locator(".ov-editor__prose");
    expect(await prose.getAttribute("contenteditable")).toBe("true");
    await caretToEnd(lead);
    await lead.keyboard.press("Enter");
    await lead.keyboard.type(ADDED, { delay: 10 });
    await expect.poll(async () => (await prose.innerText()).trimEnd(), { timeout: 15_000 }).toMatch(new RegExp(`\\n${ADDED}$`));

    // …and requests review once the review page shows the edited text.
    await lead.goto(`/s/${sectionId}/review`);
    await untilShown(lead, "the edited text on the review page", async () => (await lead.locator("[data-review-text]").innerText()).includes(ADDED));
    const request = lead.getByRole("region", { name: "Request review" });
    expect(await request.innerText()).toMatch(/goes to: .*Ministerie van Klimaat en Groene Groei/);
    expect(await request.innerText()).toContain("FME");
    await request.getByRole("button", { name: "Request review" }).click();
    await untilShown(lead, "the section in review", async () => (await badge(lead).innerText()).includes("In review"));
    expect(await organisation(lead, "KGG").innerText()).toContain("No decision yet");
    expect(await organisation(lead, "FME").innerText()).toContain("No decision yet");
    // The lead is not an approver: no decision form.
    expect(await lead.getByRole("heading", { name: "Your decision" }).count()).toBe(0);

    // Two approvers of the required organisations approve, each in their own browser.
    const kgg = await person("drafter@kgg.example");
    const fme = await person("expert@fme.example");
    await approve(kgg, sectionId, "KGG", "Akkoord namens KGG.");
    await untilShown(kgg, "the KGG approval by Daan Kramer", async () => {
      const shown = await organisation(kgg, "KGG").innerText();
      return shown.includes("approved by Daan Kramer");
    });
    await approve(fme, sectionId, "FME", "Akkoord namens FME.", true);
    // Without reloading: the page that just recorded the decision shows the outcome live.
    await expect
      .poll(
        async () =>
          (await fme.getByText("Every required organisation approved the current text.").isVisible()) && (await badge(fme).innerText()).includes("Approved"),
        { timeout: 30_000 },
      )
      .toBe(true);
    expect(await organisation(fme, "FME").innerText()).toContain("Fatima El Amrani");

    // The lead types one character: the approvals no longer match the text.
    await openEditor(lead, sectionId);
    await expect.poll(() => prose.innerText(), { timeout: 15_000 }).toContain(ADDED);
    await caretToEnd(lead);
    await lead.keyboard.type(".");
    await expect.poll(() => prose.innerText(), { timeout: 15_000 }).toContain(`${ADDED}.`);
    await kgg.goto(`/s/${sectionId}/review`);
    await untilShown(kgg, "the KGG approval shown as stale and the section back in review", async () =>
      (await organisation(kgg, "KGG").innerText()).includes("Approval is stale (the text changed)") && (await badge(kgg).innerText()).includes("In review"),
    );
    expect(await organisation(kgg, "FME").innerText()).toContain("Approval is stale (the text changed)");
    expect(await organisation(kgg, "KGG").getByRole("link", { name: "What changed since you approved" }).isVisible()).toBe(true);
    expect(await kgg.getByText("Every required organisation approved the current text.").count()).toBe(0);
    // FME's page, open since its decision, is refreshed live by the edit (no reload) and still confirms the decision.
    await expect
      .poll(async () => (await organisation(fme, "FME").innerText()).includes("Approval is stale (the text changed)"), { timeout: 30_000 })
      .toBe(true);
    expect(await fme.getByText(DECIDED).isVisible()).toBe(true);

    // The office cannot sign yet: no sign-off while the approvals are stale.
    const office = await person("office@minister.example");
    await office.goto(`/s/${sectionId}/review`);
    await office.getByRole("heading", { level: 1, name: /^Review: / }).waitFor();
    expect(await organisation(office, "FME").getAttribute("data-stale")).toBe("true");
    expect(await office.getByRole("button", { name: "Sign off and lock" }).count()).toBe(0);

    // Both re-approve the text as it is now.
    await approve(kgg, sectionId, "KGG", "Opnieuw akkoord door KGG.");
    await approve(fme, sectionId, "FME", "Opnieuw akkoord door FME.");
    await untilShown(office, "the approvals fresh again and the section approved", async () =>
      (await badge(office).innerText()).includes("Approved") &&
      (await office.getByRole("button", { name: "Sign off and lock" }).isVisible()) &&
      (await office.getByRole("button", { name: "Sign off and lock" }).isEnabled()),
    );
    for (const code of ["KGG", "FME"]) expect(await organisation(office, code).getAttribute("data-stale")).toBe("false");

    // The minister's office signs off, after a confirmation that says what happens; Escape cancels it
    // and gives the focus back to the button.
    const signOffButton = office.getByRole("button", { name: "Sign off and lock" });
    await signOffButton.focus();
    await office.keyboard.press("Enter");
    const dialog = office.getByRole("dialog", { name: "Sign off and lock this section?" });
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/locked[\s\S]*Every member of the workspace is told/);
    expect(await office.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
    await office.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await office.evaluate(() => document.activeElement?.textContent)).toBe("Sign off and lock");
    expect(await badge(office).innerText()).toContain("Approved");
    await office.keyboard.press("Enter");
    await dialog.getByRole("button", { name: "Sign off and lock" }).click();
    await office.locator("[data-locked]").filter({ hasText: "Final and locked: signed off by Otto Brouwer" }).waitFor({ timeout: 60_000 });
    // The confirmation stays through the live refresh the sign-off itself causes, and the record stays.
    await expect.poll(async () => (await badge(office).innerText()).includes("Final"), { timeout: 30_000 }).toBe(true);
    expect(await office.getByText("Signed off. The section is final and locked.").isVisible()).toBe(true);
    expect(await office.getByRole("button", { name: "Sign off and lock" }).count()).toBe(0);
    const record = office.locator("[data-approval-record]");
    expect(await record.locator('[data-decision="approve"]', { hasText: /: approved by .+, / }).count()).toBe(2);
    expect(await record.innerText()).toMatch(/Signed off and locked by Otto Brouwer/);
    expect(await office.getByText("No review is open for this section.").count()).toBe(0);
    expect(await office.getByRole("button", { name: "Reopen the section" }).isVisible()).toBe(true);

    // The lead's editor is locked: read-only, says who locked it, and typing changes nothing.
    await openEditor(lead, sectionId, false);
    expect(await badge(lead).innerText()).toContain("Final");
    expect(await lead.locator(".page-heading .alert--locked").innerText()).toContain("Locked by Otto Brouwer");
    expect(await lead.locator("[data-approval-record]").innerText()).toMatch(/approved by[\s\S]*Signed off and locked by Otto Brouwer/);
    await expect.poll(() => lead.getByTestId("editor-mode").innerText(), { timeout: 15_000 }).toContain("Locked by Otto Brouwer");
    expect(await prose.getAttribute("contenteditable")).toBe("false");
    expect(await lead.locator('[role="toolbar"]').count()).toBe(0);
    const finalText = await prose.innerText();
    expect(finalText).toContain(`${ADDED}.`);
    await prose.click();
    await lead.keyboard.type("Na vaststelling", { delay: 10 });
    await lead.keyboard.press("Enter");
    expect(await prose.innerText()).toBe(finalText);
    await openEditor(lead, sectionId, false);
    expect(await prose.innerText()).not.toContain("Na vaststelling");

    // Every section of the workspace is final: the office publishes it.
    await office.goto(`/w/${workspaceId}`);
    await office.getByRole("heading", { level: 1, name: WORKSPACE }).waitFor();
    await hydrated(office);
    const sectionRow = office.locator(`[data-section-id="${sectionId}"]`);
    expect(await sectionRow.locator(".badge").innerText()).toContain("Final");
    await office.getByRole("button", { name: "Publish this workspace" }).click();
    const publishDialog = office.getByRole("dialog", { name: "Publish this workspace?" });
    await publishDialog.waitFor();
    await publishDialog.getByRole("button", { name: "Publish" }).click();
    // The confirmation survives the live refresh; the button for what is done is gone.
    await expect.poll(async () => (await sectionRow.locator(".badge").innerText()).includes("Published"), { timeout: 30_000 }).toBe(true);
    expect(await office.getByText("Published.", { exact: true }).isVisible()).toBe(true);
    expect(await office.getByRole("button", { name: "Publish this workspace" }).count()).toBe(0);

    // …and downloads the agenda as Markdown, as Word and as OpenDocument.
    const [markdown] = await Promise.all([office.waitForEvent("download", { timeout: 60_000 }), office.getByRole("link", { name: "Markdown" }).click()]);
    expect(markdown.suggestedFilename()).toMatch(/\.md$/);
    expect(markdown.suggestedFilename()).not.toContain("concept");
    const mdPath = await markdown.path();
    const md = readFileSync(mdPath, "utf8");
    expect(md).toContain(SECTION_TEXT);
    expect(md).toContain(`${ADDED}.`);
    expect(md).not.toContain("Na vaststelling");

    const [docx] = await Promise.all([office.waitForEvent("download", { timeout: 60_000 }), office.getByRole("link", { name: "Word (DOCX)" }).click()]);
    expect(docx.suggestedFilename()).toMatch(/\.docx$/);
    const docxPath = await docx.path();
    expect(statSync(docxPath).size).toBeGreaterThan(1000);
    expect(readFileSync(docxPath).subarray(0, 2).toString("latin1")).toBe("PK");

    // …and as OpenDocument: an ODF package (its `mimetype` entry first), not marked concept.
    const [odt] = await Promise.all([office.waitForEvent("download", { timeout: 60_000 }), office.getByRole("link", { name: "OpenDocument (ODT)" }).click()]);
    expect(odt.suggestedFilename()).toMatch(/\.odt$/);
    expect(odt.suggestedFilename()).not.toContain("concept");
    expect(readFileSync(await odt.path()).subarray(30, 77).toString("latin1")).toBe("mimetypeapplication/vnd.oasis.opendocument.text");

    // …and the signed publication package, which verifies against the key the server publishes.
    const [pkg] = await Promise.all([office.waitForEvent("download", { timeout: 60_000 }), office.getByRole("link", { name: "Signed publication package (ZIP)" }).click()]);
    expect(pkg.suggestedFilename()).toMatch(/-publicatie-\d{4}-\d\d-\d\d\.zip$/);
    const publicKey = await (await fetch(`${server.url}/.well-known/overleg-publication-key`)).text();
    const verdict = verifyPackage(new Uint8Array(readFileSync(await pkg.path())), publicKey);
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.manifest?.sections.map((s) => s.id)).toContain(sectionId);

    // Anyone, signed out, checks it on the public page; a one-character change to the PDF is caught.
    const pkgPath = await pkg.path();
    const parts = unzipSync(new Uint8Array(readFileSync(pkgPath)));
    const pdf = parts["document.pdf"].slice();
    const at = strFromU8(pdf).indexOf("/Title");
    pdf[at + 8] = pdf[at + 8] === 0x41 ? 0x42 : 0x41;
    const tamperedPath = join(mkdtempSync(join(tmpdir(), "overleg-package-")), "tampered.zip");
    writeFileSync(tamperedPath, zipSync({ ...parts, "document.pdf": pdf }));
    const visitor = await browser.newContext({ baseURL: server.url, locale: "en-GB", timezoneId: "Europe/Amsterdam" });
    try {
      const page = await visitor.newPage();
      await page.goto("/verify");
      await page.locator('input[type="file"][name="package"]').setInputFiles(pkgPath);
      await page.getByRole("button", { name: "Check", exact: true }).click();
      await expect.poll(() => page.locator("[data-verdict]").getAttribute("data-verdict")).toBe("verified");
      expect(await page.locator("[data-verdict]").innerText()).toMatch(/Verified: this is the text the minister's office signed off and published on/);
      await page.locator('input[type="file"][name="package"]').setInputFiles(tamperedPath);
      await page.getByRole("button", { name: "Check", exact: true }).click();
      await expect.poll(() => page.locator("[data-verdict]").getAttribute("data-verdict")).toBe("notVerified");
      expect(await page.locator('[data-file="document.pdf"]').getAttribute("data-status")).toBe("differs");
      expect(await page.locator('[data-file="document.odt"]').getAttribute("data-status")).toBe("matches");
    } finally {
      await visitor.close();
    }

    // The lead sees the published status too.
    await lead.goto(`/s/${sectionId}`);
    expect(await badge(lead).innerText()).toContain("Published");

    expect(problems).toEqual([]);
  }, 300_000);
});
