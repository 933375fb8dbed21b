/**
 * The tests that touch the database, on PostgreSQL: in-process server tests, child-process tests and
 * the multi-node tests (PostgreSQL + Redis). Each test server gets a database of its own, created from
 * the run's template (test/support/template.ts) on the server at TEST_DATABASE_URL, and dropped after.
 * Pure tests (the unit project) and SQLite-only ones are not repeated here.
 * `npm run test:pg`; .ci/run starts PostgreSQL and Redis first.
 */
import { defineConfig } from "vitest/config";
import LongestFirst from "./test/support/sequencer";
import { ALL_TESTS, BROWSER_TESTS, project, REUSED_WORKERS, shared, SHARED_WORKERS, SQLITE_ONLY_TESTS, UNIT_TESTS } from "./vitest.config";

process.env.TEST_DATABASE_URL ??= "postgres://postgres@127.0.0.1:5432/postgres";
const env = { TEST_DATABASE_URL: process.env.TEST_DATABASE_URL };

export default defineConfig({
  test: {
    ...shared,
    // Two workers on two cores: most of a server test's time is spent waiting on sockets, timers
    // and the database, so a second file runs meanwhile (vitest's default leaves one core idle).
    maxWorkers: 2,
    minWorkers: 1,
    poolOptions: REUSED_WORKERS,
    sequence: { sequencer: LongestFirst },
    globalSetup: ["test/support/global-setup.ts"],
    projects: [
      // The child-process and multi-node tests run in the server project, first (vitest.config.ts says why).
      project("server", ALL_TESTS, [...UNIT_TESTS, ...SQLITE_ONLY_TESTS, ...BROWSER_TESTS], { env, ...SHARED_WORKERS }),
    ],
  },
});
