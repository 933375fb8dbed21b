/**
 * `npm start` / `npm run dev`: parse the configuration, migrate, seed an empty database (outside
 * production) or create the first admin (production), serve, and shut down gracefully on SIGTERM.
 */
import { openDatabase } from "../db/index";
import { ensureAdmin, isEmpty, seedDemo } from "./seed/seed";
import { readAuditKey, startServer } from "./app";
import { createAuth } from "./auth";
import { ConfigError, demoAllowed, parseEnv } from "./env";
import { createLogger } from "./log";

async function main() {
  const dev = process.argv.includes("--dev");
  let env;
  try {
    env = parseEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  const log = createLogger(env.LOG_LEVEL);
  const auditKey = readAuditKey(env); // before the database: a missing key creates nothing
  const database = await openDatabase(env.DATABASE_URL);
  log.info(`database ready (${database.dialect})`);

  const auth = createAuth(database, env);
  if (env.ADMIN_EMAIL && env.ADMIN_PASSWORD) {
    await ensureAdmin(database, auth, { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }, log);
  }
  if (demoAllowed(env) && (await isEmpty(database))) {
    log.info("empty database: loading the demo data");
    await seedDemo(database, auth, log);
  }

  const server = await startServer({ env, database, remix: dev ? "dev" : "build", log, auditKey, settleMemory: !dev });
  log.info(`Overleg is listening on ${server.url} (public URL ${env.PUBLIC_URL})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await server.close();
      await database.close();
    } finally {
      process.exit(0);
    }
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    // A configured file that is not what it should be (the audit key): a message, not a stack trace.
    console.error(error.message);
    process.exit(78);
  }
  console.error("Overleg failed to start:", error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
