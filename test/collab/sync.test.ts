/**
 * Co-editing with the stock y-websocket provider: clients converge, the server stores what it sends
 * on, never echoes an update to its sender, and writes each awareness `user` from the session.
 */
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloseCode, organisationColour } from "../../app/shared/collab";
import { AWARENESS_INTERVAL_MS } from "../../server/collab/room-awareness";
import { applyStored, UpdateStore } from "../../server/collab/store";
import { loadStoredDoc } from "../../server/services/section-text";
import { startTestServer, type TestServer } from "../support/server";
import {
  appendParagraph,
  connectProvider,
  hasAll,
  msg,
  paragraphUpdate,
  poll,
  RawClient,
  synced,
  textOf,
  until,
  upgradeStatus,
  type ProviderClient,
  type ServerFrame,
} from "./helpers";

describe("co-editing a section", () => {
  let server: TestServer;
  let sectionId: string;
  let offtakeSection: string;
  const cookies = new Map<string, string>();
  const clients: ProviderClient[] = [];
  const raws: RawClient[] = [];
  const headersOf = (email: string) => ({ cookie: cookies.get(email)! });
  const provider = (email: string, id = sectionId) => {
    const c = connectProvider(server.url, id, headersOf(email));
    clients.push(c);
    return c;
  };
  const raw = async (email: string, id = sectionId) => {
    const c = await RawClient.open(server.url, id, headersOf(email));
    raws.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startTestServer({ collab: { unloadAfterMs: 150 } });
    for (const email of ["lead@ez.example", "drafter@kgg.example", "expert@fme.example"]) {
      cookies.set(email, (await server.signIn(email)).cookie);
    }
    sectionId = (await server.sectionIds("Toegang tot financiering"))[1];
    offtakeSection = (await server.sectionIds("Afnameverplichtingen op lange termijn"))[1];
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    for (const r of raws) r.end();
    await server?.stop();
  });

  it("gives a new client the stored text, and two clients converge on each other's edits", async () => {
    const stored = textOf(await loadStoredDoc(server.database, sectionId));
    expect(stored).toContain("TNO adviseert");
    const a = provider("lead@ez.example");
    const b = provider("drafter@kgg.example");
    await Promise.all([synced(a), synced(b)]);
    expect(textOf(a.doc)).toBe(stored);
    expect(textOf(b.doc)).toBe(stored);

    appendParagraph(a.doc, "Tekst van EZ.");
    appendParagraph(b.doc, "Tekst van KGG.");
    await Promise.all([
      hasAll(a.doc, ["Tekst van EZ.", "Tekst van KGG."], "A to see both edits"),
      hasAll(b.doc, ["Tekst van EZ.", "Tekst van KGG."], "B to see both edits"),
    ]);
    expect(textOf(a.doc)).toBe(textOf(b.doc));

    // What the clients saw is what is stored.
    await server.collab.flush();
    expect(textOf(await loadStoredDoc(server.database, sectionId))).toBe(textOf(a.doc));
  });

  it("ten clients typing at once converge on the same text", async () => {
    const people = ["lead@ez.example", "drafter@kgg.example", "expert@fme.example"];
    const ten = Array.from({ length: 10 }, (_, i) => provider(people[i % 3], offtakeSection));
    await Promise.all(ten.map((c) => synced(c)));
    const words = ten.map((_, i) => `Bijdrage ${i + 1} van tien.`);
    ten.forEach((c, i) => appendParagraph(c.doc, words[i]));
    await Promise.all(ten.map((c, i) => hasAll(c.doc, words, `client ${i + 1} to see all ten edits`, 10_000)));
    const first = textOf(ten[0].doc);
    for (const c of ten) expect(textOf(c.doc)).toBe(first);
    for (const w of words) expect(first.split(w).length - 1).toBe(1);
    const vector = Y.encodeStateVector(ten[0].doc);
    for (const c of ten) expect(Y.encodeStateVector(c.doc)).toEqual(vector);
    await server.collab.flush();
    expect(textOf(await loadStoredDoc(server.database, offtakeSection))).toBe(first);
  });

  it("never sends an update back to the client that sent it", async () => {
    const sender = await raw("drafter@kgg.example");
    const receiver = provider("lead@ez.example");
    await synced(receiver);
    await sender.next("sync-step-1", "the server's sync step 1");
    sender.send(msg.update(paragraphUpdate(Y.encodeStateAsUpdate(receiver.doc), "Alleen voor de anderen.")));
    await hasAll(receiver.doc, ["Alleen voor de anderen."], "the other client to receive the update");
    // Frames on one socket arrive in order: an echo would come before the answer to this sync step 1.
    await sender.roundTrip();
    expect(sender.frames.filter((f) => f.kind === "update")).toEqual([]);
  });

  it("sends a large section to a client that holds nothing complete in its first answer, and goes on co-editing", async () => {
    const id = (await server.sectionIds("Afnameverplichtingen op lange termijn"))[2];
    const store = new UpdateStore(server.database, server.services.log);
    const stored = await store.load(id);
    const base = new Y.Doc();
    applyStored(base, stored.snapshot, stored.updates, server.services.log, id);
    const large = Array.from({ length: 3000 }, (_, i) => `Grondstof ${i} wordt gevolgd.`).join(" "); // ~80 KB
    await store.append(id, [paragraphUpdate(Y.encodeStateAsUpdate(base), large)]);
    await server.collab.compact(id); // stored as one snapshot, not loaded by anyone
    const newcomers = await Promise.all([raw("lead@ez.example", id), raw("drafter@kgg.example", id)]);
    for (const c of newcomers) c.send(msg.syncStep1());
    const answers = await Promise.all(newcomers.map((c) => c.next("sync-step-2", "the answer to its sync step 1")));
    for (const answer of answers) {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, answer.payload);
      expect(textOf(doc)).toContain(large);
      expect(textOf(doc)).toBe(textOf(await loadStoredDoc(server.database, id)));
    }
    // Each got one answer, and the room works as usual afterwards: an edit reaches a stock provider.
    const editor = provider("drafter@kgg.example", id);
    await hasAll(editor.doc, [large], "the stock provider to get the large text");
    newcomers[0].send(msg.update(paragraphUpdate(answers[0].payload, "Nieuwe alinea na het laden.")));
    await hasAll(editor.doc, ["Nieuwe alinea na het laden."], "the edit to reach the provider");
    for (const c of newcomers) expect(c.frames.filter((f) => f.kind === "sync-step-2")).toHaveLength(1);
  });

  it("gives a colleague who opens a large section just after the first one the stored text too, before the server has decoded it", async () => {
    const id = (await server.sectionIds("Geschoolde arbeidskrachten"))[0];
    const store = new UpdateStore(server.database, server.services.log);
    const stored = await store.load(id);
    const base = new Y.Doc();
    applyStored(base, stored.snapshot, stored.updates, server.services.log, id);
    const large = Array.from({ length: 3000 }, (_, i) => `Vergunning ${i} is verleend.`).join(" "); // ~80 KB
    await store.append(id, [paragraphUpdate(Y.encodeStateAsUpdate(base), large)]);
    await server.collab.compact(id); // stored as one snapshot, not loaded by anyone
    // Both connected; the colleague asks only once the first one holds the text.
    const [first, colleague] = await Promise.all([raw("lead@ez.example", id), raw("drafter@kgg.example", id)]);
    first.send(msg.syncStep1());
    await first.next("sync-step-2", "the first one's answer");
    colleague.send(msg.syncStep1());
    const answer = await colleague.next("sync-step-2", "the colleague's answer");
    const doc = new Y.Doc();
    Y.applyUpdate(doc, answer.payload);
    expect(textOf(doc)).toBe(textOf(await loadStoredDoc(server.database, id)));
    // Answered from the stored state: before the loaded room invited the editor to send its changes.
    const kinds = colleague.frames.map((f) => f.kind);
    expect(kinds.indexOf("sync-step-2")).toBeLessThan(kinds.includes("sync-step-1") ? kinds.indexOf("sync-step-1") : Infinity);
    // Then the room is loaded as usual: the editor is invited, and its change reaches the first one.
    await colleague.next("sync-step-1", "the server's sync step 1 once the room has loaded");
    colleague.send(msg.update(paragraphUpdate(answer.payload, "Na het laden toegevoegd.")));
    await first.next("update", "the colleague's change");
    expect(colleague.frames.filter((f) => f.kind === "sync-step-2")).toHaveLength(1);
  });

  it("relays a stream of cursor moves as the latest position, at most twenty frames a second", async () => {
    const mover = await raw("drafter@kgg.example");
    const watcher = await raw("lead@ez.example");
    const clientId = 515151;
    const moves = 40;
    const t0 = performance.now();
    for (let i = 1; i <= moves; i++) {
      mover.send(msg.awareness([{ clientId, clock: i, state: { cursor: { anchor: i, head: i } } }]));
      await new Promise((r) => setTimeout(r, 5));
    }
    const mine = (f: ServerFrame) => (f.kind === "awareness" ? f.states.filter((s) => s.clientId === clientId) : []);
    await watcher.next("awareness", "the last cursor position", (f) => mine(f).some((s) => (s.state?.cursor as { anchor: number } | undefined)?.anchor === moves));
    const elapsed = performance.now() - t0;
    const frames = watcher.frames.filter((f) => mine(f).length > 0);
    // One frame at once, then at most one per 50 ms: never one per move.
    expect(frames.length).toBeLessThanOrEqual(Math.ceil(elapsed / AWARENESS_INTERVAL_MS) + 1);
    expect(frames.length).toBeLessThan(moves);
    const anchors = frames.flatMap(mine).map((s) => (s.state?.cursor as { anchor: number }).anchor);
    expect(anchors).toEqual([...anchors].sort((a, b) => a - b)); // never an older position after a newer one
    expect(mover.frames.filter((f) => mine(f).length > 0)).toEqual([]); // and never back to its owner
  });

  it("writes every awareness user from the session; a client cannot pose as another or remove them", async () => {
    const drafter = provider("drafter@kgg.example");
    const lead = provider("lead@ez.example");
    await Promise.all([synced(drafter), synced(lead)]);
    drafter.provider.awareness.setLocalState({
      user: { id: "someone-else", name: "De Minister", organisation: "Minister's office", color: "#000000" },
      cursor: { anchor: 1, head: 1 },
    });
    const seen = () => lead.provider.awareness.getStates().get(drafter.doc.clientID) as Record<string, unknown> | undefined;
    const changes = (fn: () => void) => {
      lead.provider.awareness.on("change", fn);
      return () => lead.provider.awareness.off("change", fn);
    };
    await until(changes, () => seen()?.cursor !== undefined, "the lead to see the drafter's cursor");
    const drafterId = await server.userId("drafter@kgg.example");
    expect(seen()!.user).toEqual({
      id: drafterId,
      name: expect.any(String),
      organisation: "KGG",
      organisationName: "Ministerie van Klimaat en Groene Groei",
      color: organisationColour("KGG"),
    });
    expect((seen()!.user as { name: string }).name).not.toBe("De Minister");
    expect(seen()!.cursor).toEqual({ anchor: 1, head: 1 });

    // A third connection tries to overwrite the drafter's entry and to remove it.
    const forger = await raw("expert@fme.example");
    forger.send(msg.awareness([{ clientId: drafter.doc.clientID, clock: 1000, state: { user: { name: "Gehackt" }, cursor: null } }]));
    forger.send(msg.awareness([{ clientId: drafter.doc.clientID, clock: 1001, state: null }]));
    // Its own entry is accepted (and reaches the lead), so the forged ones had their turn before it.
    forger.send(msg.awareness([{ clientId: 424242, clock: 1, state: { cursor: null } }]));
    await until(changes, () => lead.provider.awareness.getStates().has(424242), "the lead to see the third client");
    expect((lead.provider.awareness.getStates().get(424242) as { user: { name: string } }).user.name).toMatch(/\S/);
    expect(seen()?.cursor).toEqual({ anchor: 1, head: 1 });
    expect((seen()!.user as { id: string }).id).toBe(drafterId);
  });

  it("removes a client's awareness when its connection closes", async () => {
    const drafter = provider("drafter@kgg.example");
    const lead = provider("lead@ez.example");
    await Promise.all([synced(drafter), synced(lead)]);
    drafter.provider.awareness.setLocalStateField("cursor", { anchor: 2, head: 2 });
    const changes = (fn: () => void) => {
      lead.provider.awareness.on("change", fn);
      return () => lead.provider.awareness.off("change", fn);
    };
    await until(changes, () => lead.provider.awareness.getStates().has(drafter.doc.clientID), "the drafter to appear");
    drafter.provider.ws?.close();
    drafter.provider.shouldConnect = false;
    await until(changes, () => !lead.provider.awareness.getStates().has(drafter.doc.clientID), "the drafter to disappear");
    // It reconnects (same client id, its own old clock) and is seen again.
    drafter.provider.connect();
    await until(changes, () => lead.provider.awareness.getStates().has(drafter.doc.clientID), "the drafter to reappear");
  });
  it("unloads a document a while after its last client left, and loads it again from the database", async () => {
    const a = provider("lead@ez.example");
    await synced(a);
    appendParagraph(a.doc, "Voor het uitladen.");
    const b = provider("drafter@kgg.example");
    await synced(b);
    await hasAll(b.doc, ["Voor het uitladen."], "B to receive the edit");
    const text = textOf(a.doc);
    for (const c of clients.splice(0)) c.destroy();
    for (const r of raws.splice(0)) r.end();
    await poll(() => server.collab.stats().rooms === 0, "every document to be unloaded");
    const c = provider("expert@fme.example");
    await synced(c);
    expect(textOf(c.doc)).toBe(text);
  });
});

describe("shutting down", () => {
  it("stores what it accepted, then closes every connection with 'going away'", async () => {
    const server = await startTestServer();
    try {
      const { cookie } = await server.signIn("drafter@kgg.example");
      const sectionId = (await server.sectionIds("Toegang tot financiering"))[0];
      const client = await RawClient.open(server.url, sectionId, { cookie });
      await client.next("sync-step-1", "the connection to be open");
      client.send(msg.syncStep1());
      const base = (await client.next("sync-step-2", "the document")).payload;
      client.send(msg.update(paragraphUpdate(base, "Vlak voor het afsluiten.")));
      await client.roundTrip(); // the update has been received (and may not be stored yet)
      const closed = client.closed("the connection to be closed");
      await server.close();
      expect((await closed).code).toBe(CloseCode.GoingAway);
      expect(textOf(await loadStoredDoc(server.database, sectionId))).toContain("Vlak voor het afsluiten.");
      expect(await upgradeStatus(server.url, `/${sectionId}`, { cookie }).catch(() => "refused")).toBe("refused");
    } finally {
      await server.stop();
    }
  });
});
