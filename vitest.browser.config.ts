import { defineConfig } from "vitest/config";

/** Browser journeys (playwright-core + Chromium against the built app): `npm run test:browser`. */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
    globalSetup: ["test/support/global-setup.ts"],
  },
});
