// Builds the Remix app (vite) when build/server/index.js is missing or older than any source file (app/, server/, public/).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../..");

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

export function ensureBuild() {
  const built = resolve(root, "build/server/index.js");
  const sources = Math.max(
    newest(resolve(root, "app")),
    // The routes import the server's commands and views, which the build bundles.
    newest(resolve(root, "server")),
    newest(resolve(root, "public")),
    statSync(resolve(root, "vite.config.ts")).mtimeMs,
    statSync(resolve(root, "package-lock.json")).mtimeMs,
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return false;
  console.log("Building the Overleg web app (vite)…");
  const result = spawnSync(process.execPath, [resolve(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    cwd: root,
    stdio: "inherit",
    // Always the production build: under vitest NODE_ENV is "test", and Vite would otherwise bundle
    // React's development build (larger, with development-only warnings) into build/client.
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) {
    console.error("The build failed; see the messages above.");
    process.exit(result.status ?? 1);
  }
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureBuild();
