/** `npm run seed`: empties the database and loads the demo data again (refused in production). */
import { createAuth } from "../server/auth";
import { demoAllowed, parseEnv } from "../server/env";
import { createLogger } from "../server/log";
import { openDatabase } from "./index";
import { seedDemo, wipe } from "./seed";

const env = parseEnv();
if (!demoAllowed(env)) {
  console.error("Refusing to load demo people with a published password in production (set SEED_DEMO=true to allow).");
  process.exit(1);
}
const log = createLogger(env.LOG_LEVEL);
const database = await openDatabase(env.DATABASE_URL);
await wipe(database);
await seedDemo(database, createAuth(database, env), log);
await database.close();
log.info(`demo data reloaded into ${database.dialect}`);
