/**
 * Runs once before the test files: builds the Remix app when the build is missing or older than its
 * sources, so tests that serve it (remix: "build", a production start, the browser journeys) have it;
 * and, for the PostgreSQL suite, checks that PostgreSQL answers before any test tries.
 */
import pg from "pg";
import { ensureBuild } from "../../scripts/ensure-build.mjs";

export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (url && /^postgres/.test(url)) {
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
  const started = Date.now();
  if (ensureBuild()) console.log(`[global-setup] Remix build ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}
