/**
 * The periodic session check of socket.io keeps working after a check that found no socket: a server
 * that was idle for a while still disconnects a person who signed out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server";
import { closeAll, connect, disconnected, type Client } from "./clients";

describe("socket.io session check after an idle period", () => {
  let server: TestServer;
  const open: Client[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    closeAll(...open);
    await server?.stop();
  });

  it("disconnects a signed-out person's socket at the check after one that ran with no socket connected", async () => {
    expect(server.realtime.io.of("/").sockets.size).toBe(0);
    expect(await server.realtime.checkSessions()).toBe(0); // the idle period: a check with nobody connected

    const { cookie } = await server.signIn("viewer@tno.example");
    const socket = await connect(server.url, { cookie });
    open.push(socket);
    const out = await fetch(`${server.url}/api/auth/sign-out`, { method: "POST", headers: { cookie, origin: server.url } });
    expect(out.status).toBe(200);
    const gone = disconnected(socket);
    expect(await server.realtime.checkSessions()).toBe(1);
    expect(await gone).toBe("io server disconnect");
  });
});
