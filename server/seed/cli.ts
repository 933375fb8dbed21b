/** `npm run seed`: empties the database and loads the demo data again (refused in production). */
import { ConfigError, demoAllowed, parseEnv, type Env } from "../env";
import { createLogger } from "../log";

let env: Env;
try {
  env = parseEnv();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message); // the message, not a stack trace, as `npm start` prints it
  process.exit(78);
}
if (!demoAllowed(env)) {
  console.error("Refusing to load demo people with a published password in production (set SEED_DEMO=true to allow).");
  process.exit(1);
}
// Loaded only once the configuration allows it: a refusal answers at once.
const [{ openDatabase }, { createAuth }, { seedDemo, wipe }] = await Promise.all([import("../../db/index"), import("../auth"), import("./seed")]);
const log = createLogger(env.LOG_LEVEL);
const database = await openDatabase(env.DATABASE_URL);
await wipe(database);
await seedDemo(database, createAuth(database, env), log);
await database.close();
log.info(`demo data reloaded into ${database.dialect}`);
