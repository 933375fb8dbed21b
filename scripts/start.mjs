// `npm start`: build the Remix app when the build is missing or older than its sources, bundle the
// server (scripts/build-server.mjs, a fraction of a second), then run it in this same process (so
// SIGTERM reaches it directly), on plain Node.
//
// The bundling runs in a child process of its own: esbuild's JavaScript API keeps its service process
// (about 40 MB) alive until the process that used it exits, which would be the server's whole life.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ensureBuild } from "./ensure-build.mjs";

const root = resolve(fileURLToPath(import.meta.url), "../..");

ensureBuild();
const bundled = spawnSync(process.execPath, [resolve(root, "scripts/build-server.mjs")], { cwd: root, stdio: "inherit" });
if (bundled.status !== 0) {
  console.error("Bundling the server failed; see the messages above.");
  process.exit(bundled.status ?? 1);
}
// Source maps stay off unless asked for (`NODE_OPTIONS=--enable-source-maps npm start`): with them on,
// Node keeps the map of every loaded package that ships one, about 7 MB for an idle server (ADR 045).
await import(pathToFileURL(resolve(root, "build/node/main.mjs")).href); // serverBundle("main") in build-server.mjs
