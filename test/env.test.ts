/**
 * The configuration is parsed once at start; a bad value stops Overleg with one clear line naming the
 * variable, and nothing starts.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, demoAllowed, parseEnv, publicEnv } from "../server/env";
import { serverBundle } from "./support/spawn";

const root = resolve(import.meta.dirname, "..");
const CONFIG_KEYS = [
  "NODE_ENV",
  "PORT",
  "HOST",
  "DATABASE_URL",
  "REDIS_URL",
  "BETTER_AUTH_SECRET",
  "PUBLIC_URL",
  "ALLOW_SIGNUP",
  "SEED_DEMO",
  "ADMIN_EMAIL",
  "ADMIN_PASSWORD",
  "LOG_LEVEL",
  "AUDIT_KEY_FILE",
  "AUDIT_CHECKPOINT_EVERY",
  "SMTP_URL",
  "MAIL_FROM",
];
const SECRET = "x".repeat(40);

function problems(source: Record<string, string>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  return [];
}

describe("parseEnv", () => {
  it("has defaults for a development start with nothing set", () => {
    const env = parseEnv({});
    expect(env.NODE_ENV).toBe("development");
    expect(env.PORT).toBe(3000);
    expect(env.HOST).toBe("127.0.0.1");
    expect(env.DATABASE_URL).toBe("file:./data/overleg.db");
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.PUBLIC_URL).toBe("http://127.0.0.1:3000");
    expect(env.ALLOW_SIGNUP).toBe(false);
    expect(env.SEED_DEMO).toBe(false);
    expect(env.LOG_LEVEL).toBe("info");
    expect(env.BETTER_AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(env.AUDIT_KEY_FILE).toBe("./data/audit-key.pem");
    expect(env.AUDIT_CHECKPOINT_EVERY).toBe(100);
    expect(demoAllowed(env)).toBe(true);
  });

  it("reads good values", () => {
    const env = parseEnv({
      NODE_ENV: "production",
      PORT: "8080",
      HOST: "0.0.0.0",
      DATABASE_URL: "postgres://overleg@db.internal:5432/overleg",
      REDIS_URL: "redis://cache.internal:6379",
      BETTER_AUTH_SECRET: SECRET,
      PUBLIC_URL: "https://overleg.example/",
      ALLOW_SIGNUP: "true",
      SEED_DEMO: "1",
      ADMIN_EMAIL: "beheer@overleg.example",
      ADMIN_PASSWORD: "a long enough password",
      LOG_LEVEL: "warn",
      AUDIT_KEY_FILE: "/run/secrets/overleg-audit-key.pem",
      AUDIT_CHECKPOINT_EVERY: "500",
    });
    expect(env.PORT).toBe(8080);
    expect(env.AUDIT_KEY_FILE).toBe("/run/secrets/overleg-audit-key.pem");
    expect(env.AUDIT_CHECKPOINT_EVERY).toBe(500);
    expect(env.PUBLIC_URL).toBe("https://overleg.example");
    expect(env.ALLOW_SIGNUP).toBe(true);
    expect(env.SEED_DEMO).toBe(true);
    expect(demoAllowed(env)).toBe(true);
    expect(publicEnv(env)).toEqual({ allowSignup: true, showDemoPeople: false });
  });

  it("reads single sign-on providers from numbered SSO_<n>_… variables", () => {
    const env = parseEnv({
      SSO_1_ISSUER: "https://login.minez.example/",
      SSO_1_CLIENT_ID: "overleg",
      SSO_1_CLIENT_SECRET: "s3cret",
      SSO_1_DOMAINS: "MinEZ.example, ez.example",
      SSO_1_ORGANISATION: "EZ",
      SSO_1_CREATE_PEOPLE: "true",
      SSO_2_NAME: "KGG login",
      SSO_2_ISSUER: "https://id.kgg.example",
      SSO_2_CLIENT_ID: "overleg-kgg",
      SSO_2_CLIENT_SECRET: "other",
      SSO_2_DOMAINS: "kgg.example",
      SSO_2_ORGANISATION: "KGG",
    });
    expect(env.SSO_PROVIDERS).toEqual([
      { id: "config-1", prefix: "SSO_1_", name: "login.minez.example", issuer: "https://login.minez.example", clientId: "overleg", clientSecret: "s3cret", domains: ["minez.example", "ez.example"], organisation: "EZ", createPeople: true },
      { id: "config-2", prefix: "SSO_2_", name: "KGG login", issuer: "https://id.kgg.example", clientId: "overleg-kgg", clientSecret: "other", domains: ["kgg.example"], organisation: "KGG", createPeople: false },
    ]);
    expect(parseEnv({}).SSO_PROVIDERS).toEqual([]);
  });

  it("refuses an incomplete or wrong single sign-on provider, naming each variable and never the secret", () => {
    const found = problems({
      SSO_1_ISSUER: "http://login.minez.example",
      SSO_1_CLIENT_SECRET: "do-not-print-me",
      SSO_1_DOMAINS: "minez.example, not_a_domain",
      SSO_1_ORGANISATION: "EZ",
      SSO_1_CREATE_PEOPLE: "sometimes",
      SSO_1_CLIENTID: "typo",
      SSO_2_ISSUER: "https://id.kgg.example",
      SSO_2_CLIENT_ID: "x",
      SSO_2_CLIENT_SECRET: "y",
      SSO_2_DOMAINS: "minez.example",
      SSO_2_ORGANISATION: "KGG",
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SSO_1_CLIENTID: is not a single sign-on setting \(use .*SSO_1_CLIENT_ID/),
        "SSO_1_CLIENT_ID: is required when other SSO_1_… variables are set",
        expect.stringMatching(/^SSO_1_ISSUER \("http:\/\/login.minez.example"\): must be an https:\/\/ address/),
        'SSO_1_DOMAINS: "not_a_domain" is not an email domain such as minez.example',
        'SSO_1_CREATE_PEOPLE ("sometimes"): must be true or false',
        "SSO_2_DOMAINS: minez.example is already spoken for by SSO_1_DOMAINS",
      ]),
    );
    expect(found).toHaveLength(6);
    expect(found.join("\n")).not.toContain("do-not-print-me");
  });

  it("keeps demo people out of production unless SEED_DEMO says so", () => {
    expect(demoAllowed(parseEnv({ NODE_ENV: "production", BETTER_AUTH_SECRET: SECRET, AUDIT_KEY_FILE: "/k.pem" }))).toBe(false);
  });

  it("treats an empty value as unset", () => {
    expect(parseEnv({ PORT: "", REDIS_URL: "" }).PORT).toBe(3000);
  });

  it.each([
    [{ PORT: "abc" }, /^PORT \("abc"\): must be a port number/],
    [{ PORT: "70000" }, /^PORT \("70000"\): must be a port number/],
    [{ DATABASE_URL: "mysql://root@localhost/overleg" }, /^DATABASE_URL \("mysql:\/\/root@localhost\/overleg"\): must start with file: .* or postgres:\/\//],
    [{ NODE_ENV: "production", AUDIT_KEY_FILE: "/k.pem" }, /^BETTER_AUTH_SECRET: is required in production/],
    [{ NODE_ENV: "production", AUDIT_KEY_FILE: "/k.pem", BETTER_AUTH_SECRET: "short" }, /^BETTER_AUTH_SECRET: is required in production \(at least 32/],
    [{ NODE_ENV: "production", BETTER_AUTH_SECRET: SECRET }, /^AUDIT_KEY_FILE: is required in production: the path of the Ed25519 private key/],
    [{ AUDIT_CHECKPOINT_EVERY: "0" }, /^AUDIT_CHECKPOINT_EVERY \("0"\): must be a whole number of events from 1 to 1000000/],
    [{ AUDIT_CHECKPOINT_EVERY: "ten" }, /^AUDIT_CHECKPOINT_EVERY \("ten"\): must be a whole number/],
    [{ ADMIN_EMAIL: "beheer@overleg.example" }, /^ADMIN_PASSWORD: is required when ADMIN_EMAIL is set/],
    [{ ADMIN_PASSWORD: "a long enough password" }, /^ADMIN_EMAIL: is required when ADMIN_PASSWORD is set/],
    [{ ADMIN_EMAIL: "not an address", ADMIN_PASSWORD: "a long enough password" }, /^ADMIN_EMAIL \("not an address"\): /],
    [{ ADMIN_EMAIL: "beheer@overleg.example", ADMIN_PASSWORD: "short" }, /^ADMIN_PASSWORD: must be at least 12 characters/],
    [{ REDIS_URL: "http://cache" }, /^REDIS_URL \("http:\/\/cache"\): must start with redis:\/\//],
    [{ PUBLIC_URL: "overleg" }, /^PUBLIC_URL \("overleg"\): must be an absolute URL/],
    [{ ALLOW_SIGNUP: "yes" }, /^ALLOW_SIGNUP \("yes"\): /],
    [{ LOG_LEVEL: "loud" }, /^LOG_LEVEL \("loud"\): /],
    [{ SMTP_URL: "smtp://mail.internal:587" }, /^MAIL_FROM: is required when SMTP_URL is set/],
    [{ SMTP_URL: "http://mail.internal", MAIL_FROM: "o@overleg.example" }, /^SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/],
    [{ MAIL_FROM: "Overleg <not an address>" }, /^MAIL_FROM \("Overleg <not an address>"\): must be an address/],
  ])("refuses %j with one line naming the variable", (source, message) => {
    const lines = problems(source);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(lines[0]).not.toContain("\n");
  });

  it("takes SMTP_URL with MAIL_FROM, a bare address or a name and an address", () => {
    expect(parseEnv({ SMTP_URL: "smtp://u:p@mail.internal:587", MAIL_FROM: "Overleg <overleg@example.org>" }).SMTP_URL).toBe("smtp://u:p@mail.internal:587");
    expect(parseEnv({ MAIL_FROM: "overleg@example.org" }).MAIL_FROM).toBe("overleg@example.org");
  });

  it("never repeats the SMTP password in its messages", () => {
    expect(problems({ SMTP_URL: "ftp://user:hunter2@mail", MAIL_FROM: "o@overleg.example" }).join("\n")).not.toMatch(/hunter2/);
  });

  it("never repeats a secret or a password in its messages", () => {
    const lines = problems({ BETTER_AUTH_SECRET: "hunter2-short", ADMIN_EMAIL: "a@b.example", ADMIN_PASSWORD: "pw-short" });
    expect(lines.join("\n")).not.toMatch(/hunter2|pw-short/);
  });

  it("lists every bad variable at once", () => {
    expect(problems({ PORT: "abc", DATABASE_URL: "mysql://x", LOG_LEVEL: "loud" })).toHaveLength(3);
  });
});

const REFUSALS: [string, Record<string, string>, string][] = [
  ["PORT=abc", { PORT: "abc" }, 'PORT ("abc"): must be a port number'],
  ["DATABASE_URL=mysql://…", { DATABASE_URL: "mysql://root@localhost/overleg" }, "DATABASE_URL"],
  ["production without BETTER_AUTH_SECRET", { NODE_ENV: "production", AUDIT_KEY_FILE: "/k.pem" }, "BETTER_AUTH_SECRET: is required in production"],
  ["production without AUDIT_KEY_FILE", { NODE_ENV: "production", BETTER_AUTH_SECRET: SECRET }, "AUDIT_KEY_FILE: is required in production"],
  ["ADMIN_EMAIL without ADMIN_PASSWORD", { ADMIN_EMAIL: "beheer@overleg.example" }, "ADMIN_PASSWORD: is required when ADMIN_EMAIL is set"],
];

describe("what a start with a bad value prints", () => {
  // server/main.ts prints the ConfigError's message (and nothing else) and exits 78; the real process
  // is started once below.
  it.each(REFUSALS)("%s: the message, not a stack trace", (_name, source, message) => {
    let error: unknown;
    try {
      parseEnv({ DATABASE_URL: "file:./data/never.db", PORT: "0", ...source });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const printed = (error as ConfigError).message;
    expect(printed).toMatch(/^Overleg cannot start, its configuration is invalid:\n/);
    expect(printed).toContain(message);
    expect(printed).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe("starting with a bad value", () => {
  const dir = mkdtempSync(join(tmpdir(), "overleg-env-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !CONFIG_KEYS.includes(k) && !k.startsWith("VITEST")));
    const childEnv: Record<string, string | undefined> = { ...clean, DATABASE_URL: `file:${join(dir, "overleg.db")}`, PORT: "0", ...env };
    const child = spawn(process.execPath, [serverBundle("main")], {
      cwd: root,
      env: childEnv as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 25_000);
    return new Promise((resolvePromise) =>
      child.on("close", (code) => {
        clearTimeout(timer);
        resolvePromise({ code, stdout, stderr });
      }),
    );
  }

  it.each([
    REFUSALS[0],
    // Only the start finds out that the key file is missing (production never generates one).
    [
      "production with an AUDIT_KEY_FILE that does not exist",
      { NODE_ENV: "production", BETTER_AUTH_SECRET: SECRET, AUDIT_KEY_FILE: "/nonexistent/overleg-audit-key.pem" },
      "AUDIT_KEY_FILE (/nonexistent/overleg-audit-key.pem): no such file",
    ] as [string, Record<string, string>, string],
  ])("%s: the real process exits 78 with the message, and serves nothing", async (_name, env, message) => {
    const result = await start(env);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain("configuration is invalid");
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
    expect(result.stdout).not.toContain("listening");
    expect(existsSync(join(dir, "overleg.db"))).toBe(false); // nothing opened, nothing created
  });
});
