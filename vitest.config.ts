/**
 * The test suites, as vitest projects (README "Tests"):
 *
 * - unit: pure functions and components, no database and no Overleg server (the policy table, env
 *   parsing, format helpers, protocol encoders, the schema declarations side by side). They run once,
 *   in `npm test`; the database they would run against does not change them.
 * - server: real Overleg servers in the test process, each on a database of its own. THE DEFAULT: a
 *   new test file anywhere under test/ (outside the lists below) lands here and runs on SQLite
 *   (`npm test`) and on PostgreSQL (`npm run test:pg`).
 * - child: the Overleg process itself is what is tested (start-up, production start, kill -9); each
 *   uses a database, so they run on both too.
 * - multi-node: several Overleg processes sharing PostgreSQL and Redis (test/scale); only in
 *   `npm run test:pg` (vitest.pg.config.ts).
 * - browser: Chromium journeys, `npm run test:browser` (vitest.browser.config.ts).
 *
 * The global setup (test/support/global-setup.ts) builds the app when needed and migrates and seeds
 * one template database per run, which every test server copies.
 */
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

/** Pure tests: no database, no Overleg server. */
export const UNIT_TESTS = [
  "app/**/*.test.ts",
  "test/policy.test.ts",
  "test/env.test.ts",
  "test/schema-parity.test.ts",
  "test/web/format.test.ts",
  "test/comments/markdown.test.ts",
  "test/collab/wire-frame.test.ts",
  "test/realtime/workspace-presence.test.ts",
  "test/lifecycle.test.ts",
  "test/document-render.test.ts",
  "test/search/text.test.ts",
  "test/notification-kinds.test.ts",
  "test/mail/rules.test.ts",
  "test/imports/read.test.ts",
];
/** Tests of the Overleg process itself (spawned children), on a database. */
export const CHILD_TESTS = ["test/seed.test.ts", "test/collab/durability.test.ts"];
/** Several Overleg nodes on PostgreSQL and Redis. */
export const MULTI_NODE_TESTS = ["test/scale/**/*.test.ts"];
/** SQLite's own behaviour (the statement cache): nothing to learn from them on PostgreSQL. */
export const SQLITE_ONLY_TESTS = ["test/db.test.ts"];
export const BROWSER_TESTS = ["test/browser/**/*.test.ts"];
/** Where the default project (server) looks. */
export const ALL_TESTS = ["test/**/*.test.ts", "server/**/*.test.ts", "db/**/*.test.ts"];

/**
 * unit and server run without isolation (isolate: false): a worker imports the server's modules once
 * and runs file after file, instead of a new process importing them again for each file (that import
 * was half the CPU time of the server tests). Every test server and database is still the test's own;
 * a test file that changes module-level state (a global, an environment variable) restores it.
 */
export const SHARED_WORKERS = { isolate: false } as const;

/** What every project shares (projects do not inherit the root's options: the global setup runs once, at the root). */
export const shared = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: "forks",
} as const;

export function project(name: string, include: string[], exclude: string[] = [], extra: TestProjectInlineConfiguration["test"] = {}): TestProjectInlineConfiguration {
  return { test: { ...shared, name, include, exclude: ["node_modules/**", ...exclude], ...extra } };
}

export default defineConfig({
  test: {
    ...shared,
    // Two workers on two cores: most of a server test's time is spent waiting on sockets, timers
    // and the database, so a second file runs meanwhile (vitest's default leaves one core idle).
    maxWorkers: 2,
    minWorkers: 1,
    globalSetup: ["test/support/global-setup.ts"],
    projects: [
      // Worker threads start faster than processes, and these hold no native database handle.
      project("unit", UNIT_TESTS, [], { pool: "threads", ...SHARED_WORKERS }),
      project("server", ALL_TESTS, [...UNIT_TESTS, ...CHILD_TESTS, ...MULTI_NODE_TESTS, ...BROWSER_TESTS], SHARED_WORKERS),
      project("child", CHILD_TESTS),
    ],
  },
});
