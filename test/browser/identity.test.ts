/**
 * The minister's office in the browser (#18): sets up TOTP on its security page (the code computed from
 * the secret the page shows, as an authenticator app would), signs in a second browser with password
 * and code, signs off an approved section with the code asked again (step-up) once the last check is
 * older than 15 minutes, and ends the other browser's session from the session list: that browser's
 * open editor stops within 5 seconds.
 */
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { decideReview } from "../../server/commands/reviewDecide";
import { requestReview } from "../../server/commands/reviewRequest";
import { DEMO_PASSWORD } from "../../server/seed/content";
import { loadActor } from "../../server/services/access";
import { currentHash } from "../../server/views/versions";
import { totpCode } from "../support/browser-less";
import { WS } from "../support/fixtures";
import { peopleInBrowsers } from "./support/browser";

const people = peopleInBrowsers({ width: 1280, height: 900 });
const { problems, signedInPage } = people;

async function actor(email: string) {
  const a = await loadActor(people.server.database, await people.server.userId(email));
  if (!a) throw new Error(`no actor ${email}`);
  return a;
}

/** A new code from the authenticator, never the one just used (a code is taken once per period). */
async function nextCode(secret: string, used: Set<string>): Promise<string> {
  for (;;) {
    const code = totpCode(secret);
    if (!used.has(code)) {
      used.add(code);
      return code;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the next 30-second period: a clock, not an event
  }
}

describe("two-factor authentication, step-up and sessions, as the minister's office", () => {
  it("sets up TOTP, signs off with the code asked again, and ends another browser's session, whose editor stops", async () => {
    const { server } = people;
    const { db, t } = server.database;

    // An approved section of the skilled-labour workspace (OCW approves), ready for the office's sign-off.
    const [sectionId] = await server.sectionIds(WS.labour);
    await requestReview(server.services, { actor: await actor("lead@ez.example"), sectionId, dueDate: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10) });
    await decideReview(server.services, { actor: await actor("approver@ocw.example"), sectionId, decision: "approve", note: "Akkoord.", contentHash: await currentHash(server.database, sectionId) });

    // Browser A: the office sets up its authenticator.
    const office = await signedInPage("office@minister.example");
    await office.goto(`${server.url}/settings/security`);
    await office.getByLabel("Your password").fill(DEMO_PASSWORD);
    await office.getByRole("button", { name: "Set up two-factor authentication" }).click();
    const secret = (await office.getByTestId("totp-secret").innerText()).trim();
    expect(secret).toMatch(/^[A-Z2-7]{32,}$/);
    const used = new Set<string>();
    await office.getByLabel("Code from your app").fill(await nextCode(secret, used));
    await office.getByRole("button", { name: "Confirm and turn on" }).click();
    await office.getByText("Two-factor authentication is on.").first().waitFor();

    // Browser B: the office signs in elsewhere with password and code, and opens the section.
    const other = await people.browserPage();
    await other.goto(`${server.url}/sign-in`);
    await other.getByLabel("Email address").fill("office@minister.example");
    await other.getByLabel("Password").fill(DEMO_PASSWORD);
    await other.getByRole("button", { name: "Sign in", exact: true }).click();
    await other.getByLabel("Code", { exact: true }).fill(await nextCode(secret, used));
    await other.getByRole("button", { name: "Continue" }).click();
    await other.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
    await people.openSection(other, sectionId);

    // Twenty minutes after the last check (the sessions' clock set back), A signs off: the code is asked again.
    const officeId = await server.userId("office@minister.example");
    await db.update(t.session).set({ secondFactorAt: new Date(Date.now() - 20 * 60_000) }).where(eq(t.session.userId, officeId));
    await office.goto(`${server.url}/s/${sectionId}/review`);
    const stepUp = office.getByLabel("Code from your authenticator app");
    await stepUp.fill(await nextCode(secret, used));
    await office.getByRole("button", { name: "Sign off and lock" }).click();
    const dialog = office.getByRole("dialog", { name: "Sign off and lock this section?" });
    await dialog.getByRole("button", { name: "Sign off and lock" }).click();
    await expect.poll(async () => (await db.select({ status: t.sections.status }).from(t.sections).where(eq(t.sections.id, sectionId)))[0].status, { timeout: 15_000 }).toBe("final");
    const [signoff] = await db.select({ data: t.auditEvents.data }).from(t.auditEvents).where(eq(t.auditEvents.action, "section.signed_off"));
    // The audit trail says the code was given, just now.
    const data = signoff.data as { secondFactor?: string; secondFactorAt?: string };
    expect(data.secondFactor).toBe("totp");
    expect(Date.now() - Date.parse(String(data.secondFactorAt))).toBeLessThan(120_000);

    // A ends B's session from the list: B's open editor stops within 5 seconds.
    await office.goto(`${server.url}/settings/sessions`);
    const rows = office.locator("tbody tr");
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2);
    const elsewhere = rows.filter({ hasNotText: "(this browser)" }).first();
    const ended = Date.now();
    await elsewhere.getByRole("button", { name: "End", exact: true }).click();
    await expect.poll(() => editorState(other), { timeout: 5_000, interval: 100 }).toBe("stopped");
    expect(Date.now() - ended).toBeLessThan(5_000);
    // A itself is still signed in.
    await office.goto(`${server.url}/settings/sessions`);
    await office.getByText("(this browser)").waitFor();

    expect(problems).toEqual([]);
  }, 180_000);
});

function editorState(page: Page): Promise<string | null> {
  return page.locator(".ov-editor").getAttribute("data-connection");
}
