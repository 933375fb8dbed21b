/**
 * A section's text stays inside the editor's schema: an editor whose client puts something else in
 * it (text at the top level, unknown nodes or marks, wrong attributes, absurd nesting) is refused and
 * closed, nothing of it is stored or sent, and the section's pages, API and exports keep answering.
 * A text that already holds such content (stored before the check existed) is rendered with a
 * placeholder for that part, everywhere, and stays editable.
 */
import { updateYFragment } from "@tiptap/y-tiptap";
import { eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CloseCode } from "../../app/shared/collab";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { documentSchema, toProseMirror, UNRENDERABLE_TEXT } from "../../server/document";
import { UpdateStore } from "../../server/collab/store";
import { createLogger } from "../../server/log";
import { loadStoredDoc } from "../../server/services/section-text";
import { startTestServer, type TestServer } from "../support/server";
import { appendParagraph, hasAll, msg, paragraphUpdate, poll, sessionClients, synced, textOf } from "./helpers";

let server: TestServer;
const { cookies, raw, provider, loggedRows, closeAll } = sessionClients(() => server);
let sections: string[];

/** The four ways a person reads a section: the API, its page, its review page, the Markdown export. */
async function readers(sectionId: string): Promise<{ path: string; status: number; body: string }[]> {
  const [agenda] = await server.database.db.select({ id: server.database.t.agendas.id }).from(server.database.t.agendas).limit(1);
  const paths = [`/api/v1/sections/${sectionId}`, `/s/${sectionId}`, `/s/${sectionId}/review`, `/a/${agenda.id}/export?format=md`];
  return Promise.all(
    paths.map(async (path) => {
      const res = await fetch(`${server.url}${path}`, { headers: { cookie: cookies.get("lead@ez.example")!, "accept-language": "nl" }, redirect: "manual" });
      return { path, status: res.status, body: await res.text() };
    }),
  );
}

