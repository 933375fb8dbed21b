/**
 * Suggestions in the consultation record (issue #16, ADR 033): a partner's suggestion, sent over the
 * stock provider, is logged by the collab server and stays in the record after the lead accepts or
 * rejects it (the marks leave the text), with the outcome and the reason sent with the decision; the
 * reactienota lists it; a suggestion from the lead organisation is not an input; the publish gate
 * counts suggestions without a disposition. A formatting suggestion (ADR 043) is logged with its
 * formatting, and its outcome is read from the text too.
 */
import { eq } from "drizzle-orm";
import * as lib0Encoding from "lib0/encoding";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { SUGGESTION_DECIDE } from "../../app/shared/consultation";
import { DELETION, FORMAT_CHANGE, INSERTION, type SuggestionAttrs } from "../../app/shared/suggestions";
import { exportConsultationAnnex } from "../../server/commands/consultationExport";
import { setDisposition } from "../../server/commands/dispositionSet";
import { consultationPublish } from "../../server/policy";
import { loadActor } from "../../server/services/access";
import { consultationPublishFactsUnchecked, consultationRecord } from "../../server/views/consultation";
import { startTestServer, type TestServer } from "../support/server";
import { hasAll, onDocUpdate, pollAsync, sessionClients, synced, until, type ProviderClient } from "../collab/helpers";

let server: TestServer;
const { cookies, provider, closeAll } = sessionClients(() => server);
let workspaceId: string;
let agendaId: string;
let sectionId: string;
let partnerOrganisationId: string;
let leadOrganisationId: string;
const people = new Map<string, Omit<SuggestionAttrs, "id" | "time">>();

const PARTNER = "partner@be.example";
const LEAD = "lead@ez.example";

async function actor(email: string) {
  const a = await loadActor(server.database, await server.userId(email));
  if (!a) throw new Error(`no actor ${email}`);
  return a;
}

const mark = (email: string, id: string): SuggestionAttrs => ({ id, ...people.get(email)!, time: new Date().toISOString() });

function firstText(doc: Y.Doc): Y.XmlText {
  const stack: unknown[] = doc.getXmlFragment(FRAGMENT).toArray();
  while (stack.length) {
    const n = stack.shift();
    if (n instanceof Y.XmlText && n.length > 10) return n;
    if (n instanceof Y.XmlElement) stack.unshift(...n.toArray());
  }
  throw new Error("no text");
}
const plain = (t: Y.XmlText) => (t.toDelta() as { insert: string }[]).map((d) => d.insert).join("");

/** Where the run of characters marked `key` with id `id` starts and how long it is. */
function runOf(text: Y.XmlText, key: string, id: string): { at: number; length: number } {
  let at = 0;
  for (const d of text.toDelta() as { insert: string; attributes?: Record<string, { id?: string }> }[]) {
    if (d.attributes?.[key]?.id === id) return { at, length: d.insert.length };
    at += d.insert.length;
  }
  throw new Error(`no ${key} ${id}`);
}

async function open(email: string): Promise<ProviderClient> {
  const c = provider(email, sectionId);
  await synced(c);
  return c;
}

function decide(client: ProviderClient, ids: string[], outcome: "accepted" | "rejected", reason: string) {
  const e = lib0Encoding.createEncoder();
  lib0Encoding.writeVarUint(e, 5);
  lib0Encoding.writeVarString(e, JSON.stringify({ type: SUGGESTION_DECIDE, ids, outcome, reason }));
  client.provider.ws!.send(lib0Encoding.toUint8Array(e));
}

async function logRows() {
  const { db, t } = server.database;
  return db.select().from(t.suggestionLog).where(eq(t.suggestionLog.sectionId, sectionId));
}

/** The log holds what the server stored: flushed, then the log's pending work done. */
async function logged(check: (rows: Awaited<ReturnType<typeof logRows>>) => boolean, what: string) {
  await pollAsync(async () => {
    await server.collab.flush();
    await server.suggestionLog.settled();
    return check(await logRows());
  }, what);
}

async function annex(organisationId: string, format: "md" | "html") {
  const file = await exportConsultationAnnex(server.services, { actor: await actor(LEAD), agendaId, organisationId, format });
  return Buffer.from(file.body).toString("utf8");
}

