/**
 * The browser journeys: Debian's Chromium (/usr/bin/chromium) driven by playwright-core against the
 * built app served by a real Overleg test server. One file at a time; browsers are slow to start on a
 * small machine, so the timeouts are generous. `npm run test:browser`.
 */
import { defineConfig } from "vitest/config";
import { BROWSER_TESTS, shared } from "./vitest.config";

export default defineConfig({
  test: {
    ...shared,
    name: "browser",
    include: BROWSER_TESTS,
    exclude: ["node_modules/**"],
    globalSetup: ["test/support/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