/** An update made in a fresh document by `write` (it needs nothing of the section's state). */
function crafted(write: (fragment: Y.XmlFragment, doc: Y.Doc) => void, asFragment = true): Uint8Array {
  const doc = new Y.Doc();
  write(asFragment ? doc.getXmlFragment(FRAGMENT) : (null as unknown as Y.XmlFragment), doc);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

const element = (name: string, children: (Y.XmlElement | Y.XmlText)[] = [], attrs: Record<string, unknown> = {}) => {
  const el = new Y.XmlElement(name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v as string);
  el.insert(0, children);
  return el;
};
const text = (value: string, attributes?: Record<string, unknown>) => {
  const t = new Y.XmlText();
  t.insert(0, value, attributes);
  return t;
};
const nested = (depth: number): Y.XmlElement => (depth === 0 ? element("paragraph", [text("diep")]) : element("blockquote", [nested(depth - 1)]));

/** Updates that would leave a text outside the schema, each as an editor's client could send it. */
const outsideTheSchema: [string, Uint8Array][] = [
  ["text at the top level", crafted((f) => f.insert(0, [text("x")]))],
  ["a plain value at the top level", crafted((f) => (f as unknown as Y.Array<unknown>).insert(0, ["x"]))],
  ["characters at the top level", crafted((_f, d) => d.getText(FRAGMENT).insert(0, "abc"), false)],
  ["an unknown node", crafted((f) => f.insert(0, [element("script", [text("alert(1)")])]))],
  ["an unknown mark", crafted((f) => f.insert(0, [element("paragraph", [text("x", { evil: {} })])]))],
  ["a mark its node does not allow", crafted((f) => f.insert(0, [element("codeBlock", [text("x", { bold: {} })])]))],
  ["a mark whose attributes are not an object", crafted((f) => f.insert(0, [element("paragraph", [text("x", { link: "javascript:1" })])]))],
  ["a heading level out of range", crafted((f) => f.insert(0, [element("heading", [text("x")], { level: 1e9 })]))],
  ["an attribute of the wrong type", crafted((f) => f.insert(0, [element("orderedList", [element("listItem", [element("paragraph")])], { start: { a: 1 } })]))],
  ["a block inside a paragraph", crafted((f) => f.insert(0, [element("paragraph", [element("paragraph", [text("x")])])]))],
  ["text directly inside a list", crafted((f) => f.insert(0, [element("bulletList", [text("x")])]))],
  ["a list item at the top level", crafted((f) => f.insert(0, [element("listItem", [element("paragraph", [text("x")])])]))],
  ["nesting 200 deep", crafted((f) => f.insert(0, [nested(200)]))],
  ["a map inside a paragraph", crafted((f) => f.insert(0, [element("paragraph", [new Y.Map() as unknown as Y.XmlText])]))],
  ["an embed inside text", crafted((f) => {
    const t = new Y.XmlText();
    f.insert(0, [element("paragraph", [t])]);
    t.insertEmbed(0, { image: "x" });
  })],
  ["an element with the document's own name", crafted((f) => f.insert(0, [element("doc", [element("paragraph", [text("x")])])]))],
];

beforeAll(async () => {
  ensureBuild();
  server = await startTestServer({ remix: "build", env: { LOG_LEVEL: "warn" } });
  for (const email of ["lead@ez.example", "drafter@kgg.example"]) cookies.set(email, (await server.signIn(email)).cookie);
  sections = [...(await server.sectionIds("Toegang tot financiering")), ...(await server.sectionIds("Infrastructuur en ruimte"))];
}, 300_000);
afterEach(() => {
  vi.restoreAllMocks();
  closeAll();
});
afterAll(async () => {
  await server?.stop();
});

describe("the editor's schema on the collab server", () => {
  it("refuses text inserted at the top level by the stock provider: nothing stored or sent, every reader still answers", async () => {
    const sectionId = sections[0];
    const rows = await loggedRows(sectionId);
    const reader = provider("lead@ez.example", sectionId);
    const attacker = provider("drafter@kgg.example", sectionId);
    await Promise.all([synced(reader), synced(attacker)]);
    const received: Uint8Array[] = [];
    reader.doc.on("update", (u: Uint8Array) => received.push(u));

    const fragment = attacker.doc.getXmlFragment(FRAGMENT);
    fragment.insert(fragment.length, [new Y.XmlText("x")]);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the attacker was not closed")), 5000);
      attacker.provider.on("connection-close", function closed() {
        clearTimeout(timer);
        attacker.provider.off("connection-close", closed);
        resolve();
      });
    });
    expect(attacker.closes[0]).toBe(CloseCode.Malformed);
    attacker.destroy();

    // An honest edit after it reaches the reader: anything sent before it has arrived too.
    const honest = provider("lead@ez.example", sectionId);
    await synced(honest);
    appendParagraph(honest.doc, "Na de weigering.");
    await hasAll(reader.doc, ["Na de weigering."], "the honest edit to arrive");
    expect(reader.doc.getXmlFragment(FRAGMENT).toArray().every((c) => c instanceof Y.XmlElement)).toBe(true);
    // Nothing the reader was sent put text at the top level.
    const replay = new Y.Doc();
    for (const u of received) Y.applyUpdate(replay, u);
    expect(replay.getXmlFragment(FRAGMENT).toArray().filter((c) => !(c instanceof Y.XmlElement))).toEqual([]);
    expect(await loggedRows(sectionId)).toBe(rows + 1);

    for (const r of await readers(sectionId)) expect(r.status, r.path).toBe(200);
    const stored = await loadStoredDoc(server.database, sectionId);
    expect(stored.getXmlFragment(FRAGMENT).toArray().every((c) => c instanceof Y.XmlElement)).toBe(true);
  });

  it("refuses every kind of content outside the schema, logs who sent it, and keeps the room working", async () => {
    const sectionId = sections[1];
    const rows = await loggedRows(sectionId);
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void lines.push(String(line)));
    for (const [what, update] of outsideTheSchema) {
      const client = await raw("drafter@kgg.example", sectionId);
      await client.next("sync-step-1", "the connection to be open");
      const logged = lines.length;
      client.send(msg.update(update));
      expect((await client.closed(`the sender of ${what} to be closed`)).code, what).toBe(CloseCode.Malformed);
      const mine = lines.slice(logged).filter((l) => l.includes("outside the editor's schema"));
      expect(mine, what).toHaveLength(1);
      expect(mine[0]).toContain("drafter@kgg.example");
      expect(mine[0]).toContain(sectionId);
    }
    expect(await loggedRows(sectionId)).toBe(rows);
    // A valid update from a fresh client is taken as before.
    const client = await raw("drafter@kgg.example", sectionId);
    await client.next("sync-step-1", "the connection to be open");
    client.send(msg.update(paragraphUpdate(null, "Een gewone alinea.")));
    await client.roundTrip();
    expect(client.close).toBeNull();
    const a = provider("lead@ez.example", sectionId);
    await synced(a);
    await hasAll(a.doc, ["Een gewone alinea."], "the valid update");
    expect(await loggedRows(sectionId)).toBe(rows + 1);
    for (const r of await readers(sectionId)) expect(r.status, r.path).toBe(200);
  });

  it("takes every structure the editor makes, step by step, as y-prosemirror writes it", async () => {
    const sectionId = sections[5];
    const a = provider("drafter@kgg.example", sectionId);
    const b = provider("lead@ez.example", sectionId);
    await Promise.all([synced(a), synced(b)]);
    const t = (text: string, marks: { type: string; attrs?: Record<string, unknown> }[] = []) => ({ type: "text", text, marks });
    const p = (...content: unknown[]) => ({ type: "paragraph", content });
    const li = (...content: unknown[]) => ({ type: "listItem", content });
    const cell = (type: string, text: string) => ({ type, content: [p(t(text))] });
    const steps: unknown[][] = [
      [p(t("Een"))],
      [{ type: "heading", attrs: { level: 2 }, content: [t("Een")] }, p(t("Twee "), t("vet", [{ type: "bold" }]), { type: "hardBreak" }, t("link", [{ type: "link", attrs: { href: "https://example.org" } }]))],
      [{ type: "heading", attrs: { level: 2 }, content: [t("Een")] }, { type: "bulletList", content: [li(p(t("Twee"))), li(p(t("Drie")), { type: "orderedList", attrs: { start: 3 }, content: [li(p(t("Vier")))] })] }],
      [{ type: "blockquote", content: [p(t("Een"))] }, { type: "bulletList", content: [li(p(t("Twee Drie")))] }, { type: "codeBlock", attrs: { language: "ts" }, content: [t("const x = 1;")] }, { type: "horizontalRule" }],
      [{ type: "table", content: [{ type: "tableRow", content: [cell("tableHeader", "Kop"), cell("tableHeader", "Kop 2")] }, { type: "tableRow", content: [cell("tableCell", "a"), { type: "tableCell", attrs: { colspan: 1, rowspan: 1, colwidth: [120] }, content: [p(t("b", [{ type: "italic" }, { type: "strike" }]))] }] }] }, p(t("Slot"))],
      [p(t("Alles weg, op één alinea na."))],
    ];
    const meta = { mapping: new Map(), isOMark: new Map() };
    for (const [i, content] of steps.entries()) {
      const node = documentSchema().nodeFromJSON({ type: "doc", content });
      node.check();
      // The other editor types at the same moment (neither has the other's change yet).
      appendParagraph(b.doc, `Tegelijk ${i}.`);
      updateYFragment(a.doc, a.doc.getXmlFragment(FRAGMENT), node, meta);
      const same = () => toProseMirror(a.doc).textContent === toProseMirror(b.doc).textContent && textOf(b.doc).includes(`Tegelijk ${i}.`) && textOf(a.doc).includes(`Tegelijk ${i}.`);
      await poll(same, `step ${i} and the other editor's typing to reach both`);
    }
    expect(a.closes).toEqual([]);
    expect(b.closes).toEqual([]);
    const stored = await loadStoredDoc(server.database, sectionId);
    expect(toProseMirror(stored).textContent).toBe(toProseMirror(a.doc).textContent);
  });

  it("takes an update whose parts only make sense together, and refuses one that depends on a refused one", async () => {
    const sectionId = sections[2];
    const rows = await loggedRows(sectionId);
    const author = new Y.Doc();
    const fragment = author.getXmlFragment(FRAGMENT);
    const updates: Uint8Array[] = [];
    author.on("update", (u: Uint8Array) => updates.push(u));
    // A list built in steps, each step valid on its own, in one message each.
    const list = new Y.XmlElement("bulletList");
    fragment.insert(0, [list]);
    const item = new Y.XmlElement("listItem");
    list.insert(0, [item]);
    const p = new Y.XmlElement("paragraph");
    item.insert(0, [p]);
    p.insert(0, [new Y.XmlText("Stap voor stap.")]);
    const client = await raw("drafter@kgg.example", sectionId);
    await client.next("sync-step-1", "the connection to be open");
    const built = updates.length;
    for (const u of updates) client.send(msg.update(u));
    await client.roundTrip();
    expect(client.close).toBeNull();
    await server.collab.flush();
    expect(await loggedRows(sectionId)).toBe(rows + built);
    // Text put straight into the list is refused, and so is everything built on it after.
    updates.length = 0;
    const stray = new Y.XmlText("los");
    list.insert(1, [stray]);
    stray.insert(3, " en meer");
    for (const u of updates) client.send(msg.update(u));
    expect((await client.closed("the sender to be closed")).code).toBe(CloseCode.Malformed);
    await server.collab.flush();
    const stored = await loadStoredDoc(server.database, sectionId);
    expect(textOf(stored)).toContain("Stap voor stap.");
    expect(textOf(stored)).not.toContain("los");
    expect(await loggedRows(sectionId)).toBe(rows + built);
  });

  it("renders a text stored with content outside the schema (before the check) with a placeholder, and keeps it editable", async () => {
    const sectionId = sections[3];
    // As an old database could hold it: written straight into the update log, past the collab server.
    const bad = crafted((f) => {
      f.insert(0, [text("x"), element("script", [text("weg")]), element("paragraph", [text("Blijft zichtbaar.")])]);
    });
    await new UpdateStore(server.database, createLogger("silent")).append(sectionId, [bad]);
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void lines.push(String(line)));
    for (const r of await readers(sectionId)) {
      expect(r.status, r.path).toBe(200);
      expect(r.body, r.path).toContain("Blijft zichtbaar.");
      expect(r.body, r.path).toContain(UNRENDERABLE_TEXT);
    }
    expect(lines.some((l) => l.includes("could not be rendered") && l.includes(sectionId))).toBe(true);
    // The other exports of its workspace show the placeholder too.
    const { db, t } = server.database;
    const [section] = await db.select({ workspaceId: t.sections.workspaceId }).from(t.sections).where(eq(t.sections.id, sectionId));
    const exportOf = async (format: string) => {
      const res = await fetch(`${server.url}/agenda/export?format=${format}&workspace=${section.workspaceId}`, { headers: { cookie: cookies.get("lead@ez.example")! } });
      expect(res.status, format).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    };
    expect((await exportOf("html")).toString()).toContain(UNRENDERABLE_TEXT);
    expect((await (await import("mammoth")).default.extractRawText({ buffer: await exportOf("docx") })).value).toContain(UNRENDERABLE_TEXT);
    const { PDFParse } = await import("pdf-parse");
    const parser = new PDFParse({ data: new Uint8Array(await exportOf("pdf")) });
    const pdf = (await parser.getText()).text.replace(/\s+/g, " ");
    await parser.destroy();
    expect(pdf).toContain("This part could not be shown.");
    // The rest of the section is still edited as usual.
    const a = provider("lead@ez.example", sectionId);
    await synced(a);
    appendParagraph(a.doc, "Daarna bewerkt.");
    const b = provider("drafter@kgg.example", sectionId);
    await synced(b);
    await hasAll(b.doc, ["Daarna bewerkt."], "the edit after the stored garbage");
    expect(a.closes).toEqual([]);
  });
});

