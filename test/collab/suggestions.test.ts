/**
 * Suggestion mode as the collab server enforces it (ADR 027), over the stock y-websocket provider on a
 * real server: a commenter (a partner country) may send changes, but only suggestions in their own
 * name; a direct edit, a forged author, or an accept sent by them is refused (closed, nothing stored
 * or sent). An editor may do anything but suggest in someone else's name. A suggestion that crosses
 * someone's change to the same marks is kept, and the marks are set right (ADR 038). Bold or italic
 * suggested by a commenter is the formatting plus a formatChange mark in their name saying what
 * changed (ADR 043); formatting without it, or with one that does not match, is refused.
 */
import { eq } from "drizzle-orm";
import { EditorState, type Transaction } from "@tiptap/pm/state";
import { initProseMirrorDoc, updateYFragment } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CloseCode, DeniedReason } from "../../app/shared/collab";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { DELETION, FORMAT_CHANGE, INSERTION, listSuggestions, resolveSuggestions, suggestFormat, type SuggestionAttrs } from "../../app/shared/suggestions";
import { contentHash, documentSchema } from "../../server/document";
import { loadStoredDoc } from "../../server/services/section-text";
import { startTestServer, type TestServer } from "../support/server";
import { hasAll, onDocUpdate, poll, sessionClients, synced, until, type ProviderClient } from "./helpers";

let server: TestServer;
const { cookies, provider, loggedRows, closeAll } = sessionClients(() => server);
let sections: string[];
const people = new Map<string, Omit<SuggestionAttrs, "id" | "time">>();

const PARTNER = "partner@be.example";
const LEAD = "lead@ez.example";

beforeAll(async () => {
  server = await startTestServer({ env: { LOG_LEVEL: "error" } });
  const { db, t } = server.database;
  for (const email of [PARTNER, LEAD]) {
    cookies.set(email, (await server.signIn(email)).cookie);
    const [u] = await db.select({ id: t.user.id, name: t.user.name, organisationId: t.user.organisationId }).from(t.user).where(eq(t.user.email, email));
    const [o] = await db.select({ shortCode: t.organisations.shortCode }).from(t.organisations).where(eq(t.organisations.id, u.organisationId!));
    people.set(email, { userId: u.id, organisationId: u.organisationId, name: u.name, organisation: o.shortCode ?? null });
  }
  sections = await server.sectionIds("Grensoverschrijdende samenwerking");
}, 120_000);
afterEach(() => closeAll());
afterAll(async () => {
  await server?.stop();
});

let nextId = 0;
const mark = (email: string, over: Partial<SuggestionAttrs> = {}): SuggestionAttrs => ({ id: `s${++nextId}`, ...people.get(email)!, time: new Date().toISOString(), ...over });

/** The first text of the section (its first paragraph's). */
function firstText(doc: Y.Doc): Y.XmlText {
  const stack: unknown[] = doc.getXmlFragment(FRAGMENT).toArray();
  while (stack.length) {
    const n = stack.shift();
    if (n instanceof Y.XmlText && n.length > 10) return n;
    if (n instanceof Y.XmlElement) stack.unshift(...n.toArray());
  }
  throw new Error("no text");
}

/** The characters of a text (its toString is XML). */
const plain = (t: Y.XmlText) => (t.toDelta() as { insert: string }[]).map((d) => d.insert).join("");

/** The deletion marks (or none) of the `length` characters from `from` in `doc`'s first text. */
function deletionsOf(doc: Y.Doc, from: number, length: number): (SuggestionAttrs | undefined)[] {
  const out: (SuggestionAttrs | undefined)[] = [];
  for (const d of firstText(doc).toDelta() as { insert: string; attributes?: Record<string, SuggestionAttrs> }[]) {
    for (let i = 0; i < d.insert.length; i++) out.push(d.attributes?.[DELETION]);
  }
  return out.slice(from, from + length);
}

/** Where `word` starts in the first text of `of`. */
function at(of: Y.Doc | Y.XmlText, word: string): number {
  const i = plain(of instanceof Y.Doc ? firstText(of) : of).indexOf(word);
  if (i < 0) throw new Error(`no ${word}`);
  return i;
}

function closedWith(client: ProviderClient, what: string): Promise<void> {
  return until(
    (fn) => {
      client.provider.on("connection-close", fn);
      return () => client.provider.off("connection-close", fn);
    },
    () => client.closes.length > 0,
    what,
  );
}

