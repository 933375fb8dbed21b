/**
 * One live change reloads the dashboard once (#15). The dashboard has three listeners (its own, the
 * "waiting for me" panel's, and the panel's notification listener), and a request for changes reaches
 * the owner as a section event and as a notification: each listener used to start its own reload.
 * The test counts the dashboard's data requests (Remix's `/_root.data`) in a real Chromium.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { decideReview } from "../../server/commands/reviewDecide";
import { requestReview } from "../../server/commands/reviewRequest";
import { loadActor } from "../../server/services/access";
import { currentHash } from "../../server/views/versions";
import { SETTLE_MS } from "../../app/components/realtime/useLiveRevalidate";
import { WS } from "../support/fixtures";
import { peopleInBrowsers } from "./support/browser";

const people = peopleInBrowsers({ width: 1280, height: 900 });
const { problems, signedInPage } = people;

async function actor(email: string) {
  const a = await loadActor(people.server.database, await people.server.userId(email));
  if (!a) throw new Error(`no actor ${email}`);
  return a;
}

/** Counts the dashboard's loader requests from now on. */
function countReloads(page: Page): { n: () => number; done: () => Promise<void> } {
  let n = 0;
  let pending = 0;
  let idle: (() => void) | null = null;
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === "/_root.data") {
      n += 1;
      pending += 1;
    }
  });
  const finished = (r: { url: () => string }) => {
    if (new URL(r.url()).pathname !== "/_root.data") return;
    pending -= 1;
    if (pending === 0) idle?.();
  };
  page.on("requestfinished", finished);
  page.on("requestfailed", finished);
  return {
    n: () => n,
    done: () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => (idle = resolve))),
  };
}

describe("the dashboard, live", () => {
  it("reloads once for one change that reaches all its listeners", async () => {
    const { server } = people;
    const [sectionId] = await server.sectionIds(WS.labour);
    const owner = await signedInPage("lead@ez.example");
    await owner.goto(`${server.url}/`);
    await owner.waitForFunction(() => "__remixRouter" in window, undefined, { timeout: 30_000 });
    await owner.locator('[data-waiting][data-live="connected"]').waitFor({ timeout: 30_000 });
    await requestReview(server.services, { actor: await actor("lead@ez.example"), sectionId, dueDate: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10) });
    // The owner's own request reaches the page as live events too: wait until it has settled.
    await owner.locator(`.workspace-card [data-status="in_review"]`).first().waitFor({ timeout: 30_000 });
    const reloads = countReloads(owner);
    await owner.waitForTimeout(SETTLE_MS * 4); // what was still on its way from the request above
    const before = reloads.n();

    // One change: the approver asks for changes (a section event, a workspace event, a notification to the owner).
    const approver = await actor("approver@ocw.example");
    await decideReview(server.services, { actor: approver, sectionId, decision: "request_changes", note: "Graag scherper.", contentHash: await currentHash(server.database, sectionId) });
    await owner.locator('[data-waiting-kind="changes.requested"]').waitFor({ timeout: 30_000 });
    await reloads.done();
    // Nothing else follows: a second reload would start within the settle window of the first.
    await owner.waitForTimeout(SETTLE_MS * 4);
    await reloads.done();
    expect(reloads.n() - before).toBe(1);
    expect(problems).toEqual([]);
  });
});
