/**
 * The per-account sign-in limit: wrong passwords for one account, from however many addresses, make
 * that account wait (429 with Retry-After, in the JSON API and on the sign-in page, in Dutch and
 * English), with a wait that grows and ends; the right password works again once it has; other
 * accounts are not affected; and with several nodes on one Redis the count is shared.
 */
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../server/seed/content";
import { createPerson } from "../../server/auth";
import { DEFAULT_ACCOUNT_LIMIT, waitAfter } from "../../server/sign-in-limit";
import { startTestServer, type TestServer } from "../support/server";
import { redisAnswers, SHARED_REDIS_URL } from "../support/redis";

/** A sign-in through the JSON API, from the given client address (the server trusts X-Forwarded-For from loopback only). */
async function signIn(server: TestServer, email: string, password: string, address?: string) {
  const res = await fetch(`${server.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url, ...(address ? { "x-forwarded-for": address } : {}) },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json().catch(() => null)) as { code?: string; message?: string } | null;
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body };
}

describe("the wait after wrong passwords", () => {
  it("starts small after five attempts, doubles, and stops growing at five minutes", () => {
    const waits = Array.from({ length: 12 }, (_, i) => waitAfter(i + 1, DEFAULT_ACCOUNT_LIMIT) / 1000);
    expect(waits).toEqual([0, 0, 0, 0, 15, 30, 60, 120, 240, 300, 300, 300]);
  });
});

describe("sign-in attempts per account", () => {
  let server: TestServer;
  beforeAll(async () => {
    // The address limit on as in production (10 a minute): it alone lets all 30 addresses through.
    server = await startTestServer({ remix: "build", auth: { signInPerMinute: 10 } });
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("refuses the account (429, Retry-After) after five wrong passwords from 30 different addresses, and only that account", async () => {
    const results = [];
    for (let i = 1; i <= 30; i++) results.push(await signIn(server, "lead@ez.example", "not-the-password", `198.51.100.${i}`));
    expect(results.map((r) => r.status)).toEqual([...Array(5).fill(401), ...Array(25).fill(429)]);
    for (const refused of results.slice(5)) {
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(refused.retryAfter)).toBeLessThanOrEqual(15);
      expect(refused.body).toMatchObject({
        code: "TOO_MANY_ATTEMPTS_FOR_ACCOUNT",
        message: `Too many failed sign-in attempts for this account. Try again in ${refused.retryAfter} seconds.`,
      });
    }
    // While it waits, even the right password is refused without being checked…
    expect((await signIn(server, "lead@ez.example", DEMO_PASSWORD, "198.51.100.77")).status).toBe(429);
    // …and other accounts are not affected, from the same addresses.
    expect((await signIn(server, "drafter@kgg.example", DEMO_PASSWORD, "198.51.100.1")).status).toBe(200);
    expect((await signIn(server, "viewer@tno.example", "not-the-password", "198.51.100.2")).status).toBe(401);
  });

  it("counts the same account however its address is written", async () => {
    for (let i = 0; i < 5; i++) expect((await signIn(server, "office@minister.example", "wrong-password", `192.0.2.${i}`)).status).toBe(401);
    expect((await signIn(server, "  Office@Minister.EXAMPLE ", "wrong-password", "192.0.2.9")).status).toBe(429);
  });

  it("says so on the sign-in page, in Dutch and in English, with a Retry-After header", async () => {
    const post = (password: string, address: string, language: string) =>
      fetch(`${server.url}/sign-in`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url, "accept-language": language, "x-forwarded-for": address },
        body: new URLSearchParams({ email: "approver@ocw.example", password }),
        redirect: "manual",
      });
    for (let i = 0; i < 5; i++) expect((await post("not-the-password", `203.0.113.${i}`, "nl")).status).toBe(401);
    const nl = await post("not-the-password", "203.0.113.50", "nl");
    expect(nl.status).toBe(429);
    const seconds = nl.headers.get("retry-after");
    expect(Number(seconds)).toBeGreaterThanOrEqual(1);
    expect(nl.headers.getSetCookie()).toEqual([]);
    expect(await nl.text()).toMatch(
      new RegExp(`role="alert"[^>]*>Te veel mislukte inlogpogingen voor dit account\\. .*probeer het over ${seconds} seconden opnieuw\\.`),
    );
    const en = await post(DEMO_PASSWORD, "203.0.113.51", "en");
    expect(en.status).toBe(429);
    expect(await en.text()).toMatch(/role="alert"[^>]*>Too many failed sign-in attempts for this account\. .*try again in \d+ seconds\./);
  });
});

describe("the wait ends", () => {
  let server: TestServer;
  beforeAll(async () => {
    // A short first wait, so that the test does not wait minutes.
    server = await startTestServer({ auth: { accountLimit: { firstWaitMs: 1000 } } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("lets the right password in once the wait is over, and a sign-in starts the account afresh", async () => {
    for (let i = 0; i < 5; i++) expect((await signIn(server, "expert@fme.example", "not-the-password", `198.51.100.${i}`)).status).toBe(401);
    const refused = await signIn(server, "expert@fme.example", DEMO_PASSWORD, "198.51.100.9");
    expect(refused.status).toBe(429);
    const seconds = Number(refused.retryAfter);
    expect(seconds).toBe(1);
    await delay(seconds * 1000); // the wait the server announced
    expect((await signIn(server, "expert@fme.example", DEMO_PASSWORD, "198.51.100.9")).status).toBe(200);
    // Afresh: five more wrong passwords are answered as such before the account waits again.
    for (let i = 0; i < 5; i++) expect((await signIn(server, "expert@fme.example", "not-the-password", `198.51.100.${i}`)).status).toBe(401);
    expect((await signIn(server, "expert@fme.example", "not-the-password")).status).toBe(429);
  });
});

// ── several nodes ────────────────────────────────────────────────────────────────────────────────────
const REDIS_URL = SHARED_REDIS_URL;

const redisUp = await redisAnswers(REDIS_URL);

describe.skipIf(!redisUp)(`two nodes sharing Redis at ${REDIS_URL}${redisUp ? "" : " (skipped: Redis is not reachable there)"}`, () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startTestServer({ env: { REDIS_URL } });
    b = await startTestServer({ env: { REDIS_URL }, databaseUrl: a.env.DATABASE_URL });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it("shares the count: wrong passwords spread over both nodes make the account wait on both", async () => {
    // A person of this test only, so that other tests on the same Redis never meet this account's counter.
    const email = `locked-${crypto.randomUUID()}@test.example`;
    await createPerson(a.services.auth, { email, name: "Test Person", password: "the-right-password", organisationId: null });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await signIn(i % 2 ? b : a, email, "not-the-password", `198.51.100.${i}`)).status);
    statuses.push((await signIn(b, email, "the-right-password", "198.51.100.20")).status);
    statuses.push((await signIn(a, email, "the-right-password", "198.51.100.21")).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    // Another account on the same nodes signs in.
    expect((await signIn(b, "drafter@kgg.example", DEMO_PASSWORD)).status).toBe(200);
  });
});