/** Opens `email`'s stock provider on `sectionId`, synced. */
async function open(email: string, sectionId: string): Promise<ProviderClient> {
  const c = provider(email, sectionId);
  await synced(c);
  return c;
}

/** `change` by `email` is refused: closed as NotASuggestion, nothing stored, nothing reaches `watcher`. */
async function refused(email: string, sectionId: string, change: (text: Y.XmlText) => void, watcher: ProviderClient): Promise<void> {
  const rows = await loggedRows(sectionId);
  const c = await open(email, sectionId);
  const seen: Uint8Array[] = [];
  const off = onDocUpdate(watcher.doc)(() => seen.push(new Uint8Array()));
  change(firstText(c.doc));
  await closedWith(c, `${email}'s change to be refused`);
  expect(c.closes[0]).toBe(CloseCode.NotASuggestion);
  c.destroy();
  // A round trip of the watcher's after the refusal: anything sent before it has arrived.
  const probe = await open(LEAD, sectionId);
  probe.destroy();
  off();
  expect(seen).toEqual([]);
  expect(await loggedRows(sectionId)).toBe(rows);
}

describe("suggestion mode on the collab server", () => {
  it("stores a commenter's honest suggestion (insertion, deletion mark, deleting their own insertion) and delivers it", async () => {
    const sectionId = sections[0];
    const rows = await loggedRows(sectionId);
    const lead = await open(LEAD, sectionId);
    const partner = await open(PARTNER, sectionId);
    const text = firstText(partner.doc);
    const attrs = mark(PARTNER);
    partner.doc.transact(() => {
      text.format(0, 11, { [DELETION]: attrs });
      text.insert(11, "Bedrijvenclusters ", { [INSERTION]: attrs });
    });
    await hasAll(lead.doc, ["Bedrijvenclusters"], "the suggestion to reach the lead");
    // Taking part of their own suggestion back.
    text.delete(11, 9);
    await until(onDocUpdate(lead.doc), () => !plain(firstText(lead.doc)).includes("Bedrijvenclusters"), "the shortened suggestion");
    expect(partner.closes).toEqual([]);
    const delta = firstText(lead.doc).toDelta() as { insert: string; attributes?: Record<string, unknown> }[];
    expect(delta[0]).toMatchObject({ insert: "Industriële", attributes: { [DELETION]: { userId: people.get(PARTNER)!.userId } } });
    expect(delta[1]).toMatchObject({ insert: "clusters ", attributes: { [INSERTION]: { userId: people.get(PARTNER)!.userId, id: attrs.id } } });
    const stored = await loadStoredDoc(server.database, sectionId);
    expect(plain(firstText(stored))).toContain("Industriëleclusters  clusters");
    expect(await loggedRows(sectionId)).toBeGreaterThan(rows);
  });

  it("refuses a commenter's direct edit, forged author, formatting, and an accept or reject of someone else's suggestion", async () => {
    const sectionId = sections[0];
    const lead = await open(LEAD, sectionId);
    // The lead suggests something the partner then tries to accept or reject.
    const theirs = mark(LEAD);
    const check = await open(PARTNER, sectionId);
    firstText(lead.doc).insert(at(lead.doc, "Europees"), "Voorstel ", { [INSERTION]: theirs });
    await hasAll(check.doc, ["Voorstel Europees"], "the lead's suggestion");
    check.destroy();

    await refused(PARTNER, sectionId, (t) => t.insert(at(t, "landsgrenzen"), "direct"), lead);
    await refused(PARTNER, sectionId, (t) => t.delete(at(t, "landsgrenzen"), 4), lead);
    await refused(PARTNER, sectionId, (t) => t.insert(at(t, "landsgrenzen"), "vals", { [INSERTION]: mark(LEAD) }), lead);
    await refused(PARTNER, sectionId, (t) => t.insert(at(t, "landsgrenzen"), "vals", { [INSERTION]: mark(PARTNER, { organisationId: people.get(LEAD)!.organisationId }) }), lead);
    await refused(PARTNER, sectionId, (t) => t.insert(at(t, "landsgrenzen"), "vals", { [INSERTION]: mark(PARTNER, { organisation: "EZ" }) }), lead);
    await refused(PARTNER, sectionId, (t) => t.format(at(t, "landsgrenzen"), 4, { [DELETION]: mark(LEAD) }), lead);
    await refused(PARTNER, sectionId, (t) => t.format(at(t, "landsgrenzen"), 4, { bold: {} }), lead);
    // Accepting the lead's insertion (removing its mark), rejecting it (deleting its text).
    await refused(PARTNER, sectionId, (t) => t.format(at(t, "Voorstel"), 9, { [INSERTION]: null }), lead);
    await refused(PARTNER, sectionId, (t) => t.delete(at(t, "Voorstel"), 9), lead);
    // A new paragraph, even one that is all suggestion: structure is not suggested.
    await refused(PARTNER, sectionId, (t) => {
      const p = new Y.XmlElement("paragraph");
      p.insert(0, [new Y.XmlText()]);
      (t.parent!.parent as Y.XmlFragment).insert(0, [p]);
    }, lead);
  });

  it("lets an editor accept and edit freely but not suggest in someone else's name", async () => {
    const sectionId = sections[0];
    const watcher = await open(PARTNER, sectionId);
    const lead = await open(LEAD, sectionId);
    const partner = await open(PARTNER, sectionId);
    firstText(partner.doc).insert(at(partner.doc, "strategische"), "Graag ", { [INSERTION]: mark(PARTNER) });
    await hasAll(lead.doc, ["Graag "], "the partner's suggestion");
    // Accept part of it (removing the mark from "Gra"): Yjs writes a new format restoring the partner's
    // mark after the range; that is not a forgery.
    firstText(lead.doc).format(at(lead.doc, "Graag"), 3, { [INSERTION]: null });
    firstText(lead.doc).insert(at(lead.doc, "afstemming"), "rechtstreeks ");
    await hasAll(watcher.doc, ["rechtstreeks "], "the editor's edits");
    const delta = firstText(watcher.doc).toDelta() as { insert: string; attributes?: Record<string, unknown> }[];
    const i = delta.findIndex((d) => d.insert.endsWith("Gra"));
    expect(delta[i].attributes?.[INSERTION]).toBeUndefined();
    expect(delta[i + 1]).toMatchObject({ insert: "ag ", attributes: { [INSERTION]: { userId: people.get(PARTNER)!.userId } } });
    expect(lead.closes).toEqual([]);

    await refused(LEAD, sectionId, (t) => t.insert(at(t, "waardeketens"), "namens België ", { [INSERTION]: mark(PARTNER) }), watcher);
    await refused(LEAD, sectionId, (t) => t.format(at(t, "waardeketens"), 5, { [DELETION]: mark(PARTNER) }), watcher);
  });

  it("keeps a partner's suggestion made at the same moment as the lead's over the same words, and the lead's mark where the partner's ends", async () => {
    const sectionId = sections[0];
    const lead = await open(LEAD, sectionId);
    const partner = await open(PARTNER, sectionId);
    const from = at(lead.doc, "landsgrenzen");
    // The partner's change is written on what they had before the lead's reached them.
    const seen = new Y.Doc();
    Y.applyUpdate(seen, Y.encodeStateAsUpdate(partner.doc));
    const theirs = mark(LEAD);
    firstText(lead.doc).format(from, 4, { [DELETION]: theirs });
    const marked = (doc: Y.Doc) => deletionsOf(doc, from, 4).map((d) => d?.id);
    await until(onDocUpdate(partner.doc), () => marked(partner.doc).every((id) => id === theirs.id), "the lead's suggestion");
    const before = Y.encodeStateVector(seen);
    firstText(seen).format(from, 1, { [DELETION]: mark(PARTNER) });
    // It reaches the server through the partner's connection, after the lead's: it closes its run with
    // "no deletion" over the lead's next three characters, which the server sets right.
    Y.applyUpdate(partner.doc, Y.encodeStateAsUpdate(seen, before));
    const leadsLastThree = (doc: Y.Doc) => marked(doc).slice(1).every((id) => id === theirs.id);
    // The lead gets the partner's change and the server's in one update; the partner gets the server's.
    await until(onDocUpdate(lead.doc), () => lead.doc.store.clients.has(seen.clientID), "the partner's suggestion to reach the lead");
    expect(leadsLastThree(lead.doc)).toBe(true);
    expect(marked(lead.doc)[0]).toBeDefined();
    await until(onDocUpdate(partner.doc), () => leadsLastThree(partner.doc), "the partner to see the lead's mark kept");
    expect(marked(partner.doc)).toEqual(marked(lead.doc));
    expect(partner.closes).toEqual([]);
    expect([theirs.userId, people.get(PARTNER)!.userId]).toContain(deletionsOf(lead.doc, from, 1)[0]?.userId);
    await server.collab.flush();
    const stored = await loadStoredDoc(server.database, sectionId);
    expect(marked(stored).slice(1)).toEqual([theirs.id, theirs.id, theirs.id]);
  });

  it("tells a suggesting commenter at once when the section is locked, and takes no suggestion after", async () => {
    const sectionId = sections[0];
    const { db, t } = server.database;
    const [section] = await db.select().from(t.sections).where(eq(t.sections.id, sectionId));
    const partner = await open(PARTNER, sectionId);
    const rows = await loggedRows(sectionId);
    await db.update(t.sections).set({ status: "final" }).where(eq(t.sections.id, sectionId));
    try {
      server.services.events.emit("section.changed", { workspaceId: section.workspaceId, sectionId, status: "final", title: section.title });
      await poll(() => partner.denied.includes(DeniedReason.Locked), "the commenter to be told the section is locked");
      firstText(partner.doc).insert(0, "Te laat ", { [INSERTION]: mark(PARTNER) });
      await poll(() => partner.denied.length >= 2, "the suggestion to be refused");
      await server.collab.flush();
      expect(await loggedRows(sectionId)).toBe(rows);
    } finally {
      await db.update(t.sections).set({ status: "draft" }).where(eq(t.sections.id, sectionId));
    }
  });
});

