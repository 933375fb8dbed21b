/**
 * The test suites, as vitest projects (README "Tests"):
 *
 * - unit: pure functions and components, no database and no Overleg server (the policy table, env
 *   parsing, format helpers, protocol encoders, the schema declarations side by side). They run once,
 *   in `npm test`; the database they would run against does not change them.
 * - server: real Overleg servers in the test process, each on a database of its own. THE DEFAULT: a
 *   new test file anywhere under test/ (outside the lists below) lands here and runs on SQLite
 *   (`npm test`) and on PostgreSQL (`npm run test:pg`).
 *   The tests of the Overleg process itself (start-up, production start, `npm run seed`, kill -9)
 *   run here too, as child processes started from the bundle (ADR 032), and start first
 *   (test/support/sequencer.ts); so do the multi-node tests (test/scale: several Overleg processes
 *   on PostgreSQL and Redis), which run only in `npm run test:pg` (vitest.pg.config.ts).
 * - browser: Chromium journeys, `npm run test:browser` (vitest.browser.config.ts).
 * - office: LibreOffice reads exported documents back, `npm run test:office` (vitest.office.config.ts).
 *
 * The global setup (test/support/global-setup.ts) builds the app when needed, bundles the server,
 * and migrates and seeds one template database per run, which every test server copies.
 */
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import LongestFirst from "./test/support/sequencer";

/** Pure tests: no database, no Overleg server. */
export const UNIT_TESTS = [
  "app/**/*.test.ts",
  "test/policy.test.ts",
  "test/env.test.ts",
  "test/schema-parity.test.ts",
  "test/web/format.test.ts",
  "test/comments/markdown.test.ts",
  "test/collab/wire-frame.test.ts",
  "test/collab/suggestions-property.test.ts",
  "test/realtime/workspace-presence.test.ts",
  "test/lifecycle.test.ts",
  "test/document-render.test.ts",
  "test/diff-layout.test.ts",
  "test/search/text.test.ts",
  "test/notification-kinds.test.ts",
  "test/mail/rules.test.ts",
  "test/abilities-translated.test.ts",
  "test/imports/read.test.ts",
  "test/memory.test.ts",
  "test/build-ascii.test.ts",
];
/** Several Overleg nodes on PostgreSQL and Redis. */
export const MULTI_NODE_TESTS = ["test/scale/**/*.test.ts"];
/** SQLite's own behaviour (the statement cache): nothing to learn from them on PostgreSQL. */
export const SQLITE_ONLY_TESTS = ["test/db.test.ts"];
export const BROWSER_TESTS = ["test/browser/**/*.test.ts"];
/** Files whose documents LibreOffice reads back in `npm run test:office` (test/support/office.ts); `npm test` runs them without that step. */
export const OFFICE_TESTS = ["test/exports/documents.test.ts", "test/review/exports.test.ts", "test/imports/read.test.ts"];
/** Where the default project (server) looks. */
export const ALL_TESTS = ["test/**/*.test.ts", "server/**/*.test.ts", "db/**/*.test.ts"];

/**
 * unit and server run without isolation (isolate: false): a worker imports the server's modules once
 * and runs file after file, instead of a new process importing them again for each file (that import
 * was half the CPU time of the server tests). Every test server and database is still the test's own;
 * a test file that changes module-level state (a global, an environment variable) restores it.
 */
export const SHARED_WORKERS = { isolate: false } as const;

/**
 * Whether a pool starts a new worker for each file is read from the root options, not a project's:
 * without this, every file of the server project got a fresh process that imported the server again.
 */
export const REUSED_WORKERS = { forks: { isolate: false }, threads: { isolate: false } } as const;

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
    poolOptions: REUSED_WORKERS,
    sequence: { sequencer: LongestFirst },
    globalSetup: ["test/support/global-setup.ts"],
    projects: [
      // Worker threads start faster than processes, and these hold no native database handle.
      project("unit", UNIT_TESTS, [], { pool: "threads", ...SHARED_WORKERS }),
      // The child-process tests run here too, first (test/support/sequencer.ts): the pool starts a
      // project's files only once every file of the one before has started, so a project of their
      // own would put their minutes at the end.
      project("server", ALL_TESTS, [...UNIT_TESTS, ...MULTI_NODE_TESTS, ...BROWSER_TESTS], SHARED_WORKERS),
    ],
  },
});
