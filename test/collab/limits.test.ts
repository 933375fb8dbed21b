/**
 * Bad input and failures hit only the connection that caused them: oversized, malformed and flooding
 * connections are closed with their own close code and logged once with who sent them, the document
 * is unchanged, and the other clients in the room keep working. A storage failure sends nothing on
 * and the client's change arrives after it reconnects.
 */
import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CloseCode } from "../../app/shared/collab";
import { loadStoredDoc } from "../../server/services/section-text";
import { startTestServer, type TestServer } from "../support/server";
import { appendParagraph, hasAll, msg, paragraphUpdate, poll, sessionClients, synced, textOf } from "./helpers";

const KiB = 1024;

describe("limits and failures", () => {
  let server: TestServer;
  const { cookies, raw, provider, loggedRows, closeAll } = sessionClients(() => server);
  let sections: string[];
  /** Two editors in the room still exchange an edit. */
  const roomStillWorks = async (sectionId: string, words: string) => {
    const a = provider("lead@ez.example", sectionId);
    const b = provider("drafter@kgg.example", sectionId);
    await Promise.all([synced(a), synced(b)]);
    appendParagraph(a.doc, words);
    await hasAll(b.doc, [words], "the other clients to keep working");
  };

  beforeAll(async () => {
    server = await startTestServer({
      env: { LOG_LEVEL: "warn" },
      collab: {
        limits: {
          maxMessageBytes: 64 * KiB,
          maxDocumentBytes: 256 * KiB,
          messagesPerSecond: 50,
          messageBurst: 100,
          maxAwarenessBytes: 4 * KiB,
        },
      },
    });
    for (const email of ["lead@ez.example", "drafter@kgg.example"]) cookies.set(email, (await server.signIn(email)).cookie);
    sections = [
      ...(await server.sectionIds("Toegang tot financiering")),
      ...(await server.sectionIds("Infrastructuur en ruimte")),
    ];
  });
  afterEach(() => {
    vi.restoreAllMocks();
    closeAll();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("closes a connection that sends an oversized message with TooLarge; the room keeps working", async () => {
    const sectionId = sections[0];
    const rows = await loggedRows(sectionId);
    const big = await raw("drafter@kgg.example", sectionId);
    await big.next("sync-step-1", "the connection to be open");
    const text = "x".repeat(64 * KiB);
    big.send(msg.update(paragraphUpdate(null, text)));
    expect((await big.closed("the oversized sender to be closed")).code).toBe(CloseCode.TooLarge);
    // Far beyond the limit the transport itself cuts the frame off.
    const huge = await raw("drafter@kgg.example", sectionId);
    huge.send(new Uint8Array(300 * KiB));
    expect((await huge.closed("the huge sender to be closed")).code).toBe(1009);
    await roomStillWorks(sectionId, "Na het te grote bericht.");
    expect(textOf(await loadStoredDoc(server.database, sectionId))).not.toContain("xxxx");
    expect(await loggedRows(sectionId)).toBe(rows + 1);
  });

  it("closes a connection that sends a malformed message, logs it once with who sent it, and changes nothing", async () => {
    const sectionId = sections[1];
    const before = textOf(await loadStoredDoc(server.database, sectionId));
    const rows = await loggedRows(sectionId);
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void lines.push(String(line)));
    const garbageUpdate = (() => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 2);
      encoding.writeVarUint8Array(e, Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) % 256));
      return encoding.toUint8Array(e);
    })();
    const validPrefix = paragraphUpdate(null, "Half bericht.");
    const truncatedUpdate = msg.update(validPrefix.slice(0, validPrefix.length - 3));
    const bad: [string, Uint8Array | string][] = [
      ["an update that does not decode", garbageUpdate],
      ["a truncated update", truncatedUpdate],
      ["an unknown message type", Uint8Array.of(9, 1, 2)],
      ["a sync message without its body", Uint8Array.of(0)],
      ["an unknown sync message type", Uint8Array.of(0, 7, 0)],
      ["a text frame", "hallo"],
      ["an awareness state that is not JSON", msg.awareness([{ clientId: 5, clock: 1, state: 1 }]).map((b, i, a) => (i === a.length - 1 ? 0x7b : b))],
    ];
    for (const [what, data] of bad) {
      const client = await raw("drafter@kgg.example", sectionId);
      await client.next("sync-step-1", "the connection to be open");
      const logged = lines.length;
      client.send(data);
      const close = await client.closed(`the connection that sent ${what} to be closed`);
      expect(close.code, what).toBe(CloseCode.Malformed);
      const mine = lines.slice(logged).filter((l) => l.includes("malformed"));
      expect(mine, what).toHaveLength(1);
      expect(mine[0]).toContain("drafter@kgg.example");
      expect(mine[0]).toContain(sectionId);
    }
    await roomStillWorks(sectionId, "Na de kapotte berichten.");
    const after = textOf(await loadStoredDoc(server.database, sectionId));
    expect(after.startsWith(before)).toBe(true);
    expect(after).not.toContain("Half bericht.");
    expect(await loggedRows(sectionId)).toBe(rows + 1);
  });

  it("closes a connection that floods the server with RateLimited", async () => {
    const sectionId = sections[2];
    const flooder = await raw("drafter@kgg.example", sectionId);
    await flooder.next("sync-step-1", "the connection to be open");
    for (let i = 0; i < 300; i++) flooder.send(msg.queryAwareness());
    expect((await flooder.closed("the flooding connection to be closed")).code).toBe(CloseCode.RateLimited);
    await roomStillWorks(sectionId, "Na de vloed.");
  });

  it("closes a connection whose awareness is too large with TooLarge", async () => {
    const sectionId = sections[2];
    const chatty = await raw("drafter@kgg.example", sectionId);
    await chatty.next("sync-step-1", "the connection to be open");
    chatty.send(msg.awareness([{ clientId: 77, clock: 1, state: { blob: "y".repeat(8 * KiB) } }]));
    expect((await chatty.closed("the connection to be closed")).code).toBe(CloseCode.TooLarge);
  });

  it("refuses an update that would take the document over its maximum size, storing nothing of it", async () => {
    const sectionId = sections[3];
    const writer = await raw("drafter@kgg.example", sectionId);
    const step1 = await writer.next("sync-step-1", "the connection to be open");
    expect(step1).toBeDefined();
    writer.send(msg.syncStep1());
    let state = (await writer.next("sync-step-2", "the document")).payload;
    const chunk = 60 * KiB;
    let sent = 0;
    while (writer.close === null && sent < 10) {
      const update = paragraphUpdate(state, `Blok ${sent} ` + "z".repeat(chunk));
      state = Y.mergeUpdates([state, update]);
      writer.send(msg.update(update));
      sent++;
      await writer.roundTrip();
    }
    expect(writer.close?.code).toBe(CloseCode.TooLarge);
    expect(sent).toBeGreaterThan(2);
    await server.collab.flush();
    const stored = await loadStoredDoc(server.database, sectionId);
    expect(Y.encodeStateAsUpdate(stored).byteLength).toBeLessThanOrEqual(256 * KiB);
    expect(textOf(stored)).toContain(`Blok ${sent - 2} `);
    expect(textOf(stored)).not.toContain(`Blok ${sent - 1} `);
  });

  it("when storing fails: sends nothing on, closes the sender with StorageFailed, and takes the change when it reconnects", async () => {
    const sectionId = sections[4];
    const a = provider("drafter@kgg.example", sectionId);
    const b = provider("lead@ez.example", sectionId);
    await Promise.all([synced(a), synced(b)]);
    const watcher = await raw("lead@ez.example", sectionId);
    await watcher.next("sync-step-1", "the watcher to be open");
    vi.spyOn(console, "error").mockImplementation(() => undefined);

    await failStorage(server, true);
    try {
      appendParagraph(a.doc, "Tijdens de storing geschreven.");
      await poll(() => a.closes.includes(CloseCode.StorageFailed), "the sender to be closed with StorageFailed");
      await watcher.roundTrip();
      expect(watcher.frames.filter((f) => f.kind === "update")).toEqual([]);
      expect(textOf(b.doc)).not.toContain("Tijdens de storing geschreven.");
    } finally {
      await failStorage(server, false);
    }
    // The stock provider reconnects by itself and sends what the server lacks.
    await hasAll(b.doc, ["Tijdens de storing geschreven."], "the change to arrive after the sender reconnected", 10_000);
    expect(textOf(await loadStoredDoc(server.database, sectionId))).toContain("Tijdens de storing geschreven.");
  });
});

/** Makes every insert into the update log fail (a full disk, a lost connection), or stops doing so. */
async function failStorage(server: TestServer, fail: boolean): Promise<void> {
  const { sqlite, pool } = server.database;
  if (sqlite) {
    sqlite.exec(
      fail
        ? "CREATE TRIGGER collab_test_fail BEFORE INSERT ON yjs_updates BEGIN SELECT RAISE(ABORT, 'simulated storage failure'); END"
        : "DROP TRIGGER IF EXISTS collab_test_fail",
    );
  } else if (pool) {
    await pool.query(
      fail
        ? `CREATE OR REPLACE FUNCTION collab_test_fail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'simulated storage failure'; END $$ LANGUAGE plpgsql;
           CREATE TRIGGER collab_test_fail BEFORE INSERT ON yjs_updates FOR EACH ROW EXECUTE FUNCTION collab_test_fail();`
        : "DROP TRIGGER IF EXISTS collab_test_fail ON yjs_updates; DROP FUNCTION IF EXISTS collab_test_fail();",
    );
  }
}