/** `change` made to `client`'s text the way the editor makes it: on ProseMirror, written back by y-tiptap. */
function viaEditor(client: ProviderClient, change: (tr: Transaction) => void): void {
  const schema = documentSchema();
  const fragment = client.doc.getXmlFragment(FRAGMENT);
  const { doc, meta } = initProseMirrorDoc(fragment, schema);
  const tr = EditorState.create({ schema, doc }).tr;
  change(tr);
  client.doc.transact(() => updateYFragment(client.doc, fragment, tr.doc, meta));
}

/** The ProseMirror range of `word` in the first paragraph holding it. */
function rangeOf(client: ProviderClient, word: string): [number, number] {
  const { doc } = initProseMirrorDoc(client.doc.getXmlFragment(FRAGMENT), documentSchema());
  let found: [number, number] | null = null;
  doc.descendants((node, pos) => {
    if (found || !node.isTextblock) return !found;
    const i = node.textContent.indexOf(word);
    if (i >= 0) found = [pos + 1 + i, pos + 1 + i + word.length];
    return false;
  });
  if (!found) throw new Error(`no ${word}`);
  return found;
}

/** The formatting keys (bold, italic, formatChange) on the characters of `word` in `doc`'s first text. */
function formattingOfWord(doc: Y.Doc, word: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const d of firstText(doc).toDelta() as { insert: string; attributes?: Record<string, unknown> }[]) for (let i = 0; i < d.insert.length; i++) out.push(d.attributes ?? {});
  const from = at(doc, word);
  return out.slice(from, from + word.length);
}

