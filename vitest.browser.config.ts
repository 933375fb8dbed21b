/**
 * The browser journeys: Debian's Chromium (/usr/bin/chromium) driven by playwright-core against the
 * built app served by a real Overleg test server. One file at a time; browsers are slow to start on a
 * small machine, so the timeouts are generous. `npm run test:browser`.
 */
import { defineConfig } from "vitest/config";
import base from "./vitest.config";

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/browser/**/*.test.ts"],
    exclude: ["node_modules/**"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
