// `npm start`: build the Remix app when the build is missing or older than its sources, then run
// the server in this same process (so SIGTERM reaches it directly).
import { ensureBuild } from "./ensure-build.mjs";

ensureBuild();
const { register } = await import("tsx/esm/api");
register();
await import("../server/main.ts");
