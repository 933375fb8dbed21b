/**
 * Screenshots of the main pages, for looking at the design (not a test):
 *   npx tsx test/web/screenshots.ts [outDir=.scratch/screens]
 * Serves the built app (run `npm run build` first) on a free port with the demo data and drives
 * Chromium (/usr/bin/chromium, or CHROMIUM_PATH) through sign-in, dashboard, workspace and section,
 * in Dutch and in English, at desktop and phone widths.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { chromium } from "playwright-core";
import { startTestServer } from "../support/server";
import { WS } from "../support/fixtures";

const outDir = resolve(process.argv[2] ?? ".scratch/screens");
mkdirSync(outDir, { recursive: true });

const server = await startTestServer({ remix: "build" });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const errors: string[] = [];
  for (const [lang, width, height] of [
    ["nl", 1280, 900],
    ["en", 390, 844],
  ] as const) {
    const context = await browser.newContext({ viewport: { width, height }, locale: lang === "nl" ? "nl-NL" : "en-GB" });
    const page = await context.newPage();
    page.on("console", (m) => m.type() === "error" && errors.push(`${lang}: ${m.text()}`));
    page.on("pageerror", (e) => errors.push(`${lang}: ${e.message}`));
    page.on("response", (r) => r.status() >= 400 && errors.push(`${lang}: ${r.status()} ${r.url()}`));
    const shot = (name: string) => page.screenshot({ path: `${outDir}/${lang}-${width}-${name}.png`, fullPage: true });

    await page.goto(`${server.url}/sign-in`);
    await shot("sign-in");
    await page.getByLabel(lang === "nl" ? "Wachtwoord" : "Password").fill("not-the-password");
    await page.getByLabel(lang === "nl" ? "E-mailadres" : "Email address").fill("lead@ez.example");
    await page.getByRole("button", { name: lang === "nl" ? "Inloggen" : "Sign in", exact: true }).click();
    await page.getByRole("alert").waitFor();
    await shot("sign-in-error");
    await page.getByLabel(lang === "nl" ? "Wachtwoord" : "Password").fill("overleg-demo-2026");
    await page.getByRole("button", { name: lang === "nl" ? "Inloggen" : "Sign in", exact: true }).click();
    await page.waitForURL(`${server.url}/`);
    await shot("dashboard");

    await page.locator(".workspace-card__title a").first().click();
    await page.waitForURL(/\/w\//);
    await shot("workspace");
    await page.locator(".section-list__title").nth(1).click();
    await page.waitForURL(/\/s\//);
    await page.locator('.ov-editor[data-connection="connected"]').waitFor({ timeout: 15_000 });
    await shot("section");
    await page.goto(`${server.url}/s/does-not-exist`);
    await shot("404");
    await context.close();
  }

  // A partner country official opening a section of a workspace they are not in.
  const partner = await server.signIn("partner@be.example");
  const [sectionId] = await server.sectionIds(WS.financing);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addCookies(
    partner.cookie.split("; ").map((c) => {
      const [name, ...rest] = c.split("=");
      return { name, value: rest.join("="), url: server.url };
    }),
  );
  const page = await context.newPage();
  await page.goto(`${server.url}/s/${sectionId}`);
  await page.screenshot({ path: `${outDir}/nl-1280-403.png`, fullPage: true });
  await page.goto(`${server.url}/`);
  await page.screenshot({ path: `${outDir}/nl-1280-dashboard-partner.png`, fullPage: true });
  await context.close();
  console.log(`Screenshots in ${outDir}`);
  if (errors.length) console.log(`Browser console errors:\n${errors.join("\n")}`);
} finally {
  await browser.close();
  await server.stop();
}
