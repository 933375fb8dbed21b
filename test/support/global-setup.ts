/**
 * Runs once before the test files: builds the Remix app when the build is missing or older than its
 * sources, so tests that serve it (remix: "build", a production start, the browser journey) have it.
 */
import { ensureBuild } from "../../scripts/ensure-build.mjs";

export default function setup(): void {
  const started = Date.now();
  if (ensureBuild()) console.log(`[global-setup] Remix build ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}
