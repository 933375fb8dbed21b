/**
 * The browser editor and texts outside the editor's schema: a section stored with such content (before
 * the collab server checked updates) opens in the editor with all its words and can be written in;
 * a change the server refuses as not valid is dropped, the person is told, and the editor starts
 * again from the saved text (also after a reload: the device's copy does not send it again).
 */
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { UpdateStore } from "../../server/collab/store";
import { createLogger } from "../../server/log";
import { peopleInBrowsers, typeAtEnd } from "./support/browser";

const people = peopleInBrowsers({ width: 1200, height: 900 });
const { problems, signedInPage, shot, openSection } = people;

/** As an old database could hold it: text and a plain string at the top level, an unknown element, past the collab server. */
function brokenUpdate(): Uint8Array {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment(FRAGMENT);
  const text = (value: string) => {
    const t = new Y.XmlText();
    t.insert(0, value);
    return t;
  };
  const script = new Y.XmlElement("script");
  script.insert(0, [text("Onbekend blok uit de oude database.")]);
  fragment.insert(0, [text("Tekst zonder alinea uit de oude database."), script]);
  (fragment as unknown as Y.Array<unknown>).insert(2, ["Losse tekenreeks uit de oude database."]);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

describe("texts outside the editor's schema in the browser", () => {
  it("opens a section stored with content outside the schema: every word shown, writable, no page error", async () => {
    const [sectionId] = await people.server.sectionIds("Infrastructuur en ruimte");
    await new UpdateStore(people.server.database, createLogger("silent")).append(sectionId, [brokenUpdate()]);
    const drafter = await signedInPage("drafter@kgg.example");
    const lead = await signedInPage("lead@ez.example");
    await openSection(drafter, sectionId);
    const prose = drafter.locator(".ov-editor__prose");
    for (const words of ["Tekst zonder alinea uit de oude database.", "Onbekend blok uit de oude database.", "Losse tekenreeks uit de oude database."]) {
      await expect.poll(() => prose.innerText(), { timeout: 15_000 }).toContain(words);
    }
    expect(await prose.getAttribute("contenteditable")).toBe("true");
    const written = `Na het herstel geschreven ${Date.now()}`;
    await typeAtEnd(drafter, written);
    await openSection(lead, sectionId);
    await expect.poll(() => lead.locator(".ov-editor__prose").innerText(), { timeout: 15_000 }).toContain(written);
    expect(await lead.locator(".ov-editor__prose").innerText()).toContain("Tekst zonder alinea uit de oude database.");
    await shot(drafter, "schema-repair-opened");
    expect(problems).toEqual([]);
  }, 120_000);

  it("drops a change the server refuses as not valid, says so, and starts again from the saved text", async () => {
    const [, sectionId] = await people.server.sectionIds("Infrastructuur en ruimte");
    const drafter = await signedInPage("drafter@kgg.example");
    await openSection(drafter, sectionId);
    const prose = drafter.locator(".ov-editor__prose");
    const saved = await prose.innerText();

    // A change outside the schema, made in the page's own document (a heading level no editor makes).
    await drafter.evaluate(() => {
      type YLike = { constructor: new (name?: string) => YLike; get(i: number): YLike; insert(i: number, c: unknown): void; setAttribute(k: string, v: unknown): void; length: number };
      const el = document.querySelector(".ov-editor__prose") as Element & {
        editor: { extensionManager: { extensions: { name: string; options: { document: { getXmlFragment(name: string): YLike } } }[] } };
      };
      const doc = el.editor.extensionManager.extensions.find((e) => e.name === "collaboration")!.options.document;
      const fragment = doc.getXmlFragment("default");
      let block: YLike | null = null;
      for (let i = 0; i < fragment.length && !block; i++) if (fragment.get(i).length > 0) block = fragment.get(i);
      const XmlElement = block!.constructor;
      const XmlText = block!.get(0).constructor;
      const heading = new XmlElement("heading");
      heading.setAttribute("level", 1e9);
      const text = new XmlText();
      text.insert(0, "Ongeldige kop");
      heading.insert(0, [text]);
      fragment.insert(fragment.length, [heading]);
    });

    await expect
      .poll(() => drafter.getByTestId("editor-mode").innerText(), { timeout: 15_000 })
      .toBe("Your last change could not be saved because it was not valid. The editor shows the saved text.");
    await drafter.locator('.ov-editor[data-connection="connected"]').waitFor({ timeout: 20_000 });
    await drafter.locator('.ov-editor__surface[data-ready="true"] .ov-editor__prose').waitFor({ timeout: 20_000 });
    await expect.poll(() => prose.innerText(), { timeout: 15_000 }).toBe(saved);
    expect(await prose.getAttribute("contenteditable")).toBe("true");
    await shot(drafter, "schema-repair-refused");

    // After a reload the device's copy does not offer the refused change again: the editor connects and writes.
    await openSection(drafter, sectionId);
    expect(await prose.innerText()).toBe(saved);
    const written = `Na de weigering ${Date.now()}`;
    await typeAtEnd(drafter, written);
    const reader = await signedInPage("lead@ez.example");
    await openSection(reader, sectionId);
    await expect.poll(() => reader.locator(".ov-editor__prose").innerText(), { timeout: 15_000 }).toContain(written);
    expect(await reader.locator(".ov-editor__prose").innerText()).not.toContain("Ongeldige kop");
    expect(await drafter.locator('.ov-editor[data-connection="connected"]').count()).toBe(1);
    expect(problems).toEqual([]);
  }, 120_000);
});
