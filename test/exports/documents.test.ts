/**
 * The documents Overleg hands out, read back as a reader would: every format from one model, the
 * section's title once with the text's own headings ranked below it, status labels only on drafts,
 * and the document's own language whatever the language of whoever downloads it.
 */
import { eq } from "drizzle-orm";
import { unzipSync, strFromU8 } from "fflate";
import mammoth from "mammoth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { blocks, writeDocument, type BlockJSON } from "../../server/document";
import { exportAgenda } from "../../server/commands/agendaExport";
import { loadActor } from "../../server/services/access";
import { WS } from "../support/fixtures";
import { missing, officeConvert, officeText, pdfInfo, tool } from "../support/office";
import { outline, pdfStructure } from "../support/pdf-structure";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let workspaceId: string;
let sectionId: string;
let lead: Awaited<ReturnType<typeof loadActor>> & object;
const TITLE = "Centraal contactpunt";

const link = (text: string, href: string): BlockJSON => ({ type: "text", text, marks: [{ type: "link", attrs: { href } }] });
const cell = (type: "tableHeader" | "tableCell", text: string): BlockJSON => ({ type, content: [blocks.paragraph(text)] });

/** A text as people write it: its own title again, headings of two ranks, lists, a table, a link. */
export const RICH_TEXT: BlockJSON[] = [
  blocks.heading(2, TITLE),
  blocks.paragraph("Het contactpunt informeert investeerders."),
  blocks.heading(2, "Achtergrond"),
  { type: "paragraph", content: [{ type: "text", text: "Zie " }, link("de brief", "https://example.org/brief"), { type: "text", text: " van de minister." }] },
  blocks.heading(3, "Taken"),
  {
    type: "bulletList",
    content: [
      { type: "listItem", content: [blocks.paragraph("Vergunningen"), blocks.orderedList(["Aanvraag", "Besluit"])] },
      { type: "listItem", content: [blocks.paragraph("Financiering")] },
    ],
  },
  {
    type: "table",
    content: [
      { type: "tableRow", content: [cell("tableHeader", "Partij"), cell("tableHeader", "Rol")] },
      { type: "tableRow", content: [cell("tableCell", "EZ"), cell("tableCell", "Trekker")] },
    ],
  },
];

/** Replaces a section's text, live, as the server does. */
export async function setText(s: TestServer, id: string, content: BlockJSON[]): Promise<void> {
  await s.services.collab!.applyServerChange(id, (doc) => {
    const fragment = doc.getXmlFragment(FRAGMENT);
    fragment.delete(0, fragment.length);
    writeDocument(doc, content);
  });
}

const count = (text: string, part: string) => text.split(part).length - 1;
/** The non-empty lines of a text, trimmed. */
const lines = (text: string) => text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
const soffice = tool("soffice");
const pdfinfo = tool("pdfinfo");

