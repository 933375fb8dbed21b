/**
 * `npm run test:office`: the tests that read exported documents back with LibreOffice (headless
 * `soffice`), with that step on (OVERLEG_READ_BACK=1; `npm test` runs the same files without it,
 * since each LibreOffice start costs seconds). .ci/run installs LibreOffice and runs this after
 * `npm test`; locally, without LibreOffice, the read-back steps skip and say so.
 */
import { defineConfig } from "vitest/config";
import { OFFICE_TESTS, shared } from "./vitest.config";

export default defineConfig({
  test: {
    ...shared,
    name: "office",
    include: OFFICE_TESTS,
    exclude: ["node_modules/**"],
    env: { OVERLEG_READ_BACK: "1" },
    maxWorkers: 2,
    minWorkers: 1,
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 120_000,
  },
});
