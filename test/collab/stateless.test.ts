/**
 * The stateless channel: a client sends a message that is not part of the document (message type 5,
 * a string payload) with the stock provider's socket; the server's onStateless hooks get it with the
 * connection's identity from the session. Hooks refuse by throwing; oversize messages close the
 * connection like any other oversize message.
 */
import * as encoding from "lib0/encoding";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloseCode, DeniedReason } from "../../app/shared/collab";
import { StatelessRefused } from "../../server/collab/hooks";
import { can } from "../../server/policy";
import { startTestServer, type TestServer } from "../support/server";
import { appendParagraph, connectProvider, hasAll, poll, synced, type ProviderClient } from "./helpers";

/** Built here with lib0, independently of the server's encoder. */
function statelessMessage(payload: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 5);
  encoding.writeVarString(e, payload);
  return encoding.toUint8Array(e);
}

describe("the stateless channel", () => {
  let server: TestServer;
  let sectionId: string;
  const clients: ProviderClient[] = [];
  const received: { email: string; userId: string; sectionId: string; payload: string }[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      collab: {
        maxStatelessBytes: 1024,
        hooks: {
          onStateless: [
            (connection) => {
              // A feature that needs the right to edit asks the policy, and refuses by throwing.
              if (!can(connection.actor, "section.edit", connection.facts)) throw new StatelessRefused(DeniedReason.ReadOnly);
            },
            (connection, payload) => {
              received.push({ email: connection.email, userId: connection.userId, sectionId: connection.sectionId, payload });
            },
          ],
        },
      },
    });
    sectionId = (await server.sectionIds("Toegang tot financiering"))[1];
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server?.stop();
  });

  const open = async (email: string) => {
    const client = connectProvider(server.url, sectionId, { cookie: (await server.signIn(email)).cookie });
    clients.push(client);
    await synced(client);
    return client;
  };

  it("hands a stock client's stateless message to the hooks with the connection's identity, and editing goes on", async () => {
    const drafter = await open("drafter@kgg.example");
    const other = await open("lead@ez.example");
    const payload = JSON.stringify({ kind: "suggestion", from: 3, to: 9 });
    drafter.provider.ws!.send(statelessMessage(payload));
    await poll(() => received.some((r) => r.payload === payload), "the hook to receive the message");
    const got = received.find((r) => r.payload === payload)!;
    expect(got.email).toBe("drafter@kgg.example");
    expect(got.sectionId).toBe(sectionId);
    expect(got.userId).not.toBe("");
    // The connection is still open and in sync: it is not a malformed message.
    appendParagraph(drafter.doc, "Na het bericht zonder toestand.");
    await hasAll(other.doc, ["Na het bericht zonder toestand."], "the edit after the stateless message");
    expect(drafter.closes).toEqual([]);
  });

  it("refuses a read-only person's message when a hook throws: the client is told, no later hook runs", async () => {
    const commenter = await open("expert@fme.example");
    const before = received.length;
    commenter.provider.ws!.send(statelessMessage(JSON.stringify({ kind: "suggestion" })));
    await poll(() => commenter.denied.includes(DeniedReason.ReadOnly), "the refusal");
    expect(received.length).toBe(before);
    expect(commenter.closes).toEqual([]);
  });

  it("closes a connection whose stateless message is over the limit, with TooLarge; the hooks never see it", async () => {
    const drafter = await open("drafter@kgg.example");
    const before = received.length;
    drafter.provider.ws!.send(statelessMessage("x".repeat(2000)));
    await poll(() => drafter.closes.includes(CloseCode.TooLarge), "the connection to be closed");
    expect(received.length).toBe(before);
  });
});
