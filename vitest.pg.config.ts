/**
 * The same data-layer, policy, API, admin, realtime and collab tests, on PostgreSQL: every test server
 * gets a fresh database created from TEST_DATABASE_URL (see test/support/server.ts) and dropped after.
 * `npm run test:pg`; .ci/run starts PostgreSQL first.
 */
import { defineConfig } from "vitest/config";
import base from "./vitest.config";

process.env.TEST_DATABASE_URL ??= "postgres://postgres@127.0.0.1:5432/postgres";

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/**/*.test.ts"],
    exclude: [
      "node_modules/**",
      "test/browser/**",
      // These never open a database: the configuration, and the two schema declarations side by side.
      "test/env.test.ts",
      "test/schema-parity.test.ts",
      // SQLite's own statement cache.
      "test/db.test.ts",
    ],
    env: { ...base.test?.env, TEST_DATABASE_URL: process.env.TEST_DATABASE_URL },
  },
});
