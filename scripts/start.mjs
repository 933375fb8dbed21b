// `npm start`: build the Remix app when the build is missing or older than its sources, bundle the
// server (scripts/build-server.mjs, a fraction of a second), then run it in this same process (so
// SIGTERM reaches it directly), on plain Node.
import { buildServer, serverBundle } from "./build-server.mjs";
import { ensureBuild } from "./ensure-build.mjs";

ensureBuild();
await buildServer();
process.setSourceMapsEnabled(true); // stack traces name the TypeScript sources
await import(serverBundle("main"));