beforeAll(async () => {
  server = await startTestServer({ remix: "build" });
  workspaceId = await server.workspaceId(WS.contactPoint);
  [sectionId] = await server.sectionIds(WS.contactPoint);
  const { db, t } = server.database;
  const [section] = await db.select({ title: t.sections.title }).from(t.sections).where(eq(t.sections.id, sectionId));
  expect(section.title).toBe(TITLE);
  await setText(server, sectionId, RICH_TEXT);
  lead = (await loadActor(server.database, await server.userId("lead@ez.example")))!;
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe("one document model for every format", () => {
  it("gives the section's title once and ranks the text's headings below it (Markdown)", async () => {
    const md = (await exportAgenda(server.services, { actor: lead, workspaceId, format: "md" })).body.toString("utf8");
    const body = md.slice(0, md.indexOf("## Bijlage"));
    expect(body).toMatch(/^# Centraal contactpunt$/m); // the document (this workspace)
    expect(body).toMatch(/^## Centraal contactpunt$/m); // the section
    expect(count(body, "Centraal contactpunt\n")).toBe(2);
    expect(body).toMatch(/^### Achtergrond$/m);
    expect(body).toMatch(/^#### Taken$/m);
    expect(body).toContain("[de brief](https://example.org/brief)");
    expect(body).toContain("| Partij | Rol |");
    // One draft marker, not "**CONCEPT**: CONCEPT:"; the section's status, as it is a draft.
    expect(count(md, "CONCEPT")).toBe(1);
    expect(md).toContain("**CONCEPT — Deze tekst is nog niet definitief vastgesteld.**");
    expect(body).toMatch(/^\*Concept\*$/m);

    // In the whole agenda the workspace is a heading of its own, and everything ranks one lower.
    const all = (await exportAgenda(server.services, { actor: lead, workspaceId: null, format: "md" })).body.toString("utf8");
    const part = all.slice(all.indexOf("## Centraal contactpunt"));
    expect(part).toMatch(/^## Centraal contactpunt\n\n.*\n\n### Centraal contactpunt\n\n\*Concept\*\n\nHet contactpunt/m);
    expect(part).toMatch(/^#### Achtergrond$/m);
    expect(part).toMatch(/^##### Taken$/m);
  });

  it("ranks the headings the same in HTML and DOCX (Word's heading styles)", async () => {
    const html = (await exportAgenda(server.services, { actor: lead, workspaceId, format: "html" })).body.toString("utf8");
    expect(html).toContain("<h1>Centraal contactpunt</h1>");
    expect(html).toContain("<h2>Centraal contactpunt</h2>");
    expect(count(html, ">Centraal contactpunt<")).toBe(2);
    expect(html).toMatch(/<h3>Achtergrond<\/h3>/);
    expect(html).toMatch(/<h4>Taken<\/h4>/);
    expect(html).toMatch(/<table[^>]*>.*<th[^>]*>.*Partij/s);

    const docx = (await exportAgenda(server.services, { actor: lead, workspaceId, format: "docx" })).body;
    const word = (await mammoth.convertToHtml({ buffer: docx })).value;
    expect(word).toContain("<h1>Centraal contactpunt</h1>"); // Heading 1, the section
    expect(word).toContain("<h2>Achtergrond</h2>");
    expect(word).toContain("<h3>Taken</h3>");
    expect(count(word.slice(0, word.indexOf("Bijlage")), "Centraal contactpunt</h")).toBe(1);
    expect(word).toMatch(/<table>.*Partij.*Trekker.*<\/table>/s);
    expect(word).toContain('<a href="https://example.org/brief">de brief</a>');
    expect(word).toMatch(/<ul><li>Vergunningen<ol><li>Aanvraag<\/li><li>Besluit<\/li><\/ol><\/li><li>Financiering<\/li><\/ul>/);
  });

  it("speaks the document's language, not the language of whoever downloads it", async () => {
    const { cookie } = await server.signIn("lead@ez.example");
    const res = await fetch(`${server.url}/agenda/export?format=html&workspace=${workspaceId}`, {
      headers: { cookie: `${cookie}; overleg_lang=en`, "accept-language": "en-GB,en" },
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="nl">');
    expect(html).toContain("Bijlage: goedkeuringen en vaststelling");
    expect(html).toContain("Gemaakt op");
    expect(html).not.toContain("Annex");
    expect(html).not.toContain("Generated on");
  });
});

describe("ODT (ODF 1.3)", () => {
  it("is a valid package LibreOffice opens, with the text, headings, lists, table and link of the model", async (ctx) => {
    const file = await exportAgenda(server.services, { actor: lead, workspaceId, format: "odt" });
    expect(file.contentType).toBe("application/vnd.oasis.opendocument.text");
    expect(file.filename).toMatch(/-concept\.odt$/);
    // The package: `mimetype` first, stored (not compressed), as ODF requires.
    expect(file.body.readUInt32LE(0)).toBe(0x04034b50);
    expect(file.body.readUInt16LE(8)).toBe(0);
    expect(file.body.subarray(30, 38).toString()).toBe("mimetype");
    expect(file.body.subarray(38, 38 + 39).toString()).toBe("application/vnd.oasis.opendocument.text");
    const parts = unzipSync(new Uint8Array(file.body));
    const content = strFromU8(parts["content.xml"]);
    const styles = strFromU8(parts["styles.xml"]);
    expect(content).toContain('office:version="1.3"');
    expect(content).toContain('<text:p text:style-name="Title">Centraal contactpunt</text:p>');
    expect(content).toContain('<text:h text:style-name="Heading_20_1" text:outline-level="1">Centraal contactpunt</text:h>');
    expect(content).toContain('<text:h text:style-name="Heading_20_2" text:outline-level="2">Achtergrond</text:h>');
    expect(content).toContain('<text:h text:style-name="Heading_20_3" text:outline-level="3">Taken</text:h>');
    expect(content).toContain('xlink:href="https://example.org/brief"');
    expect(content).toMatch(/<table:table-header-rows>.*Partij.*<\/table:table-header-rows>/);
    // Named styles, the page number in the footer, the document's language, the watermark on a draft.
    for (const style of ["Heading_20_1", "Title", "Text_20_body", "Internet_20_link", "L_bullet", "L_ordered", "Table_20_Heading"]) expect(styles).toContain(`style:name="${style}"`);
    expect(styles).toMatch(/<style:footer>.*<text:page-number/);
    expect(styles).toContain('fo:language="nl" fo:country="NL"');
    expect(styles).toMatch(/<style:header>.*<draw:custom-shape[^>]*>.*CONCEPT/);
    expect(strFromU8(parts["meta.xml"])).toContain("<dc:language>nl-NL</dc:language>");

    if (!soffice) return ctx.skip(missing("soffice", "libreoffice-writer-nogui"));
    // LibreOffice reads back the same text, in order: the section's title once, its status as a draft.
    const text = lines(await officeText(file.body, "odt"));
    const { db, t } = server.database;
    const [ws] = await db.select({ description: t.workspaces.description }).from(t.workspaces).where(eq(t.workspaces.id, workspaceId));
    const annex = text.indexOf("Bijlage: goedkeuringen en vaststelling");
    // The title is the workspace's; below it its agenda's title.
    const [agenda] = await db.select({ title: t.agendas.title }).from(t.agendas).innerJoin(t.workspaces, eq(t.workspaces.agendaId, t.agendas.id)).where(eq(t.workspaces.id, workspaceId));
    expect(text.slice(0, 2)).toEqual(["Centraal contactpunt", agenda.title]);
    expect(text[2]).toMatch(/^Gemaakt op \d+ december|^Gemaakt op /);
    expect(text.slice(3, annex)).toEqual([
      "CONCEPT — Deze tekst is nog niet definitief vastgesteld.",
      ws.description,
      "Centraal contactpunt",
      "Concept",
      "Het contactpunt informeert investeerders.",
      "Achtergrond",
      "Zie de brief van de minister.",
      "Taken",
      "• Vergunningen",
      "1. Aanvraag",
      "2. Besluit",
      "• Financiering",
      "Partij",
      "Rol",
      "EZ",
      "Trekker",
    ]);
    expect(text.slice(annex)).toContain("Centraal contactpunt: Centraal contactpunt");
    // … and its headings at their ranks, the list nested, the table's header row.
    const html = await officeConvert(file.body, "odt", "html");
    expect(html.match(/<h(\d)[^>]*>([^<]*)<\/h\d>/g)?.slice(0, 3).map((h) => h.replace(/<h(\d)[^>]*>([^<]*)<\/h\d>/, "$1 $2"))).toEqual(["1 Centraal contactpunt", "2 Achtergrond", "3 Taken"]);
    expect(html).toMatch(/<thead>.*Partij.*<\/thead>/s);
    expect(html).toContain('<a href="https://example.org/brief">de brief</a>');
  }, 120_000); // LibreOffice starts twice (the first start in a run makes its profile)
});

describe("PDF/A-2a, tagged", () => {
  it("declares PDF/A-2a, the language and title, and tags headings, lists, tables and links in reading order", async (ctx) => {
    const file = await exportAgenda(server.services, { actor: lead, workspaceId, format: "pdf" });
    const { db, t } = server.database;
    const [{ title: agendaTitle }] = await db.select({ title: t.agendas.title }).from(t.agendas).innerJoin(t.workspaces, eq(t.workspaces.agendaId, t.agendas.id)).where(eq(t.workspaces.id, workspaceId));
    // The structure tree as a screen reader walks it, page by page.
    const pages = await pdfStructure(file.body);
    const lines = pages.flatMap((page) => outline(page.children));
    const body = lines.slice(0, lines.findIndex((l) => l.includes("Bijlage")));
    expect(body.map((l) => l.trim())).toEqual([
      "Document",
      "H1: Centraal contactpunt",
      `P: ${agendaTitle}`,
      expect.stringMatching(/^P: Gemaakt op /),
      "P: CONCEPT — Deze tekst is nog niet definitief vastgesteld.",
      "Document",
      "Sect",
      expect.stringMatching(/^P: Korte termijn/),
      "Sect",
      "H2: Centraal contactpunt",
      "P: Concept",
      "P: Het contactpunt informeert investeerders.",
      "H3: Achtergrond",
      "P: Zie van de minister.",
      "Link: de brief",
      "H4: Taken",
      "L",
      "LI",
      "Lbl: •",
      "LBody",
      "P: Vergunningen",
      "L",
      "LI",
      "Lbl: 1.",
      "LBody",
      "P: Aanvraag",
      "LI",
      "Lbl: 2.",
      "LBody",
      "P: Besluit",
      "LI",
      "Lbl: •",
      "LBody",
      "P: Financiering",
      "Table",
      "TR",
      "TH: Partij",
      "TH: Rol",
      "TR",
      "TD: EZ",
      "TD: Trekker",
      "Document",
      "Sect",
    ]);
    // The link element holds its link annotation.
    expect(JSON.stringify(pages)).toMatch(/"role":"Link","children":\["de brief","\[annotation\]"\]/);
    // The section's title once: in the annex only as "workspace: section".
    expect(lines.filter((l) => l.trim() === "H2: Centraal contactpunt")).toHaveLength(1);

    if (!pdfinfo) return ctx.skip(missing("pdfinfo", "poppler-utils"));
    const info = await pdfInfo(file.body);
    expect(info.Tagged).toBe("yes");
    expect(info.Title).toBe("Centraal contactpunt");
    expect(info["PDF version"]).toBe("1.7");
    expect(info.metadata).toMatch(/<pdfaid:part>2<\/pdfaid:part>\s*<pdfaid:conformance>A<\/pdfaid:conformance>/);
    expect(info.metadata).toContain('<rdf:li xml:lang="x-default">Centraal contactpunt</rdf:li>');
    // The language, the embedded fonts (no standard font), the title shown instead of the file name.
    const raw = file.body.toString("latin1");
    expect(raw).toContain("/Lang (nl-NL)");
    expect(raw).toMatch(/\/DisplayDocTitle true/);
    expect(raw).toContain("/OutputIntents");
    expect(raw).not.toContain("/Helvetica");
  }, 60_000);
});