async function undisposedCount() {
  const { db, t } = server.database;
  const ids = (await db.select({ id: t.workspaces.id }).from(t.workspaces).where(eq(t.workspaces.agendaId, agendaId))).map((w) => w.id);
  const facts = await consultationPublishFactsUnchecked(server.database, server.database.db, agendaId, ids);
  return { count: facts.undisposed.length, verdict: consultationPublish(facts) };
}

beforeAll(async () => {
  server = await startTestServer({ env: { LOG_LEVEL: "error" } });
  const { db, t } = server.database;
  for (const email of [PARTNER, LEAD]) {
    cookies.set(email, (await server.signIn(email)).cookie);
    const [u] = await db.select({ id: t.user.id, name: t.user.name, organisationId: t.user.organisationId }).from(t.user).where(eq(t.user.email, email));
    const [o] = await db.select({ shortCode: t.organisations.shortCode }).from(t.organisations).where(eq(t.organisations.id, u.organisationId!));
    people.set(email, { userId: u.id, organisationId: u.organisationId, name: u.name, organisation: o.shortCode ?? null });
  }
  partnerOrganisationId = people.get(PARTNER)!.organisationId!;
  leadOrganisationId = people.get(LEAD)!.organisationId!;
  workspaceId = await server.workspaceId("Grensoverschrijdende samenwerking");
  [sectionId] = await server.sectionIds("Grensoverschrijdende samenwerking");
  const [ws] = await db.select({ agendaId: t.workspaces.agendaId, lead: t.workspaces.leadOrganisationId }).from(t.workspaces).where(eq(t.workspaces.id, workspaceId));
  expect(ws.lead).toBe(leadOrganisationId);
  agendaId = ws.agendaId!;
  await db.update(t.agendas).set({ consultation: true, requireDispositions: true }).where(eq(t.agendas.id, agendaId));
}, 120_000);
afterAll(async () => {
  closeAll();
  await server?.stop();
});

