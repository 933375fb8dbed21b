/**
 * The published agenda and its exports, read back the way a reader would: the DOCX with a DOCX reader
 * (mammoth), the PDF with a PDF text extractor (pdf-parse), the HTML checked for anything active.
 */
import { eq } from "drizzle-orm";
import { strFromU8, unzipSync } from "fflate";
import mammoth from "mammoth";
import { PDFParse } from "pdf-parse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { Forbidden } from "../../server/policy";
import { loadActor } from "../../server/services/access";
import { checkpointVerifies, loadAuditKey } from "../../server/services/audit-anchor";
import { CommandError } from "../../server/services/errors";
import { exportAgenda } from "../../server/commands/agendaExport";
import { publishAgenda } from "../../server/commands/agendaPublish";
import { decideReview } from "../../server/commands/reviewDecide";
import { requestReview } from "../../server/commands/reviewRequest";
import { signOff } from "../../server/commands/sectionSignOff";
import { currentHash } from "../../server/views/versions";
import { officeText, tool } from "../support/office";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let workspaceId: string;
let sectionId: string;
let signedHash: string;

async function actor(email: string) {
  const a = await loadActor(server.database, await server.userId(email));
  if (!a) throw new Error(`no actor ${email}`);
  return a;
}

async function pdfText(buffer: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(buffer) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

const squash = (s: string) => s.replace(/\s+/g, " ");
const PARTNER_NAMES = "Overleg met Łódź, Ελλάδα en Київ – “samen”.";

beforeAll(async () => {
  server = await startTestServer();
  workspaceId = await server.workspaceId("Centraal contactpunt");
  [sectionId] = await server.sectionIds("Centraal contactpunt");
  // Text that would be active if an export let it through: a script element in the text, a javascript: link.
  await server.services.collab!.applyServerChange(sectionId, (doc) => {
    const p = new Y.XmlElement("paragraph");
    const text = new Y.XmlText();
    text.insert(0, "Klik <script>alert('x')</script> hier", {});
    text.format(0, 4, { link: { href: "javascript:alert(1)" } });
    p.insert(0, [text]);
    // Names from partner countries, in their own letters, with typographic quotes and dashes.
    const names = new Y.XmlElement("paragraph");
    const written = new Y.XmlText();
    written.insert(0, PARTNER_NAMES, {});
    names.insert(0, [written]);
    doc.getXmlFragment(FRAGMENT).push([p, names]);
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe("the published agenda", () => {
  it("marks a draft export CONCEPT, in every format", async () => {
    const lead = await actor("lead@ez.example");
    for (const format of ["md", "html", "docx", "pdf"] as const) {
      const file = await exportAgenda(server.services, { actor: lead, workspaceId, format });
      expect(file.draft).toBe(true);
      expect(file.filename).toMatch(new RegExp(`-concept\\.${format}$`));
      const text =
        format === "docx"
          ? (await mammoth.extractRawText({ buffer: file.body })).value
          : format === "pdf"
            ? await pdfText(file.body)
            : file.body.toString("utf8");
      expect(text, format).toContain("CONCEPT");
      expect(squash(text), format).toContain(PARTNER_NAMES);
    }
  });

  it("keeps the HTML export inert: no script element, no javascript: link, a policy that forbids scripts", async () => {
    const file = await exportAgenda(server.services, { actor: await actor("lead@ez.example"), workspaceId, format: "html" });
    const html = file.body.toString("utf8");
    expect(html).toContain("&lt;script&gt;alert('x')&lt;/script&gt;");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).toContain("Content-Security-Policy");
    expect(html).toContain("default-src 'none'");
  });

  it("refuses to publish before every section is final, and publishes when it is", async () => {
    const office = await actor("office@minister.example");
    await expect(publishAgenda(server.services, { actor: office, workspaceId })).rejects.toBeInstanceOf(CommandError);
    await expect(publishAgenda(server.services, { actor: await actor("lead@ez.example"), workspaceId })).rejects.toBeInstanceOf(Forbidden);

    await requestReview(server.services, { actor: await actor("lead@ez.example"), sectionId, dueDate: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10) });
    signedHash = await currentHash(server.database, sectionId);
    await decideReview(server.services, { actor: await actor("drafter@kgg.example"), sectionId, decision: "approve", note: "Akkoord namens KGG.", contentHash: signedHash });
    await signOff(server.services, { actor: office, sectionId, contentHash: signedHash });
    const result = await publishAgenda(server.services, { actor: office, workspaceId });
    expect(result.count).toBe(1);
    const { db, t } = server.database;
    // The publication comes with the audit chain's head, signed, covering its own event.
    const [published] = await db.select({ seq: t.auditEvents.seq }).from(t.auditEvents).where(eq(t.auditEvents.action, "agenda.published"));
    expect(result.auditCheckpoint).toMatchObject({ reason: "publication", eventSeq: Number(published.seq) });
    expect(checkpointVerifies(loadAuditKey(server.env.AUDIT_KEY_FILE, { create: false }), result.auditCheckpoint!)).toBe(true);
    const [section] = await db.select({ status: t.sections.status }).from(t.sections).where(eq(t.sections.id, sectionId));
    expect(section.status).toBe("published");
    await expect(publishAgenda(server.services, { actor: office, workspaceId })).rejects.toThrow(/already published/);
  });

  it("exports the published text and the annex of who approved and signed which hash, as DOCX and PDF", async () => {
    const viewer = await actor("viewer@tno.example");
    const docx = await exportAgenda(server.services, { actor: viewer, workspaceId, format: "docx" });
    expect(docx.draft).toBe(false);
    const word = squash((await mammoth.extractRawText({ buffer: docx.body })).value);
    const pdf = squash(await pdfText((await exportAgenda(server.services, { actor: viewer, workspaceId, format: "pdf" })).body));
    const odt = await exportAgenda(server.services, { actor: viewer, workspaceId, format: "odt" });
    expect(odt.draft).toBe(false);
    const parts = unzipSync(new Uint8Array(odt.body));
    expect(strFromU8(parts["styles.xml"])).not.toContain("draw:custom-shape"); // no watermark
    expect(strFromU8(parts["content.xml"])).not.toContain("CONCEPT");
    // Read back by LibreOffice where it is installed (always in CI): the ODT, and the DOCX a second way.
    const office = tool("soffice")
      ? ([
          ["odt (LibreOffice)", squash(await officeText(odt.body, "odt"))],
          ["docx (LibreOffice)", squash(await officeText(docx.body, "docx"))],
        ] as const)
      : [];
    for (const [name, text] of [["docx", word], ["pdf", pdf], ...office] as const) {
      expect(text, name).not.toContain("CONCEPT");
      // A published document carries no status labels.
      expect(text, name).not.toContain("Gepubliceerd");
      expect(text, name).toContain("Centraal contactpunt");
      expect(text, name).toContain("Klik <script>alert('x')</script> hier");
      expect(text, name).toContain("Bijlage: goedkeuringen en vaststelling");
      expect(text, name).toMatch(/Ministerie van Klimaat en Groene Groei: goedgekeurd door \S+ \S+/);
      expect(text, name).toContain("Vastgesteld door Otto Brouwer");
      // The full hash may wrap in the PDF; its start and end are there.
      expect(text.replace(/\s/g, ""), name).toContain(signedHash);
    }
    // The same text as the section holds, block by block (the seed's first words).
    const { db, t } = server.database;
    const [s] = await db.select({ title: t.sections.title }).from(t.sections).where(eq(t.sections.id, sectionId));
    expect(word).toContain(s.title);

    // Every export is in the audit trail.
    const exports = await db.select({ data: t.auditEvents.data }).from(t.auditEvents).where(eq(t.auditEvents.action, "agenda.exported"));
    expect(exports.length).toBeGreaterThanOrEqual(7);
  }, 120_000); // LibreOffice reads two files back

  it("exports nothing of a workspace the reader may not see", async () => {
    const partner = await actor("partner@be.example");
    await expect(exportAgenda(server.services, { actor: partner, workspaceId, format: "md" })).rejects.toBeInstanceOf(Forbidden);
    await expect(exportAgenda(server.services, { actor: partner, workspaceId, format: "exe" as "md" })).rejects.toBeInstanceOf(CommandError);
  });
});