describe("formatting as a suggestion", () => {
  it("stores a commenter's bold suggestion with its mark and leaves approvals fresh; the lead accepts it and the bold stays", async () => {
    const sectionId = sections[0];
    const lead = await open(LEAD, sectionId);
    const partner = await open(PARTNER, sectionId);
    const word = "betrouwbare";
    await server.collab.flush();
    const hashBefore = contentHash(await loadStoredDoc(server.database, sectionId));
    const [from, to] = rangeOf(partner, word);
    viaEditor(partner, (tr) => suggestFormat(tr, from, to, "bold", true, people.get(PARTNER)!));
    await until(onDocUpdate(lead.doc), () => formattingOfWord(lead.doc, word).every((a) => a[FORMAT_CHANGE]), "the bold suggestion to reach the lead");
    expect(partner.closes).toEqual([]);
    expect(formattingOfWord(lead.doc, word)[0]).toMatchObject({ bold: {}, [FORMAT_CHANGE]: { userId: people.get(PARTNER)!.userId, add: "bold", remove: "" } });
    const open1 = listSuggestions(initProseMirrorDoc(lead.doc.getXmlFragment(FRAGMENT), documentSchema()).doc).find((s) => s.kind === "format")!;
    expect(open1).toMatchObject({ formatted: word, add: ["bold"], remove: [], name: people.get(PARTNER)!.name });
    await server.collab.flush();
    // The text as accepted is the text without the open suggestion: approvals stay fresh.
    expect(contentHash(await loadStoredDoc(server.database, sectionId))).toBe(hashBefore);

    viaEditor(lead, (tr) => resolveSuggestions(tr, true, { id: open1.id }));
    await until(onDocUpdate(partner.doc), () => formattingOfWord(partner.doc, word).every((a) => !a[FORMAT_CHANGE]), "the accept to reach the partner");
    expect(formattingOfWord(partner.doc, word).every((a) => a.bold !== undefined)).toBe(true);
    await server.collab.flush();
    const stored = await loadStoredDoc(server.database, sectionId);
    expect(formattingOfWord(stored, word).every((a) => a.bold !== undefined && !a[FORMAT_CHANGE])).toBe(true);
    expect(contentHash(stored)).not.toBe(hashBefore);
    expect(lead.closes).toEqual([]);
  });

  it("takes a commenter's bold suggestion back when they toggle it off, and reverts it when the lead rejects it", async () => {
    const sectionId = sections[0];
    const lead = await open(LEAD, sectionId);
    const partner = await open(PARTNER, sectionId);
    const word = "samenwerking";
    const italicBefore = formattingOfWord(lead.doc, word).map((a) => a.italic !== undefined);
    const [from, to] = rangeOf(partner, word);
    viaEditor(partner, (tr) => suggestFormat(tr, from, to, "italic", !italicBefore[0], people.get(PARTNER)!));
    viaEditor(partner, (tr) => suggestFormat(tr, from, to, "bold", true, people.get(PARTNER)!));
    await until(onDocUpdate(lead.doc), () => formattingOfWord(lead.doc, word).every((a) => a.bold !== undefined), "the suggestion to reach the lead");
    expect(formattingOfWord(lead.doc, word)[0][FORMAT_CHANGE]).toMatchObject(italicBefore[0] ? { add: "bold", remove: "italic" } : { add: "bold,italic", remove: "" });
    // Toggling italic back leaves only the bold in the one suggestion.
    viaEditor(partner, (tr) => suggestFormat(tr, from, to, "italic", italicBefore[0], people.get(PARTNER)!));
    await until(onDocUpdate(lead.doc), () => (formattingOfWord(lead.doc, word)[0][FORMAT_CHANGE] as { add?: string } | undefined)?.add === "bold", "the merged suggestion");
    const suggestion = listSuggestions(initProseMirrorDoc(lead.doc.getXmlFragment(FRAGMENT), documentSchema()).doc).find((s) => s.kind === "format")!;
    viaEditor(lead, (tr) => resolveSuggestions(tr, false, { id: suggestion.id }));
    await until(onDocUpdate(partner.doc), () => formattingOfWord(partner.doc, word).every((a) => !a[FORMAT_CHANGE]), "the reject to reach the partner");
    expect(formattingOfWord(partner.doc, word).map((a) => a.italic !== undefined)).toEqual(italicBefore);
    expect(formattingOfWord(partner.doc, word).every((a) => a.bold === undefined)).toBe(true);
    expect([lead.closes, partner.closes]).toEqual([[], []]);
  });

  it("refuses bold without the mark, the mark in someone else's name, and a mark that does not match the change", async () => {
    const sectionId = sections[0];
    const lead = await open(LEAD, sectionId);
    const w = "projecten";
    const change = (over: Record<string, unknown>) => ({ ...mark(PARTNER), add: "bold", remove: "", ...over });
    await refused(PARTNER, sectionId, (t) => t.format(at(t, w), w.length, { bold: {} }), lead);
    await refused(PARTNER, sectionId, (t) => t.format(at(t, w), w.length, { bold: {}, [FORMAT_CHANGE]: { ...change({}), ...people.get(LEAD)! } }), lead);
    await refused(PARTNER, sectionId, (t) => t.format(at(t, w), w.length, { bold: {}, [FORMAT_CHANGE]: change({ name: "Someone Else" }) }), lead);
    await refused(PARTNER, sectionId, (t) => t.format(at(t, w), w.length, { bold: {}, [FORMAT_CHANGE]: change({ add: "italic" }) }), lead);
    await refused(PARTNER, sectionId, (t) => t.format(at(t, w), w.length, { bold: {}, italic: {}, [FORMAT_CHANGE]: change({}) }), lead);
    await refused(PARTNER, sectionId, (t) => t.format(at(t, w), w.length, { code: {}, [FORMAT_CHANGE]: change({ add: "code" }) }), lead);
    await refused(PARTNER, sectionId, (t) => t.format(at(t, w), w.length, { [FORMAT_CHANGE]: change({}) }), lead);
    // An editor may not put a formatting suggestion in someone else's name either.
    const watcher = await open(PARTNER, sectionId);
    await refused(LEAD, sectionId, (t) => t.format(at(t, w), w.length, { bold: {}, [FORMAT_CHANGE]: change({}) }), watcher);
  });
});
