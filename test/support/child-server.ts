/**
 * Overleg as a child process, for tests that kill it (kill -9 durability, several nodes): serves the
 * existing database at DATABASE_URL on 127.0.0.1:PORT without the Remix app, and prints
 * `listening <url>` on stdout once it accepts connections. Collab options (timings, limits) come as
 * JSON in OVERLEG_TEST_COLLAB and the session re-check interval (ms) in OVERLEG_TEST_SESSION_CHECK_MS;
 * with REDIS_URL set it is one of several nodes sharing that Redis, and OVERLEG_TEST_SIGNIN_PER_MINUTE
 * turns sign-in rate limiting on (off by default). SIGTERM shuts it down gracefully; SIGKILL is the
 * point of it.
 *
 *   node --import tsx test/support/child-server.ts
 */
import { openDatabase } from "../../db/index";
import { startServer } from "../../server/app";
import { parseEnv } from "../../server/env";
import { createLogger } from "../../server/log";

const env = parseEnv({ ...process.env, NODE_ENV: "test", HOST: "127.0.0.1" });
const log = createLogger(env.LOG_LEVEL);
const database = await openDatabase(env.DATABASE_URL);
const server = await startServer({
  env,
  database,
  remix: "none",
  log,
  auth: { signInPerMinute: Number(process.env.OVERLEG_TEST_SIGNIN_PER_MINUTE ?? 0) },
  collab: JSON.parse(process.env.OVERLEG_TEST_COLLAB ?? "{}") as Parameters<typeof startServer>[0]["collab"],
  sessionCheck: { everyMs: Number(process.env.OVERLEG_TEST_SESSION_CHECK_MS) || undefined },
});
process.stdout.write(`listening ${server.url}\n`);

process.once("SIGTERM", () => {
  void server
    .close()
    .then(() => database.close())
    .finally(() => process.exit(0));
});
