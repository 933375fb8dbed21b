/**
 * The browser's realtime client (app/components/realtime/client.client.ts) against a real server: it
 * joins what the page watches, shows the tab present, and asks for both again after a lost connection.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRealtimeClient, type ConnectionStatus, type RealtimeClient } from "../../app/components/realtime/client.client";
import type { PresencePayload, ServerToClientEvents } from "../../app/shared/realtime";
import { startTestServer, type TestServer } from "../support/server";
import { closeAll, connectAs, presenceOf, type Client } from "./clients";
import { WS } from "../support/fixtures";

const FINANCING = WS.financing;

function status(client: RealtimeClient, want: ConnectionStatus, resumed?: boolean, ms = 8000): Promise<void> {
  if (client.status() === want && resumed === undefined) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`client still ${client.status()}, not ${want}`)), ms);
    const off = client.onStatus((s, r) => {
      if (s !== want || (resumed !== undefined && r !== resumed)) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

function event<E extends keyof ServerToClientEvents>(
  client: RealtimeClient,
  name: E,
  match: (p: Parameters<ServerToClientEvents[E]>[0]) => boolean,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name}`)), 5000);
    const off = client.on(name, ((payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    }) as ServerToClientEvents[E]);
  });
}

function presence(client: RealtimeClient, workspaceId: string, names: string[]): Promise<PresencePayload> {
  const want = [...names].sort().join("|");
  const now = client.presence(workspaceId);
  if (now && now.people.map((p) => p.name).sort().join("|") === want) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`presence is not ${want}`)), 5000);
    const off = client.onPresence(workspaceId, (p) => {
      if (p.people.map((x) => x.name).sort().join("|") !== want) return;
      clearTimeout(timer);
      off();
      resolve(p);
    });
  });
}

describe("the browser's realtime client", () => {
  let server: TestServer;
  let clients: RealtimeClient[] = [];
  let sockets: Client[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(() => {
    for (const c of clients) c.close();
    closeAll(...sockets);
    clients = [];
    sockets = [];
  });
  afterAll(() => server?.stop());

  it("is refused without a session, and says so", async () => {
    const client = createRealtimeClient({ url: server.url, token: "not-a-session" });
    clients.push(client);
    await status(client, "refused");
    expect(client.refusal()?.code).toBe("unauthorized");
  });

  it("watches workspaces and shows the tab present; after a lost connection it joins and enters again", async () => {
    const workspaceId = await server.workspaceId(FINANCING);
    const [sectionId] = await server.sectionIds(FINANCING);
    const { token } = await server.signIn("drafter@kgg.example");
    const client = createRealtimeClient({ url: server.url, token });
    clients.push(client);
    const lead = await connectAs(server, "lead@ez.example");
    sockets.push(lead);
    await lead.emitWithAck("presence:enter", { workspaceId, sectionId: null });

    const leadSeesDrafter = presenceOf(lead, workspaceId, ["Daan Kramer", "Eva de Leeuw"]);
    const releaseWatch = client.watchWorkspaces([workspaceId]);
    const releasePresence = client.enterPresence(workspaceId, sectionId);
    await status(client, "connected");
    expect(client.me()?.name).toBe("Daan Kramer");
    expect((await leadSeesDrafter).people.find((p) => p.name === "Daan Kramer")?.sectionIds).toEqual([sectionId]);
    await presence(client, workspaceId, ["Daan Kramer", "Eva de Leeuw"]);

    // The connection drops (not a refusal): the client reconnects by itself and restores its rooms.
    const drafterId = await server.userId("drafter@kgg.example");
    const leadSeesLeave = presenceOf(lead, workspaceId, ["Eva de Leeuw"]);
    const resumed = status(client, "connected", true);
    for (const socket of server.realtime.io.of("/").sockets.values()) {
      if (socket.data.user.id === drafterId) socket.conn.close();
    }
    await leadSeesLeave;
    const leadSeesReturn = presenceOf(lead, workspaceId, ["Daan Kramer", "Eva de Leeuw"]);
    await resumed;
    await leadSeesReturn;

    const change = event(client, "section.changed", (p) => p.sectionId === sectionId);
    server.services.events.emit("section.changed", { workspaceId, sectionId, status: "draft", title: "Aanleiding" });
    await change;

    // Released: the others see the tab go, and the workspace's events stop reaching it.
    const leadSeesRelease = presenceOf(lead, workspaceId, ["Eva de Leeuw"]);
    releasePresence();
    releaseWatch();
    await leadSeesRelease;
    const seen: string[] = [];
    const off = client.on("section.changed", (p) => seen.push(p.sectionId));
    const mine = event(client, "membership.changed", (p) => p.userId === drafterId);
    server.services.events.emit("section.changed", { workspaceId, sectionId, status: "draft", title: "Aanleiding" });
    server.services.events.emit("membership.changed", { workspaceId, userId: drafterId, role: "editor" });
    await mine;
    off();
    expect(seen).toEqual([]);
  });
  it("stays in a room that is released and watched again at once (a page whose list changed), so no event falls in between", async () => {
    const workspaceId = await server.workspaceId(FINANCING);
    const [sectionId, otherId] = await server.sectionIds(FINANCING);
    const { token } = await server.signIn("drafter@kgg.example");
    const client = createRealtimeClient({ url: server.url, token });
    clients.push(client);
    let release = client.watchWorkspaces([workspaceId]);
    let releaseFirst = () => {};
    const joined = new Promise<boolean>((resolve) => (releaseFirst = client.watchSection(sectionId, resolve)));
    let releaseSection = client.watchSection(sectionId);
    expect(await joined).toBe(true);
    const drafterId = await server.userId("drafter@kgg.example");
    const received: string[] = [];
    for (const socket of server.realtime.io.of("/").sockets.values()) {
      if (socket.data.user.id === drafterId) socket.onAny((name: string) => received.push(name));
    }
    // The workspace's room is joined once one of its events arrives.
    await expect
      .poll(async () => {
        // Another section of the workspace: its event comes through the workspace's room alone.
        const first = event(client, "section.changed", (p) => p.sectionId === otherId).then(() => true, () => false);
        server.services.events.emit("section.changed", { workspaceId, sectionId: otherId, status: "draft", title: "Aanleiding" });
        return first;
      })
      .toBe(true);

    // One React commit: the old effect's cleanup, then the new effect with a longer list.
    release();
    releaseSection();
    release = client.watchWorkspaces([workspaceId]);
    releaseSection = client.watchSection(sectionId);
    const next = event(client, "section.changed", (p) => p.sectionId === otherId);
    server.services.events.emit("section.changed", { workspaceId, sectionId: otherId, status: "draft", title: "Aanleiding" });
    await next;
    expect(received.filter((name) => name.endsWith(":leave"))).toEqual([]);

    // Released for good (the page is gone): the rooms are left.
    release();
    releaseSection();
    releaseFirst();
    await expect.poll(() => received.filter((name) => name.endsWith(":leave")).sort()).toEqual(["section:leave", "workspace:leave"]);
  });
});
