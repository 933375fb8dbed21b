/**
 * Development mode (`npm run dev`: Vite's middleware and HMR on Overleg's own port): pages carry the
 * same Content-Security-Policy with a nonce on every inline script, including Vite's HMR runtime
 * import, and Vite's HMR client can open its WebSocket, which the policy allows (the own origin's
 * ws:). Other WebSocket upgrades outside /collab and /socket.io are still closed.
 */
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server";

/** The status of a WebSocket upgrade to `path` with `protocol` (101 when accepted), or "closed". */
function upgrade(url: string, path: string, protocol: string): Promise<number | "closed"> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}${path}`, protocol);
    ws.once("upgrade", () => resolve(101));
    ws.once("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.once("error", () => resolve("closed"));
    ws.once("open", () => ws.terminate());
  });
}

describe("development mode", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ remix: "dev" });
  }, 120_000);
  afterAll(() => server?.stop());

  it("lets Vite's HMR client connect to its WebSocket, and closes other upgrades", async () => {
    expect(await upgrade(server.url, "/", "vite-ping")).toBe(101);
    expect(await upgrade(server.url, "/", "something-else")).toBe("closed");
  });

  it("serves pages with the nonce on every inline script, and a policy that allows the HMR WebSocket", async () => {
    const res = await fetch(`${server.url}/sign-in`);
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain(`ws://${new URL(server.url).host}`);
    const html = await res.text();
    expect(html, "the HMR runtime, imported by the nonced module script").toContain("virtual:remix/inject-hmr-runtime");
    const inline = [...html.matchAll(/<script\b([^>]*)>/g)].map(([, attrs]) => attrs).filter((attrs) => !/\bsrc=/.test(attrs));
    expect(inline.length).toBeGreaterThanOrEqual(2);
    for (const attrs of inline) expect(attrs).toContain(`nonce="${nonce}"`);
  }, 120_000);
});
