/**
 * Reading files to import into a section (ADR 030), without a server: what Overleg exports (DOCX,
 * ODT, Markdown of the demo texts) comes back with the same headings, paragraphs, lists and tables;
 * files LibreOffice makes come in with their formatting and links; bad files (too large, a zip bomb,
 * encrypted, not what their name says, entity declarations) are refused with a clear error; and no
 * sequence of bytes makes the reader throw anything else.
 */
import fc from "fast-check";
import { deflateSync, strToU8, zipSync } from "fflate";
import type { Node as PMNode } from "@tiptap/pm/model";
import { describe, expect, it } from "vitest";
import { ImportLimits } from "../../app/shared/imports";
import { blocks, documentSchema, type BlockJSON } from "../../server/document";
import { agendaDocx } from "../../server/services/exports/docx";
import { agendaMarkdown } from "../../server/services/exports/markdown";
import { sectionText, type Agenda, type AgendaSection } from "../../server/services/exports/model";
import { agendaOdt } from "../../server/services/exports/odt";
import { ImportRefused, readImport } from "../../server/services/imports/index";
import { readZip } from "../../server/services/imports/zip";
import { workspaces } from "../../server/seed/content";
import { missing, officeMake, tool } from "../support/office";

const link = (text: string, href: string): BlockJSON => ({ type: "text", text, marks: [{ type: "link", attrs: { href } }] });
const cell = (type: "tableHeader" | "tableCell", text: string): BlockJSON => ({ type, content: [blocks.paragraph(text)] });

/** A text with every kind of block the import keeps. */
const RICH: BlockJSON[] = [
  { type: "paragraph", content: [{ type: "text", text: "Het " }, { type: "text", text: "contactpunt", marks: [{ type: "bold" }] }, { type: "text", text: " informeert " }, { type: "text", text: "investeerders", marks: [{ type: "italic" }] }, { type: "text", text: "." }] },
  blocks.heading(2, "Achtergrond"),
  { type: "paragraph", content: [{ type: "text", text: "Zie " }, link("de brief", "https://example.org/brief"), { type: "text", text: " van de minister." }] },
  blocks.heading(3, "Taken"),
  { type: "bulletList", content: [{ type: "listItem", content: [blocks.paragraph("Vergunningen"), blocks.orderedList(["Aanvraag", "Besluit"])] }, { type: "listItem", content: [blocks.paragraph("Financiering")] }] },
  { type: "table", content: [{ type: "tableRow", content: [cell("tableHeader", "Partij"), cell("tableHeader", "Rol")] }, { type: "tableRow", content: [cell("tableCell", "EZ"), cell("tableCell", "Trekker")] }] },
];

/** The demo texts and the rich one, as sections of one workspace. */
const SECTIONS = [...workspaces.flatMap((w) => w.sections), { title: "Rijke tekst", content: RICH }];

function agendaOf(sections: { title: string; content: BlockJSON[] }[]): Agenda {
  const schema = documentSchema();
  const built: AgendaSection[] = sections.map((s, i) => {
    const node = schema.nodeFromJSON({ type: "doc", content: s.content });
    return { id: `s${i}`, title: s.title, status: "draft", statusLabel: "Concept", contentHash: "h", level: 2, ...sectionText(node, { sectionId: `s${i}`, title: s.title, level: 2 }), decisions: [], signoffs: [] };
  });
  return { title: "Agenda", subtitle: "Overleg", generatedAt: new Date(), draft: true, language: "nl", workspaces: [{ id: "w", title: "Werkruimte", description: "", heading: false, sections: built }] };
}

/** A text's structure as lines: headings and paragraphs by their text, lists and tables by their nesting. */
function shape(node: PMNode): string[] {
  const out: string[] = [];
  const walk = (n: PMNode, depth: number) => {
    const pad = "  ".repeat(depth);
    switch (n.type.name) {
      case "heading":
        out.push(`${pad}heading ${n.textContent}`);
        return;
      case "paragraph":
        out.push(`${pad}p ${n.textContent}`);
        return;
      case "bulletList":
      case "orderedList":
      case "listItem":
      case "table":
      case "tableRow":
      case "blockquote":
        out.push(`${pad}${n.type.name}`);
        n.forEach((c) => walk(c, depth + 1));
        return;
      case "tableCell":
      case "tableHeader":
        out.push(`${pad}cell ${n.textContent}`);
        return;
      default:
        out.push(`${pad}${n.type.name} ${n.textContent}`);
    }
  };
  node.forEach((c) => walk(c, 0));
  return out;
}

