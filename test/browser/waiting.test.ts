/**
 * "Waiting for me" in the browser, each demo person in their own browser context, after the review
 * flow on the skilled-labour workspace (approving organisation: OCW): the approver's dashboard shows
 * the reviews to decide as they are requested (live, without a reload); after one approval and one
 * request for changes, the minister's office sees the section ready for sign-off (and its role,
 * "Final sign-off", on every card), and the owner sees the changes requested, who asked and why.
 * The review steps are the review commands (the review pages have their own journey, review.test.ts).
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { decideReview } from "../../server/commands/reviewDecide";
import { requestReview } from "../../server/commands/reviewRequest";
import { loadActor } from "../../server/services/access";
import { currentHash } from "../../server/views/versions";
import { nameOf, WS } from "../support/fixtures";
import { peopleInBrowsers } from "./support/browser";

const people = peopleInBrowsers({ width: 1280, height: 900 });
const { problems, signedInPage, shot } = people;
const NOTE = "Noem de rol van het mbo expliciet.";

async function actor(email: string) {
  const a = await loadActor(people.server.database, await people.server.userId(email));
  if (!a) throw new Error(`no actor ${email}`);
  return a;
}

/** Opens the dashboard and waits until it is hydrated and its live connection is up. */
async function dashboard(page: Page): Promise<void> {
  await page.goto(`${people.server.url}/`);
  await page.waitForFunction(() => "__remixRouter" in window, undefined, { timeout: 30_000 });
  await page.locator('[data-waiting][data-live="connected"]').waitFor({ timeout: 30_000 });
}

const panel = (page: Page) => page.getByRole("region", { name: "Waiting for me" });
const items = (page: Page, kind: string) => panel(page).locator(`[data-waiting-kind="${kind}"]`);

describe("waiting for me, per person, after the review flow", () => {
  it("shows the approver the reviews, the office the section ready for sign-off, the owner the changes requested", async () => {
    const { server } = people;
    const sections = await server.sectionIds(WS.labour);
    const approverPage = await signedInPage("approver@ocw.example");
    await dashboard(approverPage);
    await expect.poll(() => panel(approverPage).locator("[data-waiting-empty]").innerText()).toMatch(/Nothing is waiting for you/);

    // The lead asks for review of every section; the approver's open dashboard lists them without a reload.
    const lead = await actor("lead@ez.example");
    const dueDate = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    for (const sectionId of sections) await requestReview(server.services, { actor: lead, sectionId, dueDate });
    await expect.poll(() => items(approverPage, "review.decide").count(), { timeout: 30_000, message: "the reviews on the approver's open dashboard" }).toBe(sections.length);
    const first = items(approverPage, "review.decide").first();
    expect(await first.innerText()).toMatch(/Review to decide\s*due \d+ \w+ \d{4}/);
    expect(await first.innerText()).toContain(WS.labour);
    await shot(approverPage, "waiting-approver");

    // The approver approves the first section and asks for changes in the second.
    const approver = await actor("approver@ocw.example");
    const [approved, changes] = sections;
    await decideReview(server.services, { actor: approver, sectionId: approved, decision: "approve", note: "Akkoord.", contentHash: await currentHash(server.database, approved) });
    await decideReview(server.services, { actor: approver, sectionId: changes, decision: "request_changes", note: NOTE, contentHash: await currentHash(server.database, changes) });
    await expect.poll(() => items(approverPage, "review.decide").count(), { timeout: 30_000 }).toBe(sections.length - 2);

    // The office: ready for sign-off, linking to the review page where it signs; its role on every card.
    const office = await signedInPage("office@minister.example");
    await dashboard(office);
    const ready = items(office, "signoff.ready");
    await expect.poll(() => ready.count()).toBe(1);
    expect(await ready.innerText()).toContain("Ready for sign-off");
    expect(await ready.getByRole("link").getAttribute("href")).toBe(`/s/${approved}/review`);
    const roles = await office.locator(".workspace-card .facts div", { hasText: "My role" }).locator("dd").allInnerTexts();
    expect(roles.length).toBeGreaterThan(5);
    expect(new Set(roles.map((r) => r.trim()))).toEqual(new Set(["Final sign-off"]));
    await shot(office, "waiting-office");
    await ready.getByRole("link").click();
    await office.waitForURL(`**/s/${approved}/review`);
    await office.getByRole("button", { name: "Sign off and lock" }).waitFor({ timeout: 30_000 });

    // The owner: changes requested, by whom and why; also said in the roll-up and on the workspace page.
    const owner = await signedInPage("lead@ez.example");
    await dashboard(owner);
    const requested = items(owner, "changes.requested");
    await expect.poll(() => requested.count()).toBe(1);
    expect(await requested.innerText()).toContain(`OCW (${nameOf("approver@ocw.example")}): ${NOTE}`);
    expect(await owner.locator("[data-rollup-changes]").innerText()).toContain(NOTE);
    await shot(owner, "waiting-owner");
    await owner.goto(`${server.url}/w/${await server.workspaceId(WS.labour)}`);
    const row = owner.locator(`.section-list__item[data-section-id="${changes}"]`);
    expect(await row.locator("[data-changes-requested]").innerText()).toMatch(new RegExp(`Changes requested[\\s\\S]*${NOTE}`));

    expect(problems).toEqual([]);
  });
});