describe("links in every output", () => {
  it("keeps only http(s) and mailto links: the API, the page, and the md, html, docx and pdf exports", async () => {
    const sectionId = sections[4];
    await server.services.collab!.applyServerChange(sectionId, (doc) => {
      const t = new Y.XmlText();
      t.insert(0, "boos1 boos2 boos3 boos4 goed mail", {});
      t.format(0, 5, { link: { href: "javascript:alert(1)" } });
      t.format(6, 5, { link: { href: "  JaVa\tScRiPt:alert(2)" } });
      t.format(12, 5, { link: { href: "data:text/html,<script>alert(3)</script>" } });
      t.format(18, 5, { link: { href: "vbscript:msgbox(4)" } });
      t.format(24, 4, { link: { href: "https://example.org/a(b)" } });
      t.format(29, 4, { link: { href: "mailto:info@example.org" } });
      doc.getXmlFragment(FRAGMENT).push([element("paragraph", [t])]);
    });
    const { db, t } = server.database;
    const [section] = await db.select({ workspaceId: t.sections.workspaceId }).from(t.sections).where(eq(t.sections.id, sectionId));
    const get = async (path: string) => {
      const res = await fetch(`${server.url}${path}`, { headers: { cookie: cookies.get("lead@ez.example")! } });
      expect(res.status, path).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    };
    // Browsers skip spaces and control characters in a scheme: so does the check.
    // eslint-disable-next-line no-control-regex
    const unsafe = (body: string) => /javascript:|vbscript:|data:text/i.test(body.replace(/[\u0000-\u0020]/g, ""));
    const api = JSON.parse((await get(`/api/v1/sections/${sectionId}`)).toString()) as { markdown: string };
    const exportOf = (format: string) => get(`/agenda/export?format=${format}&workspace=${section.workspaceId}`);
    const outputs: [string, string][] = [
      ["api", api.markdown],
      ["page", (await get(`/s/${sectionId}`)).toString()],
      ["md", (await exportOf("md")).toString()],
      ["html", (await exportOf("html")).toString()],
      ["docx", (await (await import("mammoth")).default.convertToHtml({ buffer: await exportOf("docx") })).value],
      ["pdf", (await exportOf("pdf")).toString("latin1")],
    ];
    for (const [format, body] of outputs) {
      expect(unsafe(body), format).toBe(false);
      if (format !== "pdf") {
        expect(body, format).toContain("boos1");
        expect(body, format).toMatch(/example\.org\/a(%28|\\\(|\()b/);
        expect(body, format).toContain("mailto:info@example.org");
      }
    }
    // The text of a neutralised link stays, as plain text.
    expect(api.markdown).toContain("boos1 boos2 boos3 boos4 [goed](https://example.org/a%28b%29) [mail](mailto:info@example.org)");
  });
});
