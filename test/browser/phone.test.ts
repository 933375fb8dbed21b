/**
 * Every main page fits a phone: at 360×740 CSS pixels no page scrolls sideways
 * (document.documentElement.scrollWidth ≤ clientWidth), signed out (sign-in) and signed in as a few
 * demo people (the lead, a partner, the administrator), in English and in Dutch. A full-page
 * screenshot of every page goes to test-results/phone/ (gitignored) to look at.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { WS } from "../support/fixtures";
import { peopleInBrowsers } from "./support/browser";

const PHONE = { width: 360, height: 740 };
const SHOTS = resolve("test-results/phone");
const people = peopleInBrowsers(PHONE);

beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

/** Opens `path`, waits until the page is hydrated (and a section's editor shows its text), measures and photographs it. */
async function measure(page: Page, path: string, name: string): Promise<string | null> {
  const response = await page.goto(`${people.server.url}${path}`);
  expect(response?.status(), `${path} answers`).toBeLessThan(400);
  await page.waitForFunction(() => "__remixRouter" in window, undefined, { timeout: 30_000 });
  if (/^\/s\/[^/]+$/.test(path)) await page.locator('.ov-editor__surface[data-ready="true"] .ov-editor__prose').waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const { scroll, client, widest } = await page.evaluate(() => {
    const root = document.documentElement;
    // The element that sticks out furthest, to name in the failure.
    let widest = "";
    let right = root.clientWidth;
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.right > right + 0.5 && box.width > 0) {
        right = box.right;
        widest = `${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? `.${el.className.trim().split(/\s+/).join(".")}` : ""} (right edge ${Math.round(box.right)})`;
      }
    }
    return { scroll: root.scrollWidth, client: root.clientWidth, widest };
  });
  return scroll <= client ? null : `${path} (${name}): ${scroll} px wide in ${client} px; widest: ${widest}`;
}

describe("a phone 360 px wide", () => {
  it("shows every main page without sideways scrolling, signed out and for the lead, a partner and the administrator", async () => {
    const { server } = people;
    const workspace = await server.workspaceId(WS.labour);
    const [section] = await server.sectionIds(WS.labour);
    const wide: string[] = [];

    // Signed out: the sign-in page with its table of demo people.
    const anonymous = await people.signedInPage("viewer@tno.example");
    await anonymous.context().clearCookies();
    wide.push((await measure(anonymous, "/sign-in", "sign-in")) ?? "");

    const lead = await people.signedInPage("lead@ez.example");
    await lead.goto(`${server.url}/agenda`);
    const agendaLinks = lead.locator('main a[href^="/a/"]');
    const agendaHref = (await agendaLinks.count()) > 0 ? /^\/a\/[^/?#]+/.exec((await agendaLinks.first().getAttribute("href")) ?? "")?.[0] : null;
    const leadPages: [string, string][] = [
      ["/", "dashboard"],
      ["/agenda", "agendas"],
      [`/w/${workspace}`, "workspace"],
      [`/w/${workspace}/members`, "members"],
      [`/w/${workspace}/activity`, "activity"],
      [`/w/${workspace}/consultation`, "consultation"],
      [`/s/${section}`, "section"],
      [`/s/${section}/review`, "review"],
      [`/s/${section}/history`, "history"],
      [`/s/${section}/authorship`, "authorship"],
      ["/notifications", "notifications"],
      ["/search?q=arbeidsmarkt", "search"],
      ["/settings/language", "settings-language"],
      ["/settings/mail", "settings-mail"],
      ["/settings/security", "settings-security"],
      ["/settings/sessions", "settings-sessions"],
      ["/settings/tokens", "settings-tokens"],
      ...(agendaHref ? ([[agendaHref, "agenda"], [`${agendaHref}/read`, "agenda-read"]] as [string, string][]) : []),
    ];
    for (const [path, name] of leadPages) wide.push((await measure(lead, path, `lead-${name}`)) ?? "");

    const [crossBorder] = await server.sectionIds(WS.crossBorder);
    const partner = await people.signedInPage("partner@be.example");
    for (const [path, name] of [["/", "dashboard"], [`/s/${crossBorder}`, "section"]]) wide.push((await measure(partner, path, `partner-${name}`)) ?? "");

    const admin = await people.signedInPage("admin@overleg.example");
    for (const name of ["", "people", "organisations", "agendas", "audit", "outbox", "security", "sso"]) {
      wide.push((await measure(admin, `/admin${name ? `/${name}` : ""}`, `admin-${name || "overview"}`)) ?? "");
    }

    // In Dutch (longer words): the pages with tables.
    const dutch = await people.signedInPage("lead@ez.example");
    await dutch.context().addCookies([{ name: "overleg_lang", value: "nl", url: server.url }]);
    await dutch.goto(`${server.url}/`);
    expect(await dutch.locator("html").getAttribute("lang")).toBe("nl");
    for (const [path, name] of [["/", "dashboard"], [`/w/${workspace}/members`, "members"], [`/s/${section}`, "section"]]) wide.push((await measure(dutch, path, `nl-lead-${name}`)) ?? "");

    expect(wide.filter(Boolean)).toEqual([]);
    expect(people.problems).toEqual([]);
  });
});
