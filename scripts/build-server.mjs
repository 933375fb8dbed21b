// Bundles the server's entry points (server/, db/, app/shared/ in TypeScript) into build/node/ with
// esbuild, packages left to node_modules: the Overleg process then starts on plain Node, without a
// TypeScript loader resolving and transforming every import on the way (docs/decisions/032).
// Takes a fraction of a second; run before every start, and once per test run.
import { build } from "esbuild";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../..");

/** The entry points, by what starts them. */
export const SERVER_ENTRIES = {
  main: "server/main.ts", // npm start
  seed: "server/seed/cli.ts", // npm run seed
  "audit-verify": "server/audit-cli.ts", // npm run audit:verify
  "publication-verify": "server/publication-cli.ts", // npm run publication:verify
  "test-child": "test/support/child-server.ts", // tests that kill the process
};

/** Where an entry's bundle is, once built. */
export function serverBundle(name) {
  return resolve(root, "build/node", `${name}.mjs`);
}

export async function buildServer() {
  await build({
    absWorkingDir: root,
    entryPoints: SERVER_ENTRIES,
    outdir: resolve(root, "build/node"),
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    sourcemap: true,
    // Stack traces need the mappings and the sources' names, not their text: with `--enable-source-maps`
    // (npm start) Node keeps every loaded map in memory for the life of the process.
    sourcesContent: false,
    logLevel: "warning",
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer();