/** Whether `part` occurs in `whole` as one run of consecutive lines. */
function containsRun(whole: string[], part: string[]): boolean {
  for (let i = 0; i + part.length <= whole.length; i++) if (part.every((line, j) => whole[i + j] === line)) return true;
  return false;
}

/** Every mark in the text with the text it covers: "bold:contactpunt", "link:https://…:de brief". */
function marks(node: PMNode): string[] {
  const out: string[] = [];
  node.descendants((n) => {
    if (n.isText) for (const m of n.marks) out.push(m.type.name === "link" ? `link:${m.attrs.href}:${n.text}` : `${m.type.name}:${n.text}`);
  });
  return out;
}

async function refusal(data: Uint8Array, name: string): Promise<string> {
  try {
    await readImport(data, name);
  } catch (error) {
    if (error instanceof ImportRefused) return error.code;
    throw error;
  }
  return "accepted";
}

const schema = documentSchema();

describe("round trip: Overleg's own exports come back as the same text", () => {
  const agenda = agendaOf(SECTIONS);
  const formats: [string, () => Promise<Buffer>][] = [
    ["export.docx", () => agendaDocx(agenda)],
    ["export.odt", async () => agendaOdt(agenda)],
    ["export.md", async () => Buffer.from(agendaMarkdown(agenda))],
  ];
  it.each(formats)("%s: every section's headings, paragraphs, lists and tables, in order", async (name, make) => {
    const { doc, format } = await readImport(new Uint8Array(await make()), name);
    expect(format).toBe(name.split(".")[1]);
    const imported = shape(doc);
    for (const s of SECTIONS) {
      const original = shape(schema.nodeFromJSON({ type: "doc", content: s.content }));
      expect(containsRun(imported, original), `${s.title} in ${name}`).toBe(true);
      expect(imported).toContain(`heading ${s.title}`);
    }
    // Bold, italic and the link survive.
    expect(marks(doc)).toEqual(expect.arrayContaining(["bold:contactpunt", "italic:investeerders", "link:https://example.org/brief:de brief"]));
    // The document's highest heading is level 2 (the section's title is level 1), none above.
    const levels: number[] = [];
    doc.descendants((n) => void (n.type.name === "heading" && levels.push(n.attrs.level as number)));
    expect(Math.min(...levels)).toBe(2);
    doc.check();
  });

  it("keeps a list's start number and turns raw HTML and unsafe links in Markdown into plain text", async () => {
    const md = "# Titel\n\n3. drie\n4. vier\n\n<script>alert(1)</script>\n\n[klik](javascript:alert(1)) en [goed](https://example.org)\n";
    const { doc, firstHeading } = await readImport(strToU8(md), "brief.md");
    expect(firstHeading).toBe("Titel");
    const json = JSON.stringify(doc.toJSON());
    expect(json).toContain('"start":3');
    expect(doc.textContent).toContain("<script>alert(1)</script>");
    expect(marks(doc).filter((m) => m.startsWith("link:"))).toEqual(["link:https://example.org:goed"]);
  });
});

