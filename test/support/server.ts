/**
 * Starts a real Overleg server on 127.0.0.1 for a test: its own database (a temporary SQLite file,
 * or a PostgreSQL database of its own when TEST_DATABASE_URL is set), the demo data (a copy of the
 * run's seeded template, test/support/template.ts), and helpers to sign in as the demo people over HTTP.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { openDatabase, type Database } from "../../db/index";
import { DEMO_PASSWORD } from "../../server/seed/content";
import { startServer, type OverlegServer, type StartOptions } from "../../server/app";
import { parseEnv, type Env } from "../../server/env";
import { createLogger } from "../../server/log";
import { freePort } from "./spawn";
import { adminQuery, isPostgresUrl, seedDatabase, withDatabaseName } from "./template";

export { freePort };

function newDatabaseName(): string {
  return `overleg_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/** A fresh, empty database URL (migrated when the run has an empty template) and a function that removes it. */
export async function freshDatabaseUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  const template = process.env.VITEST ? (await import("vitest")).inject("overlegEmptyTemplateUrl") : undefined;
  const base = process.env.TEST_DATABASE_URL;
  if (template && isPostgresUrl(template) === isPostgresUrl(base)) return copyOf(template, base);
  if (isPostgresUrl(base)) {
    const name = newDatabaseName();
    await adminQuery(base, `create database ${name}`);
    return { url: withDatabaseName(base, name), drop: () => adminQuery(base, `drop database if exists ${name} with (force)`) };
  }
  const dir = mkdtempSync(join(tmpdir(), "overleg-test-"));
  return { url: `file:${join(dir, "overleg.db")}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A database of the test's own holding the demo data (migrated and seeded), and a function that
 * removes it: a copy of the run's template when the global setup made one, else seeded the real way.
 */
export async function seededDatabaseUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  // Outside a vitest run (test/web/screenshots.ts, a script) there is no template: seed the real way.
  const template = process.env.VITEST ? (await import("vitest")).inject("overlegTemplateUrl") : undefined;
  const base = process.env.TEST_DATABASE_URL;
  if (!template || isPostgresUrl(template) !== isPostgresUrl(base)) {
    const fresh = await freshDatabaseUrl();
    await seedDatabase(fresh.url);
    return fresh;
  }
  return copyOf(template, base);
}

/** A database of the test's own, copied from a template of this run. */
async function copyOf(template: string, base: string | undefined): Promise<{ url: string; drop: () => Promise<void> }> {
  if (isPostgresUrl(base)) {
    const name = newDatabaseName();
    const templateName = new URL(template).pathname.slice(1);
    await adminQuery(base, `create database ${name} template ${templateName}`);
    return { url: withDatabaseName(base, name), drop: () => adminQuery(base, `drop database if exists ${name} with (force)`) };
  }
  const dir = mkdtempSync(join(tmpdir(), "overleg-test-"));
  const path = join(dir, "overleg.db");
  copyFileSync(template.replace(/^file:/, ""), path);
  return { url: `file:${path}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function ownDatabase(options: TestServerOptions): Promise<{ url: string; drop: () => Promise<void> }> {
  if (options.seed !== false && options.template !== false) return seededDatabaseUrl();
  const fresh = await freshDatabaseUrl();
  if (options.seed !== false) await seedDatabase(fresh.url);
  return fresh;
}

export interface TestServer extends OverlegServer {
  env: Env;
  database: Database;
  /** Signs in over HTTP; returns the session cookie header value and the bearer token. */
  signIn(email: string, password?: string): Promise<{ cookie: string; token: string; headers: Record<string, string> }>;
  userId(email: string): Promise<string>;
  /** The ids of the demo workspaces and sections by title. */
  workspaceId(title: string): Promise<string>;
  sectionIds(workspaceTitle: string): Promise<string[]>;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  remix?: StartOptions["remix"];
  /** false: an empty (migrated) database instead of the demo data. */
  seed?: boolean;
  /** false: seed the demo data the real way instead of copying the run's template (tests of the seed itself). */
  template?: boolean;
  env?: Record<string, string>;
  collab?: StartOptions["collab"];
  sessionCheck?: StartOptions["sessionCheck"];
  /** Reuse a database URL (e.g. after a restart); the caller owns it. */
  databaseUrl?: string;
  /** better-auth options over the tests' default (address rate limit off). */
  auth?: StartOptions["auth"];
  /** The mail sender's clock, transport and timings (server/mail/sender.ts). */
  mail?: StartOptions["mail"];
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const port = await freePort();
  const owned = options.databaseUrl ? undefined : await ownDatabase(options);
  const env = parseEnv({
    NODE_ENV: "test",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: options.databaseUrl ?? owned!.url,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "error",
    ...options.env,
  });
  const log = createLogger(env.LOG_LEVEL);
  const database = await openDatabase(env.DATABASE_URL);
  const server = await startServer({
    env,
    database,
    remix: options.remix ?? "none",
    log,
    auth: { signInPerMinute: 0, ...options.auth },
    collab: options.collab,
    sessionCheck: options.sessionCheck,
    mail: options.mail,
  });
  const { db, t } = database;
  const workspaceId = async (title: string) => {
    const rows = await db.select({ id: t.workspaces.id }).from(t.workspaces).where(eq(t.workspaces.title, title)).limit(1);
    if (!rows[0]) throw new Error(`no workspace ${title}`);
    return rows[0].id;
  };
  return {
    ...server,
    env,
    database,
    async signIn(email, password = DEMO_PASSWORD) {
      const res = await fetch(`${server.url}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: server.url },
        body: JSON.stringify({ email, password }),
      });
      if (!res.ok) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
      const token = res.headers.get("set-auth-token") ?? "";
      const cookie = (res.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).join("; ");
      return { cookie, token, headers: { cookie, origin: server.url } };
    },
    async userId(email) {
      const rows = await db.select({ id: t.user.id }).from(t.user).where(eq(t.user.email, email)).limit(1);
      if (!rows[0]) throw new Error(`no user ${email}`);
      return rows[0].id;
    },
    workspaceId,
    async sectionIds(workspaceTitle) {
      const wsId = await workspaceId(workspaceTitle);
      const rows = await db
        .select({ id: t.sections.id })
        .from(t.sections)
        .where(eq(t.sections.workspaceId, wsId))
        .orderBy(t.sections.position);
      return rows.map((r) => r.id);
    },
    async stop() {
      await server.close();
      await database.close();
      await owned?.drop();
    },
  };
}
