/**
 * Every page fits a phone: at 360×740 CSS pixels no page scrolls sideways
 * (document.documentElement.scrollWidth ≤ clientWidth), signed out (sign-in, the publication check, a
 * forgotten password, an invitation, a page that does not exist) and signed in as the demo people of
 * each role (the lead, a partner, an approver, the minister's office, the administrator), in English
 * and in Dutch; the review path's pages in each of their states (in review, to decide, to sign off
 * with its confirmation dialog, locked, published), history, a version, compare, archived sections.
 * A full-page screenshot of every page goes to test-results/phone/ (gitignored) to look at.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { publishAgenda } from "../../server/commands/agendaPublish";
import { createInvitation } from "../../server/commands/invitationCreate";
import { importIntoSection } from "../../server/commands/sectionImport";
import { decideReview } from "../../server/commands/reviewDecide";
import { requestReview } from "../../server/commands/reviewRequest";
import { archiveSection } from "../../server/commands/sectionArchive";
import { signOff } from "../../server/commands/sectionSignOff";
import { createVersion } from "../../server/commands/versionCreate";
import { loadActor } from "../../server/services/access";
import { currentHash } from "../../server/views/versions";
import { WS } from "../support/fixtures";
import { peopleInBrowsers } from "./support/browser";

const PHONE = { width: 360, height: 740 };
const SHOTS = resolve("test-results/phone");
const people = peopleInBrowsers(PHONE);
const NEW_TEXT = [
  "## Het centrale contactpunt",
  "",
  "In het kader van de Critical Raw Materials Act wordt een centraal contactpunt opgericht voor de grondstoffenvoorzieningszekerheidsbeleidsafstemming, te bereiken via https://www.rijksoverheid.nl/onderwerpen/grondstoffen/centraal-contactpunt-kritieke-grondstoffen-en-strategische-projecten.",
  "",
  "- Vergunningverlening",
  "- Financieringsmogelijkheden voor **strategische projecten**",
  "",
].join("\n");

beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

async function organisationId(code: string): Promise<string> {
  const { db, t } = people.server.database;
  const [row] = await db.select({ id: t.organisations.id }).from(t.organisations).where(eq(t.organisations.shortCode, code));
  return row.id;
}

/** Opens `path`, waits until the page is hydrated (and a section's editor shows its text), measures and photographs it. */
async function measure(page: Page, path: string, name: string, status?: number): Promise<string | null> {
  const response = await page.goto(`${people.server.url}${path}`);
  if (status) expect(response?.status(), `${path} answers`).toBe(status);
  else expect(response?.status(), `${path} answers`).toBeLessThan(400);
  await page.waitForFunction(() => "__remixRouter" in window, undefined, { timeout: 30_000 });
  // A section's editor shows its text (an archived section is shown without one).
  if (/^\/s\/[^/]+$/.test(path)) await page.locator('.ov-editor__surface[data-ready="true"] .ov-editor__prose').or(page.locator("[data-archived]")).first().waitFor({ timeout: 30_000 });
  return measureShown(page, path, name);
}

