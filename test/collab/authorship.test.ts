/**
 * Who wrote what (ADR 028): the server records, from the connection's session, the person and
 * organisation of every Yjs client id a stored update writes with, in the same transaction; an update
 * written with a client id that belongs to someone else (or that is in the text without an owner) is
 * refused over the raw WebSocket (closed as not valid, so the editor drops it and starts again from the
 * saved text): nothing stored, nothing sent on.
 */
import { and, eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CloseCode } from "../../app/shared/collab";
import { ClientOwnedError, UpdateStore } from "../../server/collab/store";
import { createLogger } from "../../server/log";
import { loadStoredDoc } from "../../server/services/section-text";
import { startTestServer, type TestServer } from "../support/server";
import { appendParagraph, hasAll, msg, pollAsync, sessionClients, synced, textOf } from "./helpers";

describe("who wrote what, recorded by the collab server", () => {
  let server: TestServer;
  const { cookies, raw, provider, loggedRows, closeAll } = sessionClients(() => server);
  let sectionId: string;

  const ownerOf = async (clientId: number) => {
    const { db, t } = server.database;
    const rows = await db
      .select({ userId: t.sectionClients.userId, organisationId: t.sectionClients.organisationId })
      .from(t.sectionClients)
      .where(and(eq(t.sectionClients.sectionId, sectionId), eq(t.sectionClients.clientId, clientId)));
    return rows[0] ?? null;
  };
  const organisationOf = async (email: string) => {
    const { db, t } = server.database;
    return (await db.select({ organisationId: t.user.organisationId }).from(t.user).where(eq(t.user.email, email)))[0].organisationId;
  };
  /** An update appending `text`, written on the server's current text with `clientId`. */
  const updateWith = async (clientId: number, text: string) => {
    const stored = await loadStoredDoc(server.database, sectionId);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(stored));
    doc.clientID = clientId;
    const before = Y.encodeStateVector(doc);
    appendParagraph(doc, text);
    const update = Y.encodeStateAsUpdate(doc, before);
    doc.destroy();
    stored.destroy();
    return update;
  };

  beforeAll(async () => {
    server = await startTestServer();
    for (const email of ["lead@ez.example", "drafter@kgg.example"]) cookies.set(email, (await server.signIn(email)).cookie);
    sectionId = (await server.sectionIds("Toegang tot financiering"))[1];
  });
  afterEach(() => closeAll());
  afterAll(async () => {
    await server?.stop();
  });

  it("records each writer's client id with their person and organisation, from the session", async () => {
    const drafter = provider("drafter@kgg.example", sectionId);
    const lead = provider("lead@ez.example", sectionId);
    await Promise.all([synced(drafter), synced(lead)]);
    appendParagraph(drafter.doc, "Zin van KGG.");
    appendParagraph(lead.doc, "Zin van EZ.");
    await hasAll(drafter.doc, ["Zin van KGG.", "Zin van EZ."], "both sentences at the drafter");
    await pollAsync(async () => (await ownerOf(lead.doc.clientID)) !== null && (await ownerOf(drafter.doc.clientID)) !== null, "both owners recorded");
    expect(await ownerOf(drafter.doc.clientID)).toEqual({ userId: await server.userId("drafter@kgg.example"), organisationId: await organisationOf("drafter@kgg.example") });
    expect(await ownerOf(lead.doc.clientID)).toEqual({ userId: await server.userId("lead@ez.example"), organisationId: await organisationOf("lead@ez.example") });
  });

  it("refuses an update written with another person's client id: closed, nothing stored or sent on; an honest one is stored", async () => {
    const drafter = provider("drafter@kgg.example", sectionId);
    await synced(drafter);
    appendParagraph(drafter.doc, "Eerlijke zin.");
    await pollAsync(async () => (await ownerOf(drafter.doc.clientID)) !== null, "the drafter's client id recorded");
    const rowsBefore = await loggedRows(sectionId);
    const textBefore = textOf(await loadStoredDoc(server.database, sectionId));

    const forger = await raw("lead@ez.example", sectionId);
    await forger.roundTrip();
    forger.send(msg.update(await updateWith(drafter.doc.clientID, "Vervalste zin op naam van KGG.")));
    expect((await forger.closed("the forger's connection closed")).code).toBe(CloseCode.Malformed);

    // A round trip of the drafter's own: anything the server had sent on would have arrived before it.
    appendParagraph(drafter.doc, "Nog een eerlijke zin.");
    await pollAsync(async () => textOf(await loadStoredDoc(server.database, sectionId)).includes("Nog een eerlijke zin."), "the drafter's next sentence stored");
    expect(textOf(drafter.doc)).not.toContain("Vervalste zin");
    const textAfter = textOf(await loadStoredDoc(server.database, sectionId));
    expect(textAfter).not.toContain("Vervalste zin");
    expect(textAfter).toBe(`${textBefore}\nNog een eerlijke zin.`);
    expect(await loggedRows(sectionId)).toBe(rowsBefore + 1);
    expect((await ownerOf(drafter.doc.clientID))?.userId).toBe(await server.userId("drafter@kgg.example"));

    // The same person, writing with a client id of their own, is stored and recorded.
    const honest = await raw("lead@ez.example", sectionId);
    await honest.roundTrip();
    const ownId = 0x1f2e3d4c;
    honest.send(msg.update(await updateWith(ownId, "Zin van EZ, eerlijk.")));
    await pollAsync(async () => textOf(await loadStoredDoc(server.database, sectionId)).includes("Zin van EZ, eerlijk."), "the honest update stored");
    await hasAll(drafter.doc, ["Zin van EZ, eerlijk."], "the honest update sent on");
    expect((await ownerOf(ownId))?.userId).toBe(await server.userId("lead@ez.example"));
    expect(honest.close).toBeNull();
  });

  it("refuses a client id already in the text that nobody owns (the seed's text, the server's own changes)", async () => {
    const stored = await loadStoredDoc(server.database, sectionId);
    const unowned = [...stored.store.clients.keys()];
    stored.destroy();
    const owners = await Promise.all(unowned.map((id) => ownerOf(id)));
    const seedClient = unowned.find((_, i) => owners[i] === null);
    expect(seedClient).toBeDefined();
    const rowsBefore = await loggedRows(sectionId);
    const forger = await raw("drafter@kgg.example", sectionId);
    await forger.roundTrip();
    forger.send(msg.update(await updateWith(seedClient!, "Op naam van de oorspronkelijke tekst.")));
    expect((await forger.closed("closed")).code).toBe(CloseCode.Malformed);
    expect(await loggedRows(sectionId)).toBe(rowsBefore);
    expect(await ownerOf(seedClient!)).toBeNull();
  });

  it("refuses in the database, too, a claim on a client id someone else owns (made on another node): nothing of the batch is stored", async () => {
    const drafter = provider("drafter@kgg.example", sectionId);
    await synced(drafter);
    appendParagraph(drafter.doc, "Eigen zin van KGG.");
    await pollAsync(async () => (await ownerOf(drafter.doc.clientID)) !== null, "recorded");
    const rowsBefore = await loggedRows(sectionId);
    const store = new UpdateStore(server.database, createLogger("silent"));
    const lead = await server.userId("lead@ez.example");
    const forged = await updateWith(drafter.doc.clientID, "Via een andere node.");
    const honest = await updateWith(0x2a2a2a, "Eerlijk, in dezelfde batch.");
    const error = await store
      .append(sectionId, [honest, forged], [
        { clientId: 0x2a2a2a, userId: lead, organisationId: null },
        { clientId: drafter.doc.clientID, userId: lead, organisationId: null },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientOwnedError);
    expect((error as ClientOwnedError).clashes.map((c) => c.clientId)).toEqual([drafter.doc.clientID]);
    expect(await loggedRows(sectionId)).toBe(rowsBefore);
    expect(await ownerOf(0x2a2a2a)).toBeNull();
    expect((await ownerOf(drafter.doc.clientID))?.userId).toBe(await server.userId("drafter@kgg.example"));
    // A client id already in the text (seen through another node) must be the sender's already: an
    // unowned one (the seed's) is refused, the sender's own is stored.
    const stored = await loadStoredDoc(server.database, sectionId);
    const inText = [...stored.store.clients.keys()];
    stored.destroy();
    const owners = await Promise.all(inText.map((id) => ownerOf(id)));
    const seedClient = inText.find((_, i) => owners[i] === null);
    await expect(store.append(sectionId, [await updateWith(seedClient!, "Op naam van de seed.")], [{ clientId: seedClient!, userId: lead, organisationId: null, existing: true }])).rejects.toBeInstanceOf(ClientOwnedError);
    expect(await loggedRows(sectionId)).toBe(rowsBefore);
    const drafterId = await server.userId("drafter@kgg.example");
    await store.append(sectionId, [await updateWith(drafter.doc.clientID, "Via een andere node, eerlijk.")], [{ clientId: drafter.doc.clientID, userId: drafterId, organisationId: null, existing: true }]);
    expect(await loggedRows(sectionId)).toBe(rowsBefore + 1);
  });
});