describe("files made by LibreOffice", () => {
  const html = `<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Brief</title></head><body>
<h1>Brief van de minister</h1>
<p>De minister <b>besluit</b> tot een <i>centraal</i> contactpunt; zie <a href="https://example.org/crma">de verordening</a>.</p>
<h2>Taken</h2>
<ul><li>Vergunningen<ol><li>Aanvraag</li><li>Besluit</li></ol></li><li>Financiering</li></ul>
<table border="1"><thead><tr><th>Partij</th><th>Rol</th></tr></thead><tbody><tr><td>EZ</td><td>Trekker</td></tr></tbody></table>
<p>Slot.</p>
</body></html>`;
  const expected = [
    "heading Brief van de minister",
    "p De minister besluit tot een centraal contactpunt; zie de verordening.",
    "heading Taken",
    "bulletList",
    "  listItem",
    "    p Vergunningen",
    "    orderedList",
    "      listItem",
    "        p Aanvraag",
    "      listItem",
    "        p Besluit",
    "  listItem",
    "    p Financiering",
    "table",
    "  tableRow",
    "    cell Partij",
    "    cell Rol",
    "  tableRow",
    "    cell EZ",
    "    cell Trekker",
    "p Slot.",
  ];
  it.for(["odt", "docx"] as const)("%s: headings, formatting, a link, nested lists and a table", { timeout: 120_000 }, async (as, ctx) => {
    if (!tool("soffice")) return ctx.skip(missing("soffice", "libreoffice-writer-nogui"));
    const file = await officeMake(html, as);
    const { doc, firstHeading } = await readImport(new Uint8Array(file), `brief.${as}`);
    expect(shape(doc)).toEqual(expected);
    expect(firstHeading).toBe("Brief van de minister");
    expect(marks(doc)).toEqual(expect.arrayContaining(["bold:besluit", "italic:centraal", "link:https://example.org/crma:de verordening"]));
    const headings: [string, number][] = [];
    doc.descendants((n) => void (n.type.name === "heading" && headings.push([n.textContent, n.attrs.level as number])));
    expect(headings).toEqual([["Brief van de minister", 2], ["Taken", 3]]);
    let header = 0;
    doc.descendants((n) => void (n.type.name === "tableHeader" && header++));
    expect(header).toBe(2);
  });
});

/** A minimal valid DOCX, made here (the parts Word needs to open it). */
function docx(documentXml: string, extra: Record<string, Uint8Array> = {}): Uint8Array {
  return zipSync(
    {
    "[Content_Types].xml": strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
    "_rels/.rels": strToU8('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'),
    "word/document.xml": strToU8(documentXml),
    ...extra,
    },
    { level: 1 },
  );
}
const wordText = (text: string) => `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:body></w:document>`;

/** The offset of the first central directory entry of a zip. */
function centralDirectory(zip: Uint8Array): number {
  for (let i = zip.length - 22; i >= 0; i--) if (zip[i] === 0x50 && zip[i + 1] === 0x4b && zip[i + 2] === 5 && zip[i + 3] === 6) return new DataView(zip.buffer, zip.byteOffset).getUint32(i + 16, true);
  throw new Error("no end of central directory");
}

