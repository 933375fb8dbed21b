/**
 * Shared helpers for the browser journeys: Debian's Chromium driven by playwright-core (no browser
 * download), started with the flags this machine's closed network needs and a fresh profile each time.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { DEMO_PASSWORD } from "../../../server/seed/content";
import { startTestServer, type TestServer } from "../../support/server";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Makes every Content-Security-Policy violation in the context's pages a console error that names
 * the directive and what was blocked (Chromium logs most of them itself; this catches every one, e.g.
 * a blocked inline style or a connection, with the same words), so the tests' console watch fails on it.
 */
export async function reportCspViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "an inline script or style"} on ${event.documentURI}`);
    });
  });
}

export interface LaunchedBrowser {
  /** A persistent context on a fresh, empty profile directory. */
  context: BrowserContext;
  /** Pages opened in this context; problems() lists console errors and uncaught page errors. */
  newPage(): Promise<Page>;
  problems(): string[];
  close(): Promise<void>;
}

/**
 * Launches Chromium with a new --user-data-dir (removed on close). Defaults: English, Amsterdam time,
 * a 1280×800 window, and `baseURL` for relative `page.goto`.
 */
export async function launchChromium(options: BrowserContextOptions = {}): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "overleg-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    locale: "en-GB",
    timezoneId: "Europe/Amsterdam",
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  await reportCspViolations(context);
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console.error on ${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`uncaught error on ${page.url()}: ${error.message}`));
  };
  context.pages().forEach(watch);
  context.on("page", watch);
  return {
    context,
    async newPage() {
      const [blank] = context.pages();
      return blank && blank.url() === "about:blank" ? blank : context.newPage();
    },
    problems: () => [...problems],
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Signs in through the sign-in page as a person would: fills the labelled fields and presses the
 * button, then waits until the browser has left the sign-in page.
 */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel(/^(email address|e-mailadres)$/i).fill(email);
  await page.getByLabel(/^(password|wachtwoord)$/i).fill(password);
  await page.getByRole("button", { name: /^(sign in|inloggen|aanmelden)$/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
}

/** Gives a browser context the session cookies of a real sign-in (`cookie` as TestServer.signIn returns it). */
export async function addSessionCookies(context: BrowserContext, cookie: string, url: string): Promise<void> {
  await context.addCookies(
    cookie
      .split("; ")
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf("=");
        return { name: pair.slice(0, at), value: pair.slice(at + 1), url };
      }),
  );
}

/** Records a page's uncaught errors and console errors (other than failed resource loads) into `problems`. */
export function watchProblems(page: Page, label: string, problems: string[]): void {
  page.on("pageerror", (error) => problems.push(`${label}: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !/Failed to load resource/.test(message.text())) problems.push(`${label}: ${message.text()}`);
  });
}

/**
 * Puts the caret at the very end of the section text with the keyboard (Control+End), retrying until
 * both the browser's caret and the editor's own selection are there. The editor reads a keyboard move
 * of the caret a moment after the browser makes it; a key pressed in between would still act at the
 * old place (after a click, the middle of the paragraph). Other people's carets (with their names) do
 * not count as text.
 */
export async function caretToEnd(page: Page, timeout = 15_000): Promise<void> {
  const prose = page.locator(".ov-editor__prose");
  await prose.focus();
  const deadline = Date.now() + timeout;
  for (;;) {
    await page.keyboard.press("Control+End");
    const atEnd = await prose.evaluate((el: Element & { editor?: { state: EditorStateLike } }) => {
      const sel = window.getSelection();
      if (!sel || !sel.rangeCount || !el.contains(sel.anchorNode)) return false;
      const rest = document.createRange();
      const caret = sel.getRangeAt(0);
      rest.setStart(caret.endContainer, caret.endOffset);
      rest.setEnd(el, el.childNodes.length);
      const after = rest.cloneContents();
      after.querySelectorAll(".collaboration-carets__caret").forEach((other) => other.remove());
      if ((after.textContent ?? "").length > 0) return false;
      const state = el.editor?.state;
      if (!state) return false;
      const { selection, doc } = state;
      return selection.empty && doc.textBetween(selection.to, doc.content.size, "\n").length === 0;
    });
    if (atEnd) return;
    if (Date.now() > deadline) throw new Error(`the caret did not reach the end of the section text within ${timeout} ms`);
    await page.waitForTimeout(50);
  }
}

/** Presses Enter at the very end of the section text and types `text` there, as a person would. */
export async function typeAtEnd(page: Page, text: string): Promise<void> {
  await caretToEnd(page);
  await page.keyboard.press("Enter");
  await page.keyboard.type(text, { delay: 15 });
}

/** The part of the editor state (tiptap puts the editor on its DOM element) that caretToEnd reads. */
interface EditorStateLike {
  selection: { empty: boolean; to: number };
  doc: { content: { size: number }; textBetween(from: number, to: number, separator: string): string };
}

export interface PeopleInBrowsers {
  /** The test server of the built app (started in beforeAll). */
  readonly server: TestServer;
  /** Page errors and console errors of every signed-in page, labelled with the person's email. */
  readonly problems: string[];
  /** A browser context of its own signed in as `email` (the session cookie from a real sign-in). */
  signedInPage: (email: string) => Promise<Page>;
  /** A browser context of its own, signed out (a person about to sign in through the pages). */
  browserPage: () => Promise<Page>;
  /** A full-page screenshot into OVERLEG_SCREENSHOTS, when that is set. */
  shot: (page: Page, name: string) => Promise<void>;
  /** Opens the section's page and waits until its editor is connected and shows the text. */
  openSection: (page: Page, sectionId: string) => Promise<void>;
}

/**
 * For a test file in which several people each use their own browser context: registers the hooks
 * that start the built app's test server and one Chromium before the file's tests, and close every
 * context, the browser and the server after them.
 */
export function peopleInBrowsers(viewport: { width: number; height: number }): PeopleInBrowsers {
  const shots = process.env.OVERLEG_SCREENSHOTS;
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ remix: "build" });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    if (shots) mkdirSync(shots, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  return {
    get server() {
      return server!;
    },
    problems,
    signedInPage: async (email) => {
      const { cookie } = await server!.signIn(email);
      const context = await browser!.newContext({ locale: "en-GB", viewport });
      contexts.push(context);
      await reportCspViolations(context);
      await addSessionCookies(context, cookie, server!.url);
      const page = await context.newPage();
      watchProblems(page, email, problems);
      return page;
    },
    browserPage: async () => {
      const context = await browser!.newContext({ locale: "en-GB", viewport });
      contexts.push(context);
      await reportCspViolations(context);
      const page = await context.newPage();
      watchProblems(page, "signed-out browser", problems);
      return page;
    },
    shot: async (page, name) => {
      if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    },
    openSection: async (page, sectionId) => {
      await page.goto(`${server!.url}/s/${sectionId}`);
      await page.locator('.ov-editor[data-connection="connected"]').waitFor({ timeout: 20_000 });
      await page.locator('.ov-editor__surface[data-ready="true"] .ov-editor__prose').waitFor({ timeout: 20_000 });
    },
  };
}

/** Selects `phrase` in the editor's text the way a mouse drag would (a DOM selection). */
export async function selectInEditor(page: Page, phrase: string): Promise<void> {
  await page.evaluate((text) => {
    const root = document.querySelector(".ov-editor__prose")!;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent?.indexOf(text) ?? -1;
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + text.length);
      const selection = window.getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
      return;
    }
    throw new Error(`"${text}" is not in the editor`);
  }, phrase);
}
