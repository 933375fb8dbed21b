/**
 * One Overleg node as a child process for the scale tests: like test/support/child-server.ts, on the
 * database at DATABASE_URL and the Redis at REDIS_URL (both from the environment), and with sign-in
 * rate limiting on when OVERLEG_TEST_SIGNIN_PER_MINUTE is set. Prints `listening <url>` once it
 * accepts connections; SIGTERM shuts it down gracefully, SIGKILL is what the tests use.
 *
 *   node --import tsx test/scale/node.ts
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
});
process.stdout.write(`listening ${server.url}\n`);

process.once("SIGTERM", () => {
  void server
    .close()
    .then(() => database.close())
    .finally(() => process.exit(0));
});
