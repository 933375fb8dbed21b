/**
 * A section stored with content outside the editor's schema (before the collab server checked
 * updates) is repaired when its room loads: its text as it was is kept as a version, the parts outside
 * the schema become plain paragraphs holding their text, and every client syncs a text the browser
 * editor (y-prosemirror) can open. The repair is made once, also when two nodes load the section at once.
 */
import { yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import { and, eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { REPAIR_VERSION_NAME, UpdateStore } from "../../server/collab/store";
import { documentProblem, documentSchema } from "../../server/document-schema";
import { createLogger } from "../../server/log";
import { listVersionsUnchecked, loadVersionUnchecked } from "../../server/views/versions";
import { startTestServer, type TestServer } from "../support/server";
import { SHARED_REDIS_URL, skipReason } from "../scale/support";
import { appendParagraph, connectProvider, hasAll, synced, type ProviderClient } from "./helpers";

const text = (value: string) => {
  const t = new Y.XmlText();
  t.insert(0, value);
  return t;
};
const element = (name: string, children: (Y.XmlElement | Y.XmlText)[] = []) => {
  const el = new Y.XmlElement(name);
  el.insert(0, children);
  return el;
};

/** As an old database could hold it: a valid paragraph, text at the top level, a plain string, an unknown element, characters. */
function brokenUpdate(): Uint8Array {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment(FRAGMENT);
  fragment.insert(0, [element("paragraph", [text("Blijft staan.")]), text("Tekst zonder alinea.")]);
  (fragment as unknown as Y.Array<unknown>).insert(2, ["Een losse tekenreeks."]);
  fragment.insert(3, [element("script", [text("Onbekend blok.")])]);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}
const BROKEN_TEXTS = ["Blijft staan.", "Tekst zonder alinea.", "Een losse tekenreeks.", "Onbekend blok.", "Tekens op het hoogste niveau."];

/** The text as the browser editor reads it (y-prosemirror, the editor's schema), checked by ProseMirror; on a copy (the reader deletes what it cannot read). */
function editorText(doc: Y.Doc): string {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  try {
    const node = yXmlFragmentToProseMirrorRootNode(copy.getXmlFragment(FRAGMENT), documentSchema());
    node.check();
    const lines: string[] = [];
    node.forEach((block) => lines.push(block.textContent));
    return lines.join("\n");
  } finally {
    copy.destroy();
  }
}

/** Characters at the top level: the fragment's name used as a Y.Text by another client. */
function charactersUpdate(): Uint8Array {
  const doc = new Y.Doc();
  doc.getText(FRAGMENT).insert(0, "Tekens op het hoogste niveau.");
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

async function storeBroken(server: TestServer, sectionId: string): Promise<void> {
  await new UpdateStore(server.database, createLogger("silent")).append(sectionId, [brokenUpdate(), charactersUpdate()]);
}

async function auditRows(server: TestServer, sectionId: string) {
  const { db, t } = server.database;
  return db.select().from(t.auditEvents).where(and(eq(t.auditEvents.subjectId, sectionId), eq(t.auditEvents.action, "section.repaired")));
}

const occurrences = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe("a section stored outside the schema, on one node", () => {
  let server: TestServer;
  const clients: ProviderClient[] = [];
  const cookies = new Map<string, string>();
  const provider = (email: string, sectionId: string) => {
    const c = connectProvider(server.url, sectionId, { cookie: cookies.get(email)! });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    ensureBuild();
    server = await startTestServer({ remix: "build", env: { LOG_LEVEL: "warn" } });
    for (const email of ["lead@ez.example", "drafter@kgg.example"]) cookies.set(email, (await server.signIn(email)).cookie);
  }, 300_000);
  afterEach(() => {
    vi.restoreAllMocks();
    for (const c of clients.splice(0)) c.destroy();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("is repaired when its room loads: clients get a text the editor can open, with every word kept, and the old text is a version", async () => {
    const [sectionId] = await server.sectionIds("Toegang tot financiering");
    await storeBroken(server, sectionId);
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void lines.push(String(line)));

    const client = provider("drafter@kgg.example", sectionId);
    await synced(client);
    await hasAll(client.doc, BROKEN_TEXTS, "the repaired text");
    expect(documentProblem(client.doc)).toBeNull();
    const read = editorText(client.doc);
    for (const words of BROKEN_TEXTS) expect(occurrences(read, words), words).toBe(1);
    expect(client.doc.getXmlFragment(FRAGMENT).toArray().every((c) => c instanceof Y.XmlElement && c.nodeName !== "script")).toBe(true);

    // The text as it was is a version (nothing is lost), with the parts outside the schema in it.
    const versions = (await listVersionsUnchecked(server.database, sectionId)).filter((v) => v.name === REPAIR_VERSION_NAME);
    expect(versions).toHaveLength(1);
    const before = await loadVersionUnchecked(server.database, sectionId, versions[0].id);
    const old = before.doc.getXmlFragment(FRAGMENT).toArray();
    before.doc.destroy();
    expect(old.some((c) => c instanceof Y.XmlText && c.toString() === "Tekst zonder alinea.")).toBe(true);
    expect(old.some((c) => c instanceof Y.XmlElement && c.nodeName === "script")).toBe(true);
    // Logged with the section and what was repaired, and audited.
    const warning = lines.find((l) => l.includes("repaired") && l.includes(sectionId));
    expect(warning).toBeDefined();
    expect(warning).toContain("script");
    expect(await auditRows(server, sectionId)).toHaveLength(1);

    // The repair is stored: the section as stored is inside the schema, and it is not repaired again.
    const again = await new UpdateStore(server.database, createLogger("silent")).repairOutsideSchema(sectionId);
    expect(again.repair).toBeNull();
    // A second client, and editing after the repair, work as usual.
    appendParagraph(client.doc, "Na het herstel.");
    const other = provider("lead@ez.example", sectionId);
    await synced(other);
    await hasAll(other.doc, [...BROKEN_TEXTS, "Na het herstel."], "the edit after the repair");
    for (const words of BROKEN_TEXTS) expect(occurrences(editorText(other.doc), words), words).toBe(1);
    expect(client.closes).toEqual([]);
  });

  it("leaves a final section's text as it was signed off", async () => {
    const [, sectionId] = await server.sectionIds("Toegang tot financiering");
    await storeBroken(server, sectionId);
    const { db, t } = server.database;
    await db.update(t.sections).set({ status: "final" }).where(eq(t.sections.id, sectionId));
    vi.spyOn(console, "error").mockImplementation(() => {});
    const client = provider("lead@ez.example", sectionId);
    await synced(client);
    expect(documentProblem(client.doc)).not.toBeNull();
    expect((await listVersionsUnchecked(server.database, sectionId)).filter((v) => v.name === REPAIR_VERSION_NAME)).toEqual([]);
    expect(await auditRows(server, sectionId)).toHaveLength(0);
  });
});

const reason = await skipReason();

describe.skipIf(reason !== null)(`a section stored outside the schema, loaded by two nodes at once${reason ? ` (${reason})` : ""}`, () => {
  let a: TestServer;
  let b: TestServer;
  const clients: ProviderClient[] = [];

  beforeAll(async () => {
    a = await startTestServer({ env: { REDIS_URL: SHARED_REDIS_URL, LOG_LEVEL: "error" } });
    b = await startTestServer({ env: { REDIS_URL: SHARED_REDIS_URL, LOG_LEVEL: "error" }, databaseUrl: a.env.DATABASE_URL });
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await b?.stop();
    await a?.stop();
  });

  it("is repaired once: both nodes' clients get the same text, each word once, and one version", async () => {
    const [sectionId] = await a.sectionIds("Infrastructuur en ruimte");
    await storeBroken(a, sectionId);
    const cookie = (await a.signIn("lead@ez.example")).cookie;
    const onA = connectProvider(a.url, sectionId, { cookie });
    const onB = connectProvider(b.url, sectionId, { cookie });
    clients.push(onA, onB);
    await Promise.all([synced(onA), synced(onB)]);
    await Promise.all([hasAll(onA.doc, BROKEN_TEXTS, "the repaired text on node a"), hasAll(onB.doc, BROKEN_TEXTS, "the repaired text on node b")]);
    for (const client of [onA, onB]) {
      expect(documentProblem(client.doc)).toBeNull();
      const read = editorText(client.doc);
      for (const words of BROKEN_TEXTS) expect(occurrences(read, words), words).toBe(1);
    }
    expect(editorText(onA.doc)).toBe(editorText(onB.doc));
    expect((await listVersionsUnchecked(a.database, sectionId)).filter((v) => v.name === REPAIR_VERSION_NAME)).toHaveLength(1);
    expect(await auditRows(a, sectionId)).toHaveLength(1);
  });
});
