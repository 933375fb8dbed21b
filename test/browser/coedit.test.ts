/**
 * Two people co-edit one section in two browsers (Chromium, separate contexts): each sees the other's
 * text and caret; a viewer gets a read-only editor whose keystrokes change nothing.
 * Runs against the built app (startTestServer({ remix: "build" })) and Debian's /usr/bin/chromium.
 * Set OVERLEG_SCREENSHOTS=<dir> to keep screenshots of the pages.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { peopleInBrowsers, typeAtEnd } from "./support/browser";
import { WS } from "../support/fixtures";

const people = peopleInBrowsers({ width: 1200, height: 900 });
const { problems, signedInPage, shot, openSection } = people;

async function nameOf(email: string): Promise<string> {
  const { db, t } = people.server.database;
  const rows = await db.select({ name: t.user.name }).from(t.user).where(eq(t.user.email, email)).limit(1);
  if (!rows[0]) throw new Error(`no user ${email}`);
  return rows[0].name;
}

describe("co-editing a section in the browser", () => {
  it("shows each person's text and caret to the other, and gives a viewer a read-only editor", async () => {
    const [sectionId] = await people.server.sectionIds(WS.financing);
    const [leadName, drafterName] = await Promise.all([nameOf("lead@ez.example"), nameOf("drafter@kgg.example")]);

    const lead = await signedInPage("lead@ez.example");
    const drafter = await signedInPage("drafter@kgg.example");
    await Promise.all([openSection(lead, sectionId), openSection(drafter, sectionId)]);

    // Editors get the toolbar and an editable text.
    for (const page of [lead, drafter]) {
      await expect.poll(() => page.locator('[role="toolbar"] button[aria-pressed]').count()).toBeGreaterThan(4);
      expect(await page.locator(".ov-editor__prose").getAttribute("contenteditable")).toBe("true");
    }

    const fromLead = `Tekst van EZ ${Date.now()}`;
    const fromDrafter = `Tekst van KGG ${Date.now()}`;
    await typeAtEnd(lead, fromLead);
    await typeAtEnd(drafter, fromDrafter);

    for (const page of [lead, drafter]) {
      await expect.poll(() => page.locator(".ov-editor__prose").innerText(), { timeout: 15_000 }).toContain(fromLead);
      await expect.poll(() => page.locator(".ov-editor__prose").innerText(), { timeout: 15_000 }).toContain(fromDrafter);
    }

    // Each sees the other's caret, labelled with the name the server gave it.
    await expect
      .poll(() => lead.locator(".collaboration-carets__label", { hasText: drafterName }).count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await expect
      .poll(() => drafter.locator(".collaboration-carets__label", { hasText: leadName }).count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    // …and both people among those present.
    await expect.poll(() => lead.locator(".ov-presence li").count()).toBe(2);

    await shot(lead, "coedit-lead");
    await shot(drafter, "coedit-drafter");

    // A viewer reads the same text in a read-only editor; typing changes nothing.
    const viewer = await signedInPage("viewer@tno.example");
    await openSection(viewer, sectionId);
    const prose = viewer.locator(".ov-editor__prose");
    expect(await prose.getAttribute("contenteditable")).toBe("false");
    expect(await prose.getAttribute("aria-readonly")).toBe("true");
    expect(await viewer.locator('[role="toolbar"]').count()).toBe(0);
    await expect.poll(() => prose.innerText(), { timeout: 15_000 }).toContain(fromDrafter);
    expect(await viewer.getByTestId("editor-mode").isVisible()).toBe(true);

    await prose.click();
    await viewer.keyboard.type("Tekst van TNO", { delay: 10 });
    // A barrier instead of a pause: once the viewer shows what the lead typed after the viewer's keys,
    // the viewer's editor has handled those keys; had it taken them, they would be in its text.
    const afterViewer = `Na de lezer ${Date.now()}`;
    await typeAtEnd(lead, afterViewer);
    await expect.poll(() => prose.innerText(), { timeout: 15_000 }).toContain(afterViewer);
    expect(await prose.innerText()).not.toContain("Tekst van TNO");
    expect(await lead.locator(".ov-editor__prose").innerText()).not.toContain("Tekst van TNO");
    await shot(viewer, "coedit-viewer");

    expect(problems).toEqual([]);
  }, 120_000);

  it("keeps changes made offline and sends them when the connection returns; undo takes back only my own", async () => {
    const [, sectionId] = await people.server.sectionIds(WS.financing);
    const lead = await signedInPage("lead@ez.example");
    const drafter = await signedInPage("drafter@kgg.example");
    await Promise.all([openSection(lead, sectionId), openSection(drafter, sectionId)]);

    await lead.context().setOffline(true);
    await lead.locator('.ov-editor[data-connection="offline"]').waitFor({ timeout: 10_000 });
    const offlineText = `Offline geschreven ${Date.now()}`;
    await typeAtEnd(lead, offlineText);
    await shot(lead, "offline-lead");
    // The lead's connection is down (awaited above), so nothing it typed can have reached the drafter.
    expect(await drafter.locator(".ov-editor__prose").innerText()).not.toContain(offlineText);

    await lead.context().setOffline(false);
    await lead.locator('.ov-editor[data-connection="connected"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => drafter.locator(".ov-editor__prose").innerText(), { timeout: 15_000 }).toContain(offlineText);

    const drafterText = `Van KGG ${Date.now()}`;
    await typeAtEnd(drafter, drafterText);
    await expect.poll(() => lead.locator(".ov-editor__prose").innerText(), { timeout: 15_000 }).toContain(drafterText);
    await lead.locator('[role="toolbar"] button[data-toolbar-item="undo"]').click();
    await expect.poll(() => drafter.locator(".ov-editor__prose").innerText(), { timeout: 15_000 }).not.toContain(offlineText);
    expect(await drafter.locator(".ov-editor__prose").innerText()).toContain(drafterText);

    // The socket.io client of the page reports its own failed connection while offline; nothing else.
    expect(problems.filter((p) => !/socket\.io|ERR_INTERNET_DISCONNECTED/.test(p))).toEqual([]);
  }, 120_000);

  it("drops what was written offline once the writer may only read: the editor shows the saved text, and the change never comes back", async () => {
    const workspaceId = await people.server.workspaceId(WS.financing);
    const [, , sectionId] = await people.server.sectionIds(WS.financing);
    const drafterName = await nameOf("drafter@kgg.example");
    const lead = await signedInPage("lead@ez.example");
    const drafter = await signedInPage("drafter@kgg.example");
    const prose = drafter.locator(".ov-editor__prose");

    /** The lead (owner) gives the drafter another role on the workspace's members page. */
    const setDrafterRole = async (role: "viewer" | "editor") => {
      await lead.goto(`${people.server.url}/w/${workspaceId}/members`);
      await lead.waitForFunction(() => "__remixRouter" in window);
      const select = lead.getByLabel(`Role of ${drafterName}`);
      await select.selectOption(role);
      await lead.locator("tr", { has: select }).getByRole("button", { name: "Change role" }).click();
      await expect.poll(() => select.inputValue(), { timeout: 15_000 }).toBe(role);
      await expect.poll(() => lead.locator("tr", { has: select }).getByRole("button", { name: "Change role" }).isEnabled()).toBe(true);
    };

    await openSection(drafter, sectionId);
    expect(await prose.getAttribute("contenteditable")).toBe("true");
    const saved = await prose.innerText();

    // Offline, the drafter writes (the page keeps it on the device); meanwhile they become a viewer.
    await drafter.context().setOffline(true);
    await drafter.locator('.ov-editor[data-connection="offline"]').waitFor({ timeout: 10_000 });
    const offlineText = `Offline maar niet meer mogen schrijven ${Date.now()}`;
    await typeAtEnd(drafter, offlineText);
    expect(await prose.innerText()).toContain(offlineText);
    await setDrafterRole("viewer");

    // Back online, the page learns it may only read: it says so and shows the saved text, read-only.
    await drafter.context().setOffline(false);
    await expect.poll(() => prose.getAttribute("contenteditable"), { timeout: 20_000 }).toBe("false");
    await drafter.locator('.ov-editor[data-connection="connected"]').waitFor({ timeout: 20_000 });
    await expect.poll(() => prose.innerText(), { timeout: 15_000 }).toBe(saved);
    await expect
      .poll(() => drafter.getByTestId("editor-mode").innerText(), { timeout: 15_000 })
      .toBe("You may only read this section now; changes made here after that were not saved. The editor shows the saved text.");
    await shot(drafter, "offline-then-read-only");

    // An editor again, the drafter's page writes again at once, and after opening the section anew the
    // dropped change has not come back from the device, to the page or to the server.
    await setDrafterRole("editor");
    await expect.poll(() => prose.getAttribute("contenteditable"), { timeout: 20_000 }).toBe("true");
    await drafter.locator('.ov-editor__surface[data-ready="true"] .ov-editor__prose').waitFor({ timeout: 20_000 });
    expect(await drafter.getByTestId("editor-mode").count()).toBe(0);
    await expect.poll(() => prose.innerText(), { timeout: 15_000 }).toBe(saved);
    await openSection(drafter, sectionId);
    expect(await prose.getAttribute("contenteditable")).toBe("true");
    expect(await prose.innerText()).toBe(saved);
    await openSection(lead, sectionId);
    expect(await lead.locator(".ov-editor__prose").innerText()).toBe(saved);

    // Editing works as before.
    const later = `Weer redacteur ${Date.now()}`;
    await typeAtEnd(drafter, later);
    await expect.poll(() => lead.locator(".ov-editor__prose").innerText(), { timeout: 15_000 }).toContain(later);
    expect(await lead.locator(".ov-editor__prose").innerText()).not.toContain(offlineText);
    expect(problems.filter((p) => !/socket\.io|ERR_INTERNET_DISCONNECTED/.test(p))).toEqual([]);
  }, 120_000);
});