/** Measures and photographs the page as it is now (a dialog open, say). */
async function measureShown(page: Page, path: string, name: string): Promise<string | null> {
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

  it("shows the review path's pages, history, compare, a version, the publication and the signed-out pages without sideways scrolling", async () => {
    const { server } = people;
    const actor = async (email: string) => (await loadActor(server.database, await server.userId(email)))!;
    const workspace = await server.workspaceId(WS.contactPoint);
    const [section] = await server.sectionIds(WS.contactPoint);
    const wide: string[] = [];

    // A named version, then a review asked for: the history has versions to compare.
    const lead = await actor("lead@ez.example");
    const version = await createVersion(server.services, { actor: lead, sectionId: section, name: "Voor de werkgroep" });
    // A new text with a heading, a list, a very long word and a long address: compare has words to show.
    await importIntoSection(server.services, { actor: lead, sectionId: section, file: { name: "contactpunt.md", data: new TextEncoder().encode(NEW_TEXT) } });
    await requestReview(server.services, { actor: lead, sectionId: section, dueDate: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10) });
    const leadPage = await people.signedInPage("lead@ez.example");
    for (const [path, name] of [
      [`/s/${section}/history`, "history-with-versions"],
      [`/s/${section}/versions/${version.id}`, "version"],
      [`/s/${section}/compare`, "compare-choose"],
      [`/s/${section}/compare?from=${version.id}&to=current`, "compare"],
      [`/s/${section}/review`, "review-in-review"],
    ]) wide.push((await measure(leadPage, path, `lead-${name}`)) ?? "");

    // The approver (KGG) with the decision form, then approving.
    const drafterPage = await people.signedInPage("drafter@kgg.example");
    wide.push((await measure(drafterPage, `/s/${section}/review`, "approver-review-decide")) ?? "");
    await decideReview(server.services, { actor: await actor("drafter@kgg.example"), sectionId: section, decision: "approve", note: "Akkoord namens KGG.", contentHash: await currentHash(server.database, section) });

    // The office: the sign-off form, its confirmation dialog, the locked section and the publication.
    const officePage = await people.signedInPage("office@minister.example");
    wide.push((await measure(officePage, "/", "office-dashboard-ready")) ?? "");
    wide.push((await measure(officePage, `/s/${section}/review`, "office-review-signoff")) ?? "");
    await officePage.getByRole("button", { name: "Sign off and lock" }).click();
    const dialog = officePage.getByRole("dialog", { name: "Sign off and lock this section?" });
    await dialog.waitFor();
    wide.push((await measureShown(officePage, "sign-off dialog", "office-review-signoff-dialog")) ?? "");
    const box = await dialog.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= PHONE.width, "the dialog inside the screen").toBe(true);
    await officePage.keyboard.press("Escape");
    const office = await actor("office@minister.example");
    await signOff(server.services, { actor: office, sectionId: section, contentHash: await currentHash(server.database, section) });
    wide.push((await measure(officePage, `/s/${section}`, "office-section-locked")) ?? "");
    await publishAgenda(server.services, { actor: office, workspaceId: workspace });
    wide.push((await measure(officePage, `/w/${workspace}`, "office-workspace-published")) ?? "");
    wide.push((await measure(officePage, `/s/${section}/review`, "office-review-published")) ?? "");
    wide.push((await measure(leadPage, "/notifications", "lead-notifications-after-review")) ?? "");

    // An archived section: the workspace's list of them, and its page.
    const [, archived] = await server.sectionIds(WS.labour);
    await archiveSection(server.services, { actor: lead, input: { sectionId: archived } });
    wide.push((await measure(leadPage, `/w/${await server.workspaceId(WS.labour)}/archived`, "lead-archived")) ?? "");
    wide.push((await measure(leadPage, `/s/${archived}`, "lead-archived-section")) ?? "");

    // Signed out: checking a publication, a forgotten password, a reset link that is no longer valid,
    // an invitation, a page that does not exist.
    const invitation = await createInvitation(server.services, { actor: lead, workspaceId: workspace, email: "nieuw@ez.example", role: "commenter", organisationId: await organisationId("EZ") });
    const anonymous = await people.browserPage();
    for (const [path, name, status] of [
      ["/verify", "verify", 0],
      ["/forgot-password", "forgot-password", 0],
      ["/reset-password?error=INVALID_TOKEN", "reset-password-invalid", 400],
      [`/invite/${invitation.token}`, "invitation", 0],
      ["/no-such-page", "not-found", 404],
    ] as [string, string, number][]) wide.push((await measure(anonymous, path, `signed-out-${name}`, status || undefined)) ?? "");
    wide.push((await measure(leadPage, "/no-such-page", "lead-not-found", 404)) ?? "");

    expect(wide.filter(Boolean)).toEqual([]);
    expect(people.problems).toEqual([]);
  });
});