describe("suggestions in the consultation record", () => {
  let before: number;

  it("lists a partner's open suggestions as inputs, not the lead organisation's own, and the publish gate counts them", async () => {
    before = (await undisposedCount()).count;
    const lead = await open(LEAD);
    const partner = await open(PARTNER);
    const text = firstText(partner.doc);
    const words = plain(text).split(" ");
    // A replacement of the first word (one id), and a deletion of the third.
    const first = words[0];
    const third = words[2];
    const thirdAt = plain(text).indexOf(` ${third} `) + 1;
    partner.doc.transact(() => {
      text.format(thirdAt, third.length, { [DELETION]: mark(PARTNER, "be-delete") });
      text.format(0, first.length, { [DELETION]: mark(PARTNER, "be-replace") });
      text.insert(first.length, " Grensregio's", { [INSERTION]: mark(PARTNER, "be-replace") });
    });
    // The lead's own suggestion: not an input of the record.
    const leadText = firstText(lead.doc);
    await hasAll(lead.doc, ["Grensregio's"], "the partner's suggestion at the lead");
    leadText.insert(leadText.length, " Eigen aanvulling EZ.", { [INSERTION]: mark(LEAD, "ez-own") });
    await logged((rows) => rows.length >= 3, "three suggestions logged");

    const rows = new Map((await logRows()).map((r) => [r.suggestionId, r]));
    expect(rows.get("be-replace")).toMatchObject({ kind: "replacement", deleted: first, inserted: " Grensregio's", organisationId: partnerOrganisationId, outcome: null });
    expect(rows.get("be-delete")).toMatchObject({ kind: "deletion", deleted: third, organisationId: partnerOrganisationId, outcome: null });
    expect(rows.get("ez-own")).toMatchObject({ kind: "insertion", organisationId: leadOrganisationId });

    const record = await consultationRecord(server.database, await actor(LEAD), workspaceId);
    const suggestions = record.inputs.filter((i) => i.kind === "suggestion");
    expect(suggestions.map((s) => s.id).sort()).toEqual(["be-delete", "be-replace"]);
    expect(suggestions.find((s) => s.id === "be-replace")).toMatchObject({ quote: first, text: " Grensregio's", organisationId: partnerOrganisationId, suggestion: { outcome: null }, disposition: null });

    const gate = await undisposedCount();
    expect(gate.count).toBe(before + 2);
    expect(gate.verdict).toMatchObject({ allowed: false, code: "dispositions_missing" });
  });

  it("keeps them after the lead accepts one and rejects the other, with the reasons, in the record and the reactienota", async () => {
    const lead = await open(LEAD);
    const partner = await open(PARTNER);
    const text = firstText(lead.doc);
    // Accept the replacement: its deleted word goes, its insertion becomes plain text.
    const ins = runOf(text, INSERTION, "be-replace");
    const del = runOf(text, DELETION, "be-replace");
    lead.doc.transact(() => {
      text.format(ins.at, ins.length, { [INSERTION]: null });
      text.delete(del.at, del.length);
    });
    decide(lead, ["be-replace"], "accepted", "Sluit aan bij de Benelux-afspraken");
    // Reject the deletion: the word stays, the mark goes.
    const gone = runOf(text, DELETION, "be-delete");
    text.format(gone.at, gone.length, { [DELETION]: null });
    decide(lead, ["be-delete"], "rejected", "Dit woord blijft nodig voor de reikwijdte");
    await until(onDocUpdate(partner.doc), () => !JSON.stringify(firstText(partner.doc).toDelta()).includes("be-"), "the decisions at the partner").catch((error: unknown) => {
      // Rare in CI, never reproduced alone: say what each side held and whether a connection closed.
      const state = (c: typeof lead) => JSON.stringify({ closes: c.closes, text: firstText(c.doc).toDelta() });
      throw new Error(`${error instanceof Error ? error.message : String(error)}; lead ${state(lead)}; partner ${state(partner)}`);
    });

    // A commenter cannot send a decision: refused by the channel, nothing recorded.
    decide(partner, ["be-delete"], "accepted", "Toch graag");
    await until(
      (fn) => {
        const timer = setInterval(fn, 20);
        return () => clearInterval(timer);
      },
      () => partner.denied.length > 0,
      "the partner's decision to be refused",
    );

    await logged((rows) => rows.filter((r) => r.decidedBy !== null).length === 2, "both decisions logged");
    const rows = new Map((await logRows()).map((r) => [r.suggestionId, r]));
    const leadId = people.get(LEAD)!.userId;
    expect(rows.get("be-replace")).toMatchObject({ outcome: "accepted", decidedBy: leadId, reason: "Sluit aan bij de Benelux-afspraken" });
    expect(rows.get("be-delete")).toMatchObject({ outcome: "rejected", decidedBy: leadId, reason: "Dit woord blijft nodig voor de reikwijdte" });

    const record = await consultationRecord(server.database, await actor(LEAD), workspaceId);
    const byId = new Map(record.inputs.filter((i) => i.kind === "suggestion").map((i) => [i.id, i]));
    expect([...byId.keys()].sort()).toEqual(["be-delete", "be-replace"]);
    expect(byId.get("be-replace")!.suggestion).toMatchObject({ outcome: "accepted", decidedByName: people.get(LEAD)!.name });
    expect(byId.get("be-delete")!.suggestion).toMatchObject({ outcome: "rejected", reason: "Dit woord blijft nodig voor de reikwijdte" });

    for (const format of ["md", "html"] as const) {
      const body = await annex(partnerOrganisationId, format);
      expect(body).toContain("Grensregio");
      expect(body).toContain("Sluit aan bij de Benelux-afspraken");
      expect(body).toContain("Dit woord blijft nodig voor de reikwijdte");
      expect(body).toMatch(/geaccepteerd|accepted/);
      expect(body).toMatch(/afgewezen|rejected/);
      expect(body).not.toContain("Eigen aanvulling EZ");
    }
    // The lead's own suggestion is in no organisation's annex.
    expect(await annex(leadOrganisationId, "md")).not.toContain("Eigen aanvulling EZ");
  });

  it("lets the owners give them a disposition, and the publish gate stops counting them", async () => {
    const owner = await actor(LEAD);
    await setDisposition(server.services, { actor: owner, workspaceId, input: { targetKind: "suggestion", targetId: "be-replace", disposition: "adopted" } });
    await setDisposition(server.services, { actor: owner, workspaceId, input: { targetKind: "suggestion", targetId: "be-delete", disposition: "not_adopted", reason: "Dit woord blijft nodig voor de reikwijdte" } });
    expect((await undisposedCount()).count).toBe(before);
    const md = await annex(partnerOrganisationId, "md");
    expect(md).toMatch(/Overgenomen|Adopted/);
    expect(md).toMatch(/Niet overgenomen|Not adopted/);
    // The page pre-fills a disposition from the outcome only while none is given; now both are given.
    const record = await consultationRecord(server.database, owner, workspaceId);
    expect(record.inputs.filter((i) => i.kind === "suggestion").map((i) => i.disposition?.value).sort()).toEqual(["adopted", "not_adopted"]);
  });

  it("reads the outcome from the text when no decision came with it (no decider, no reason)", async () => {
    const lead = await open(LEAD);
    const partner = await open(PARTNER);
    const text = firstText(partner.doc);
    text.insert(text.length, " Zonder toelichting.", { [INSERTION]: mark(PARTNER, "be-silent") });
    await hasAll(lead.doc, ["Zonder toelichting."], "the suggestion at the lead");
    await logged((rows) => rows.some((r) => r.suggestionId === "be-silent"), "the suggestion logged");
    const leadText = firstText(lead.doc);
    const run = runOf(leadText, INSERTION, "be-silent");
    leadText.format(run.at, run.length, { [INSERTION]: null });
    await logged((rows) => rows.find((r) => r.suggestionId === "be-silent")?.outcome != null, "the outcome read from the text");
    const row = (await logRows()).find((r) => r.suggestionId === "be-silent");
    expect(row).toMatchObject({ outcome: "accepted", decidedBy: null, reason: "" });
  });

  it("logs a partner's bold and italic suggestions with their formatting, and reads their outcome from the text", async () => {
    const lead = await open(LEAD);
    const partner = await open(PARTNER);
    const text = firstText(partner.doc);
    const [bold, italic] = ["Europees", "waardeketens"];
    partner.doc.transact(() => {
      text.format(plain(text).indexOf(bold), bold.length, { bold: {}, [FORMAT_CHANGE]: { ...mark(PARTNER, "be-bold"), add: "bold", remove: "" } });
      text.format(plain(text).indexOf(italic), italic.length, { italic: {}, [FORMAT_CHANGE]: { ...mark(PARTNER, "be-italic"), add: "italic", remove: "" } });
    });
    await logged((rows) => rows.some((r) => r.suggestionId === "be-italic"), "the formatting suggestions logged");
    const rows = new Map((await logRows()).map((r) => [r.suggestionId, r]));
    expect(rows.get("be-bold")).toMatchObject({ kind: "format", inserted: bold, deleted: "", formatting: "+bold", outcome: null });
    expect(rows.get("be-italic")).toMatchObject({ kind: "format", inserted: italic, formatting: "+italic", outcome: null });
    expect(partner.closes).toEqual([]);

    // The lead accepts the bold (the mark goes, the bold stays) and rejects the italic (both go), saying nothing.
    const leadText = firstText(lead.doc);
    const b = runOf(leadText, FORMAT_CHANGE, "be-bold");
    const i = runOf(leadText, FORMAT_CHANGE, "be-italic");
    lead.doc.transact(() => {
      leadText.format(b.at, b.length, { [FORMAT_CHANGE]: null });
      leadText.format(i.at, i.length, { italic: null, [FORMAT_CHANGE]: null });
    });
    await logged((rows) => rows.filter((r) => r.kind === "format" && r.outcome !== null).length === 2, "the outcomes read from the text");
    const after = new Map((await logRows()).map((r) => [r.suggestionId, r]));
    expect(after.get("be-bold")).toMatchObject({ outcome: "accepted", decidedBy: null });
    expect(after.get("be-italic")).toMatchObject({ outcome: "rejected", decidedBy: null });
    const md = await annex(partnerOrganisationId, "md");
    expect(md).toMatch(/(Voorgestelde opmaak|Suggested formatting):\*\* (vet|bold): “Europees”/);
    expect(md).toMatch(/(Voorgestelde opmaak|Suggested formatting):\*\* (cursief|italic): “waardeketens”/);
  });
});
