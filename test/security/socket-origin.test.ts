/**
 * The two WebSocket servers follow the HTTP server's Origin rule (server/http/origin.ts): a browser
 * page on another origin is refused whichever credential it carries (cookie or bearer token), the
 * app's own origin is accepted, and a program that sends no Origin goes on to authentication.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upgradeStatus } from "../collab/helpers";
import { connect, refusal, type Client } from "../realtime/clients";
import { startTestServer, type TestServer } from "../support/server";

const FOREIGN = "http://evil.example";

describe("the Origin of WebSocket connections", () => {
  let server: TestServer;
  let cookie: string;
  let token: string;
  let section: string;
  const open: Client[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    ({ cookie, token } = await server.signIn("lead@ez.example"));
    [section] = await server.sectionIds("Toegang tot financiering");
  });
  afterAll(async () => {
    for (const socket of open) socket.close();
    await server?.stop();
  });

  it("socket.io: refuses a foreign Origin with the cookie and with a bearer token, and Origin: null", async () => {
    expect((await refusal(server.url, { cookie, headers: { origin: FOREIGN } })).data?.code).toBe("forbidden");
    expect((await refusal(server.url, { token, headers: { origin: FOREIGN } })).data?.code).toBe("forbidden");
    expect((await refusal(server.url, { cookie, headers: { origin: "null" } })).data?.code).toBe("forbidden");
  });

  it("socket.io: accepts the app's own Origin, and a program without Origin", async () => {
    open.push(await connect(server.url, { cookie, headers: { origin: server.url } }));
    open.push(await connect(server.url, { token }));
    for (const socket of open) expect(socket.hello.userId).toBe(await server.userId("lead@ez.example"));
  });

  it("collab: refuses a foreign Origin with the cookie and with a bearer token, accepts its own and none", async () => {
    expect(await upgradeStatus(server.url, `/${section}`, { cookie, origin: FOREIGN })).toBe(403);
    expect(await upgradeStatus(server.url, `/${section}`, { authorization: `Bearer ${token}`, origin: FOREIGN })).toBe(403);
    expect(await upgradeStatus(server.url, `/${section}`, { cookie, origin: "null" })).toBe(403);
    expect(await upgradeStatus(server.url, `/${section}`, { cookie, origin: server.url })).toBe(101);
    expect(await upgradeStatus(server.url, `/${section}`, { authorization: `Bearer ${token}` })).toBe(101);
  });
});
