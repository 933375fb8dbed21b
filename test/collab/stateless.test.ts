/**
 * The stateless channel: a client sends a message that is not part of the document (message type 5,
 * a string payload) with the stock provider's socket. Each onStateless hook declares the section verb
 * a sender needs (server/policy.ts); the channel asks the policy before it hands the message on, with
 * the identity from the session, and tells the client when no hook may take it. Hooks refuse by
 * throwing; oversize messages close the connection like any other oversize message.
 */
import { eq } from "drizzle-orm";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloseCode, DeniedReason } from "../../app/shared/collab";
import { StatelessRefused } from "../../server/collab/hooks";
import { startTestServer, type TestServer } from "../support/server";
import { appendParagraph, connectProvider, hasAll, poll, synced, type ProviderClient } from "./helpers";

/** Built here with lib0, independently of the server's encoder. */
function statelessMessage(payload: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 5);
  encoding.writeVarString(e, payload);
  return encoding.toUint8Array(e);
}

type Received = { hook: string; email: string; userId: string; sectionId: string; role: string | null; payload: string };

describe("the stateless channel", () => {
  let server: TestServer;
  let sectionId: string;
  let finalSectionId: string;
  const clients: ProviderClient[] = [];
  const received: Received[] = [];
  const record = (hook: string) => (m: { actor: { id: string; email: string }; sectionId: string; facts: { role: string | null }; payload: string }) => {
    received.push({ hook, email: m.actor.email, userId: m.actor.id, sectionId: m.sectionId, role: m.facts.role, payload: m.payload });
  };
  const got = (payload: string) => received.filter((r) => r.payload === payload).map((r) => r.hook);

  beforeAll(async () => {
    server = await startTestServer({
      collab: {
        maxStatelessBytes: 1024,
        hooks: {
          onStateless: [
            // Suggestion mode (issue #16): commenters and up, while the text may change.
            {
              name: "suggestions",
              verb: "section.suggest",
              handle(m) {
                if (m.payload === "not json") throw new StatelessRefused(DeniedReason.ReadOnly);
                record("suggestions")(m);
                m.reply(JSON.stringify({ received: m.payload }));
              },
            },
            // A feature only editors may use.
            { name: "editors", verb: "section.edit", handle: record("editors") },
          ],
        },
      },
    });
    [, sectionId, finalSectionId] = await server.sectionIds("Toegang tot financiering");
    const { db, t } = server.database;
    await db.update(t.sections).set({ status: "final" }).where(eq(t.sections.id, finalSectionId));
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server?.stop();
  });

  const open = async (email: string, section = sectionId) => {
    const client = connectProvider(server.url, section, { cookie: (await server.signIn(email)).cookie });
    clients.push(client);
    await synced(client);
    return client;
  };

  it("hands an editor's message to every hook it may use, with the identity from the session, and editing goes on", async () => {
    const drafter = await open("drafter@kgg.example");
    const other = await open("lead@ez.example");
    const replies: string[] = [];
    drafter.provider.messageHandlers[5] = (_encoder, decoder) => void replies.push(decoding.readVarString(decoder));
    const payload = JSON.stringify({ kind: "suggestion", from: 3, to: 9 });
    drafter.provider.ws!.send(statelessMessage(payload));
    await poll(() => replies.length === 1, "the suggestion hook's reply");
    expect(JSON.parse(replies[0])).toEqual({ received: payload });
    expect(got(payload)).toEqual(["suggestions", "editors"]);
    const first = received.find((r) => r.payload === payload)!;
    expect(first).toMatchObject({ email: "drafter@kgg.example", sectionId, role: "editor" });
    expect(first.userId).not.toBe("");
    // The connection is still open and in sync: it is not a malformed message.
    appendParagraph(drafter.doc, "Na het bericht zonder toestand.");
    await hasAll(other.doc, ["Na het bericht zonder toestand."], "the edit after the stateless message");
    expect(drafter.closes).toEqual([]);
    expect(drafter.denied).toEqual([]);
  });

  it("gives a commenter's suggestion to the suggestion hook only, not to the hook that needs the right to edit", async () => {
    const commenter = await open("expert@fme.example");
    const replies: string[] = [];
    commenter.provider.messageHandlers[5] = (_encoder, decoder) => void replies.push(decoding.readVarString(decoder));
    const payload = JSON.stringify({ kind: "suggestion", text: "kritieke grondstoffen" });
    commenter.provider.ws!.send(statelessMessage(payload));
    await poll(() => replies.length === 1, "the reply");
    expect(got(payload)).toEqual(["suggestions"]);
    expect(commenter.denied).toEqual([]);
  });

  it("refuses a viewer's message before any hook sees it, and tells the client why", async () => {
    const viewer = await open("viewer@tno.example");
    const payload = JSON.stringify({ kind: "suggestion", by: "viewer" });
    viewer.provider.ws!.send(statelessMessage(payload));
    await poll(() => viewer.denied.includes(DeniedReason.ReadOnly), "the refusal");
    expect(got(payload)).toEqual([]);
    expect(viewer.closes).toEqual([]);
  });

  it("refuses a commenter's suggestion on a final section as locked; no hook sees it", async () => {
    const commenter = await open("expert@fme.example", finalSectionId);
    const payload = JSON.stringify({ kind: "suggestion", on: "final" });
    commenter.provider.ws!.send(statelessMessage(payload));
    await poll(() => commenter.denied.includes(DeniedReason.Locked), "the refusal");
    expect(got(payload)).toEqual([]);
  });

  it("stops at a hook that refuses by throwing: the client is told, no later hook runs", async () => {
    const drafter = await open("drafter@kgg.example");
    drafter.provider.ws!.send(statelessMessage("not json"));
    await poll(() => drafter.denied.includes(DeniedReason.ReadOnly), "the refusal");
    expect(got("not json")).toEqual([]);
    expect(drafter.closes).toEqual([]);
  });

  it("closes a connection whose stateless message is over the limit, with TooLarge; the hooks never see it", async () => {
    const drafter = await open("drafter@kgg.example");
    const before = received.length;
    drafter.provider.ws!.send(statelessMessage("x".repeat(2000)));
    await poll(() => drafter.closes.includes(CloseCode.TooLarge), "the connection to be closed");
    expect(received.length).toBe(before);
  });
});
