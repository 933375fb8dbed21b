/**
 * Three Overleg nodes (child processes) on one PostgreSQL database and one Redis, with stock
 * y-websocket clients spread over them: they converge on the same text; awareness and socket.io
 * events cross nodes; and when one node is killed with SIGKILL while its clients type, they reconnect
 * to another node and every word any client typed is in the final text of every client and in the
 * database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAll, connect, presenceOf, type Client } from "../realtime/clients";
import { appendParagraph, pollAsync, signInAt, synced, until } from "../collab/helpers";
import {
  connectBalanced,
  converge,
  lines,
  NodeList,
  seededDatabase,
  SHARED_REDIS_URL,
  skipReason,
  startNode,
  storedLines,
  type BalancedClient,
  type Node,
} from "./support";

const reason = await skipReason();

describe.skipIf(reason !== null)(`three nodes on PostgreSQL and Redis${reason ? ` (${reason})` : ""}`, () => {
  let db: Awaited<ReturnType<typeof seededDatabase>>;
  let nodes: Node[] = [];
  let list: NodeList;
  const clients: BalancedClient[] = [];
  const sockets: Client[] = [];
  let cookies: { lead: string; drafter: string };

  beforeAll(async () => {
    db = await seededDatabase();
    nodes = await Promise.all([0, 1, 2].map(() => startNode(db.url, { redisUrl: SHARED_REDIS_URL, collab: { compactAfterUpdates: 25 } })));
    list = new NodeList(nodes.map((n) => n.url));
    cookies = {
      lead: (await signInAt(nodes[0].url, "lead@ez.example")).cookie,
      drafter: (await signInAt(nodes[1].url, "drafter@kgg.example")).cookie,
    };
    // Two editors per node: lead and drafter on each.
    for (let i = 0; i < 6; i++) {
      clients.push(connectBalanced(list, i % 3, db.sectionId, { cookie: i < 3 ? cookies.lead : cookies.drafter }));
    }
    await Promise.all(clients.map((c) => synced(c, 15_000)));
  }, 200_000);

  afterAll(async () => {
    for (const c of clients) c.destroy();
    closeAll(...sockets);
    await Promise.all(nodes.map((n) => n.kill()));
    await db?.drop();
  });

  it("spreads clients over the nodes, and they converge on the same text", async () => {
    expect(clients.map((c) => c.node())).toEqual([...nodes, ...nodes].map((n) => n.url));
    const typed: string[] = [];
    for (let round = 0; round < 3; round++) {
      clients.forEach((c, i) => {
        for (let w = 0; w < 5; w++) {
          const word = `conv-c${i}-r${round}-w${w}`;
          appendParagraph(c.doc, word);
          typed.push(word);
        }
      });
    }
    await converge(clients, typed, "after typing on all three nodes");
    const texts = clients.map((c) => [...lines(c.doc)].join("\n"));
    expect(new Set(texts).size).toBe(1);
    await pollAsync(async () => {
      const stored = await storedLines(db.url, db.sectionId);
      return typed.every((w) => stored.has(w));
    }, "every word in the database", 10_000);
  });

  it("carries awareness from a client on one node to clients on the others", async () => {
    const [onFirst, onSecond, onThird] = clients;
    onFirst.provider.awareness.setLocalStateField("cursor", { anchor: 1, head: 4 });
    const id = onFirst.doc.clientID;
    await Promise.all(
      [onSecond, onThird].map((c, i) =>
        until(
          (fn) => {
            c.provider.awareness.on("change", fn);
            return () => c.provider.awareness.off("change", fn);
          },
          () => {
            const state = c.provider.awareness.getStates().get(id) as { cursor?: { head: number }; user?: { name: string } } | undefined;
            return state?.cursor?.head === 4 && state.user?.name === "Eva de Leeuw";
          },
          `the client on node ${i + 2} to see the cursor set on node 1, with the name from the session`,
          10_000,
        ),
      ),
    );
  });

  it("carries socket.io presence between nodes", async () => {
    const leadOnFirst = await connect(nodes[0].url, { cookie: cookies.lead });
    const drafterOnThird = await connect(nodes[2].url, { cookie: cookies.drafter });
    sockets.push(leadOnFirst, drafterOnThird);
    await leadOnFirst.emitWithAck("presence:enter", { workspaceId: db.workspaceId, sectionId: null });
    const leadSees = presenceOf(leadOnFirst, db.workspaceId, ["Daan Kramer", "Eva de Leeuw"]);
    const entered = await drafterOnThird.emitWithAck("presence:enter", { workspaceId: db.workspaceId, sectionId: null });
    expect(entered.ok && entered.presence.people.map((p) => p.name).sort()).toEqual(["Daan Kramer", "Eva de Leeuw"]);
    await leadSees;
  });

  it("loses nothing when a node is killed (SIGKILL) while its clients type: they move to another node", async () => {
    const victim = nodes[0];
    const onVictim = clients.filter((c) => c.node() === victim.url);
    expect(onVictim).toHaveLength(2);
    const typed: string[] = [];
    const type = (c: BalancedClient, word: string) => {
      appendParagraph(c.doc, word);
      typed.push(word);
    };

    // Everyone types; the words from the victim's clients reach the others first.
    clients.forEach((c, i) => {
      for (let w = 0; w < 10; w++) type(c, `kill-c${i}-before-w${w}`);
    });
    await converge(clients, typed, "before the kill");

    // The victim's clients keep typing while it dies: some of these reach it, some do not.
    const gone = Promise.all(
      onVictim.map((c) =>
        until(
          (fn) => {
            c.provider.on("status", fn);
            return () => c.provider.off("status", fn);
          },
          () => !c.provider.wsconnected,
          "a client of the killed node to notice",
          10_000,
        ),
      ),
    );
    onVictim.forEach((c, i) => {
      for (let w = 0; w < 20; w++) type(c, `kill-v${i}-during-w${w}`);
    });
    list.down.add(victim.url);
    await victim.kill();
    await gone;
    clients.forEach((c, i) => {
      for (let w = 0; w < 5; w++) type(c, `kill-c${i}-after-w${w}`);
    });

    await Promise.all(onVictim.map((c) => synced(c, 15_000)));
    expect(onVictim.map((c) => c.node()).every((url) => url !== victim.url)).toBe(true);
    await converge(clients, typed, "after the kill", 30_000);

    // Nothing any client has is missing from the database, and the survivors load the same text.
    const everything = new Set(clients.flatMap((c) => [...lines(c.doc)]));
    await pollAsync(async () => {
      const stored = await storedLines(db.url, db.sectionId);
      return [...everything].every((w) => stored.has(w));
    }, "every word any client has to be in the database", 15_000);
    const fresh = connectBalanced(list, 1, db.sectionId, { cookie: cookies.lead });
    clients.push(fresh);
    await synced(fresh, 15_000);
    expect([...everything].filter((w) => !lines(fresh.doc).has(w))).toEqual([]);
  }, 120_000);
});
