/**
 * Runs once before the test files: builds the Remix app when the build is missing or older than its
 * sources, and bundles the server's entry points (scripts/build-server.mjs), so tests that serve it (remix: "build", a production start, the browser journeys) have it;
 * for the PostgreSQL suite, checks that PostgreSQL answers before any test tries; and migrates and
 * seeds this run's template database (test/support/template.ts), which test servers copy.
 */
import pg from "pg";
import type { TestProject } from "vitest/node";
import { buildServer } from "../../scripts/build-server.mjs";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { createTemplate, isPostgresUrl } from "./template";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  if (isPostgresUrl(url)) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      await client.query("select 1");
    } catch (error) {
      throw new Error(`PostgreSQL does not answer at TEST_DATABASE_URL (${url}): ${(error as Error).message}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  let started = Date.now();
  if (ensureBuild()) console.log(`[global-setup] Remix build ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  await buildServer(); // the bundles child-process tests start (test/support/spawn.ts)
  started = Date.now();
  const [template, empty] = await Promise.all([createTemplate(url), createTemplate(url, { seed: false })]);
  if (process.env.TEST_LOG_LEVEL) console.log(`[global-setup] template database ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  project.provide("overlegTemplateUrl", template.url);
  project.provide("overlegEmptyTemplateUrl", empty.url);
  return async () => {
    await Promise.all([template.drop(), empty.drop()]);
  };
}
