/**
 * A page comes alive however early the person starts typing. Remix's first render in the browser
 * waits for the page's data to be decoded; a keystroke that reached React in that moment made React
 * finish hydrating a root that could not, "Root did not complete" (React error 345), and the page
 * never came alive: no live updates, forms only as plain HTML. Here a script types into the first
 * field from the moment the page starts, through hydration, on the sign-in page and on a signed-in
 * page, several loads each. Runs against the built app and Debian's /usr/bin/chromium.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { startTestServer, type TestServer } from "../support/server";
import { addSessionCookies, launchChromium, type LaunchedBrowser } from "./support/browser";

const LOADS = 8;

let server: TestServer;
let chromium: LaunchedBrowser;

beforeAll(async () => {
  ensureBuild();
  server = await startTestServer({ remix: "build" });
  chromium = await launchChromium({ baseURL: server.url });
}, 300_000);

afterAll(async () => {
  await chromium?.close();
  await server?.stop();
});

/** Loads `path` while input events hit its first field every turn of the event loop until it is alive. */
async function loadWhileTyping(page: Page, path: string): Promise<{ alive: boolean; errors: string[] }> {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.addInitScript(() => {
    const typing = setInterval(() => {
      const field = document.querySelector("input:not([type=hidden])");
      if (field) {
        field.dispatchEvent(new FocusEvent("focusin", { bubbles: true }));
        field.dispatchEvent(new InputEvent("input", { bubbles: true, data: "x" }));
      }
      if ("__remixRouter" in window) clearInterval(typing);
    }, 0);
  });
  await page.goto(path);
  const alive = await page
    .waitForFunction(() => "__remixRouter" in window, undefined, { timeout: 10_000 })
    .then(() => true, () => false);
  return { alive, errors };
}

describe("a page typed into while it comes alive", () => {
  it("comes alive without an error, signed out and signed in", async () => {
    const { cookie } = await server.signIn("lead@ez.example");
    const outcomes: string[] = [];
    for (const [path, signedIn] of [["/sign-in", false], ["/", true]] as const) {
      for (let i = 0; i < LOADS; i++) {
        const page = await chromium.newPage();
        await page.context().clearCookies();
        if (signedIn) await addSessionCookies(page.context(), cookie, server.url);
        const { alive, errors } = await loadWhileTyping(page, path);
        outcomes.push(`${path}: ${alive ? "alive" : "dead"}${errors.length ? ` (${errors[0]})` : ""}`);
        await page.close();
      }
    }
    expect(outcomes.filter((o) => !o.endsWith("alive"))).toEqual([]);
  }, 180_000);
});