describe("bad files are refused with a clear error", () => {
  it("reads a minimal DOCX (the base of the cases below)", async () => {
    const { doc } = await readImport(docx(wordText("Hallo")), "a.docx");
    expect(doc.textContent).toBe("Hallo");
  });

  it("refuses a format it does not read, an empty file and one over the size limit", async () => {
    expect(await refusal(strToU8("%PDF-1.7"), "a.pdf")).toBe("import_unsupported");
    expect(await refusal(new Uint8Array(0), "a.md")).toBe("import_empty");
    expect(await refusal(strToU8("   \n\n  "), "a.md")).toBe("import_empty");
    expect(await refusal(new Uint8Array(ImportLimits.maxFileBytes + 1).fill(0x61), "a.md")).toBe("import_too_large");
  });

  it("refuses a zip bomb without unpacking it, whatever sizes the package claims", async () => {
    const zeros = new Uint8Array(ImportLimits.maxUnpackedBytes + 1024 * 1024);
    const bomb = docx(wordText("x"), { "word/bomb.xml": zeros });
    expect(bomb.byteLength).toBeLessThan(ImportLimits.maxUnpackedBytes / 100);
    // The central directory says every part is 10 bytes: not believed.
    const view = new DataView(bomb.buffer, bomb.byteOffset);
    for (let at = centralDirectory(bomb); view.getUint32(at, true) === 0x02014b50; at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true)) {
      view.setUint32(at + 24, 10, true);
    }
    const started = performance.now();
    expect(await refusal(bomb, "bomb.docx")).toBe("import_too_large");
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("counts all parts together, and the number of parts", () => {
    const limits = { maxUnpackedBytes: 1024 * 1024, maxEntries: 20 };
    const parts: Record<string, Uint8Array> = {};
    for (let i = 0; i < 5; i++) parts[`part${i}.xml`] = new Uint8Array(256 * 1024);
    expect(() => readZip(zipSync(parts), limits)).toThrow(expect.objectContaining({ code: "import_too_large" }));
    delete parts["part4.xml"];
    expect([...readZip(zipSync(parts), limits).keys()]).toHaveLength(4);
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i < 21; i++) many[`part${i}.xml`] = strToU8("x");
    expect(() => readZip(zipSync(many), limits)).toThrow(expect.objectContaining({ code: "import_too_large" }));
  });

  it("refuses encrypted files: a zip entry marked encrypted, an encrypted ODT, an encrypted Office file", async () => {
    const zip = docx(wordText("x"));
    const at = centralDirectory(zip);
    zip[at + 8] |= 1; // general purpose flag: encrypted
    expect(await refusal(zip, "a.docx")).toBe("import_encrypted");
    const odt = zipSync({
      mimetype: strToU8("application/vnd.oasis.opendocument.text"),
      "content.xml": new Uint8Array([1, 2, 3, 4]),
      "META-INF/manifest.xml": strToU8('<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K"/></manifest:file-entry></manifest:manifest>'),
    });
    expect(await refusal(odt, "a.odt")).toBe("import_encrypted");
    const ole = new Uint8Array(4096);
    ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect(await refusal(ole, "a.docx")).toBe("import_encrypted");
  });

  it("refuses a file that is not what its name says", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(await refusal(png, "a.docx")).toBe("import_unreadable");
    expect(await refusal(png, "a.odt")).toBe("import_unreadable");
    expect(await refusal(png, "a.md")).toBe("import_unreadable"); // not UTF-8
    expect(await refusal(docx(wordText("x")), "a.odt")).toBe("import_unreadable");
    expect(await refusal(docx(wordText("x")), "a.md")).toBe("import_unreadable");
    expect(await refusal(zipSync({ "a.txt": strToU8("hallo") }), "a.docx")).toBe("import_unreadable");
    expect(await refusal(strToU8("PK\u0003\u0004 broken"), "a.docx")).toBe("import_unreadable");
    // A part whose deflate stream is damaged.
    const broken = zipSync({ "[Content_Types].xml": strToU8("<Types/>"), "word/document.xml": deflateSync(strToU8(wordText("x"))) }, { level: 0 });
    expect(await refusal(broken, "a.docx")).toBe("import_unreadable");
  });

  it("refuses entity declarations (billion laughs) in Word and ODF XML", async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>`;
    expect(await refusal(docx(laughs), "a.docx")).toBe("import_unreadable");
    const odt = zipSync({ mimetype: strToU8("application/vnd.oasis.opendocument.text"), "content.xml": strToU8(laughs) });
    expect(await refusal(odt, "a.odt")).toBe("import_unreadable");
  });

  it("refuses a text longer than a section holds", async () => {
    const long = `${"woord ".repeat(ImportLimits.maxTextChars / 6 + 10)}\n`;
    expect(await refusal(strToU8(long), "a.md")).toBe("import_too_large");
  });
});

describe("fuzz: no bytes make the reader throw anything but its clear error", () => {
  const settled = async (data: Uint8Array, name: string) => {
    try {
      const { doc } = await readImport(data, name);
      doc.check(); // what it accepts is inside the schema
    } catch (error) {
      if (!(error instanceof ImportRefused)) throw error;
    }
  };

  it("random bytes under each name", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 2048 }), fc.constantFrom("a.docx", "a.odt", "a.md"), settled),
      { numRuns: 300, seed: 30 },
    );
  });

  it("random bytes behind a zip signature, and valid packages with bytes changed", async () => {
    const base = [await agendaDocx(agendaOf([{ title: "Rijk", content: RICH }])), agendaOdt(agendaOf([{ title: "Rijk", content: RICH }]))].map((b) => new Uint8Array(b));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        async (which, changes) => {
          const data = base[which].slice();
          for (const [at, value] of changes) data[at % data.length] = value;
          await settled(data, which === 0 ? "a.docx" : "a.odt");
        },
      ),
      { numRuns: 150, seed: 31 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 512 }), fc.constantFrom("a.docx", "a.odt"), (tail, name) => settled(new Uint8Array([0x50, 0x4b, 3, 4, ...tail]), name)),
      { numRuns: 150, seed: 32 },
    );
  });

  it("random Markdown", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: fc.constantFrom("#", " ", "\n", "*", "_", "-", "1", ".", "|", ">", "[", "]", "(", ")", "`", "a", "<", "&", "\t", "\u0000") , maxLength: 400 }), (text) => settled(strToU8(text), "a.md")),
      { numRuns: 300, seed: 33 },
    );
  });
});
