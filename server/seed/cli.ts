/** `npm run seed`: empties the database and loads the demo data again (refused in production). */
import { createAuth } from "../auth";
import { demoAllowed, parseEnv } from "../env";
import { createLogger } from "../log";
import { openDatabase } from "../../db/index";
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
