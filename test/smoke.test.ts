import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/server";

describe("a fresh server", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.stop());

  it("answers /healthz when the database answers", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("signs in a demo person and knows them by cookie and by bearer token", async () => {
    const { cookie, token } = await server.signIn("lead@ez.example");
    const byCookie = await server.services.actorFromHeaders(new Headers({ cookie }));
    const byBearer = await server.services.actorFromHeaders(new Headers({ authorization: `Bearer ${token}` }));
    expect(byCookie?.email).toBe("lead@ez.example");
    expect(byBearer?.organisationShortCode).toBe("EZ");
  });

  it("refuses a wrong password", async () => {
    await expect(server.signIn("lead@ez.example", "not-the-password")).rejects.toThrow(/401/);
  });
});
