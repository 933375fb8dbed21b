/**
 * The security headers every answer carries: a page, the JSON API, a 404 and a refusal. The page's
 * inline scripts (Remix's hydration data) each carry the nonce the Content-Security-Policy names, a
 * new one for every response. HSTS only when PUBLIC_URL is https.
 * The built Remix app on a real server (the browser journeys check that the pages still work).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server";

/** The policy's directives by name. */
function directives(csp: string | null): Map<string, string[]> {
  expect(csp, "a Content-Security-Policy header").toBeTruthy();
  return new Map(
    csp!
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name, values]),
  );
}

function expectCommonHeaders(headers: Headers, what: string) {
  const csp = directives(headers.get("content-security-policy"));
  expect(csp.get("frame-ancestors"), what).toEqual(["'none'"]);
  expect(csp.get("object-src"), what).toEqual(["'none'"]);
  expect(csp.get("default-src"), what).toEqual(["'self'"]);
  const script = csp.get("script-src") ?? [];
  expect(script, what).not.toContain("'unsafe-inline'");
  expect(script, what).not.toContain("'unsafe-eval'");
  expect(script.filter((s) => s.startsWith("'nonce-"))).toHaveLength(1);
  expect(headers.get("x-content-type-options"), what).toBe("nosniff");
  expect(headers.get("referrer-policy"), what).toBe("same-origin");
  expect(headers.get("permissions-policy"), what).toMatch(/camera=\(\)/);
  expect(headers.get("permissions-policy"), what).toMatch(/microphone=\(\)/);
  expect(headers.get("x-powered-by"), what).toBeNull();
  return csp;
}

describe("security headers", () => {
  let server: TestServer;
  let cookie: string;

  beforeAll(async () => {
    server = await startTestServer({ remix: "build" });
    ({ cookie } = await server.signIn("lead@ez.example"));
  });
  afterAll(() => server?.stop());

  it("puts a nonce on every inline script of a page, a new one for each response, and names it in the policy", async () => {
    const [section] = await server.sectionIds("Toegang tot financiering");
    const nonces = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${server.url}/s/${section}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      const csp = expectCommonHeaders(res.headers, "a section page");
      const nonce = csp.get("script-src")!.find((s) => s.startsWith("'nonce-"))!.slice("'nonce-".length, -1);
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      nonces.add(nonce);
      // The realtime connections: Overleg's own origin over WebSocket.
      const host = new URL(server.url).host;
      expect(csp.get("connect-src")).toEqual(expect.arrayContaining(["'self'", `ws://${host}`, `wss://${host}`]));
      const html = await res.text();
      const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter(([, attrs]) => !/\bsrc=/.test(attrs));
      expect(inline.length, "Remix's hydration scripts").toBeGreaterThanOrEqual(2);
      for (const [tag, attrs] of inline) expect(attrs, tag.slice(0, 80)).toContain(`nonce="${nonce}"`);
      expect(res.headers.get("strict-transport-security")).toBeNull();
    }
    expect(nonces.size).toBe(2);
  });

  it("sends them with the JSON API, a 404 page, an API 404 and a refused cross-site post", async () => {
    const api = await fetch(`${server.url}/api/v1/workspaces`, { headers: { cookie } });
    expect(api.status).toBe(200);
    expectCommonHeaders(api.headers, "/api/v1");
    const page404 = await fetch(`${server.url}/no-such-page`, { headers: { cookie } });
    expect(page404.status).toBe(404);
    expectCommonHeaders(page404.headers, "a 404 page");
    const api404 = await fetch(`${server.url}/api/v1/nothing-here`, { headers: { cookie } });
    expect(api404.status).toBe(404);
    expectCommonHeaders(api404.headers, "an API 404");
    const refused = await fetch(`${server.url}/sign-out`, { method: "POST", headers: { cookie, origin: "http://evil.example" } });
    expect(refused.status).toBe(403);
    expectCommonHeaders(refused.headers, "a refusal");
  });

  it("sends Strict-Transport-Security when PUBLIC_URL is https", async () => {
    const https = await startTestServer({ remix: "none", seed: false, env: { PUBLIC_URL: "https://overleg.example" } });
    try {
      const res = await fetch(`${https.url}/api/v1/workspaces`);
      expect(res.status).toBe(401);
      expect(res.headers.get("strict-transport-security")).toMatch(/^max-age=\d{8,}/);
      expectCommonHeaders(res.headers, "behind https");
      expect(directives(res.headers.get("content-security-policy")).get("connect-src")).toContain("wss://overleg.example");
    } finally {
      await https.stop();
    }
  });
});
