/**
 * Overleg as the bench runs it: the real server (authenticated collab endpoint, durable update log on
 * the SQLite file at BENCH_DATABASE_URL), without the Remix app, on 127.0.0.1:BENCH_PORT. Prints
 * `ready {"url", "sections"}` once it accepts connections; SIGTERM shuts it down gracefully.
 *
 * The one difference from production: the per-person connection limit is lifted, because the bench
 * connects hundreds of clients as one demo person (signing in hundreds of people would measure
 * password hashing, not co-editing).
 */
import "./gc";
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { dirname } from "node:path";
import { eq, like } from "drizzle-orm";
import { openDatabase } from "../../db/index";
import { startServer } from "../../server/app";
import { parseEnv } from "../../server/env";
import { createLogger } from "../../server/log";
import { BENCH_SUGGESTER } from "../lib/overleg-db";

const env = parseEnv({
  ...process.env,
  NODE_ENV: "test",
  HOST: "127.0.0.1",
  PORT: process.env.BENCH_PORT,
  DATABASE_URL: process.env.BENCH_DATABASE_URL,
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "error",
});
const log = createLogger(env.LOG_LEVEL);
const database = await openDatabase(env.DATABASE_URL);
const server = await startServer({
  env,
  database,
  remix: "none",
  log,
  auth: { signInPerMinute: 0 },
  collab: { limits: { connectionsPerPerson: 100_000 } },
});
const { db, t } = database;
// The bench's own draft sections (see bench/lib/overleg-db.ts), in order.
const sections = (
  await db.select({ id: t.sections.id }).from(t.sections).where(like(t.sections.title, "Bench section %")).orderBy(t.sections.position)
).map((r) => r.id);

// BENCH_PROFILE_FILE: a CPU profile of the run only (from here to SIGTERM), not of the start.
const profileFile = process.env.BENCH_PROFILE_FILE;
const session = profileFile ? new Session() : null;
if (session) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
}
// The suggesting typist (bench/lib/servers.ts): a commenter of the bench sections, and the identity
// its insertion marks must carry (the server checks them against the session, ADR 027).
const [person] = await db
  .select({ userId: t.user.id, organisationId: t.user.organisationId, name: t.user.name, organisation: t.organisations.shortCode })
  .from(t.user)
  .leftJoin(t.organisations, eq(t.organisations.id, t.user.organisationId))
  .where(eq(t.user.email, BENCH_SUGGESTER));
const suggester = person ? { ...person, organisation: person.organisation ?? null } : null;
process.stdout.write(`ready ${JSON.stringify({ url: server.url, sections, suggester })}\n`);

async function writeProfile() {
  if (!session || !profileFile) return;
  const { profile } = await session.post("Profiler.stop");
  mkdirSync(dirname(profileFile), { recursive: true });
  writeFileSync(profileFile, JSON.stringify(profile));
}

process.once("SIGTERM", () => {
  void writeProfile()
    .catch(() => undefined)
    .then(() => server.close())
    .then(() => database.close())
    .finally(() => process.exit(0));
});
