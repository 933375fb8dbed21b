/**
 * The documents Overleg hands out, read back as a reader would: every format from one model, the
 * section's title once with the text's own headings ranked below it, status labels only on drafts,
 * and the document's own language whatever the language of whoever downloads it.
 */
import { eq } from "drizzle-orm";
import mammoth from "mammoth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { blocks, writeDocument, type BlockJSON } from "../../server/document";
import { exportAgenda } from "../../server/commands/agendaExport";
import { loadActor } from "../../server/services/access";
import { WS } from "../support/fixtures";
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
