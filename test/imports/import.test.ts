/**
 * Importing a file into a section over HTTP, as the section and workspace pages do (ADR 030): the
 * text arrives live in a connected editor's document, the text before is kept as a version, the
 * import is audited; refusals (role, a final section, a bad or too large file) change nothing.
 */
import { and, count, desc, eq } from "drizzle-orm";
import { strToU8 } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImportLimits } from "../../app/shared/imports";
import { importAsNewSection, importIntoSection } from "../../server/commands/sectionImport";
import { exportAgenda } from "../../server/commands/agendaExport";
import { Forbidden } from "../../server/policy";
import { loadActor } from "../../server/services/access";
import { loadStoredDoc } from "../../server/services/section-text";
import { toProseMirror } from "../../server/document";
import { currentHash, listVersionsUnchecked } from "../../server/views/versions";
import { connectProvider, hasAll, synced, textOf, type ProviderClient } from "../collab/helpers";
import { WS } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let workspaceId: string;
let sectionId: string;
const clients: ProviderClient[] = [];
const cookies = new Map<string, string>();

async function cookieOf(email: string): Promise<string> {
  if (!cookies.has(email)) cookies.set(email, (await server.signIn(email)).cookie);
  return cookies.get(email)!;
}

async function actor(email: string) {
  const a = await loadActor(server.database, await server.userId(email));
  if (!a) throw new Error(`no actor ${email}`);
  return a;
}

/** Posts a file as the page's form does. */
async function upload(path: string, email: string | null, name: string, data: Uint8Array, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(data)]), name);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const headers: Record<string, string> = { origin: server.url, accept: "application/json" };
  if (email) headers.cookie = await cookieOf(email);
  const res = await fetch(`${server.url}${path}`, { method: "POST", headers, body: form });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } } };
}

/** Everything a refused import must leave as it was. */
async function footprint() {
  const { db, t } = server.database;
  const [versions] = await db.select({ n: count() }).from(t.versions).where(eq(t.versions.sectionId, sectionId));
  const [audit] = await db.select({ n: count() }).from(t.auditEvents);
  const [sections] = await db.select({ n: count() }).from(t.sections).where(eq(t.sections.workspaceId, workspaceId));
  return { versions: Number(versions.n), audit: Number(audit.n), sections: Number(sections.n), hash: await currentHash(server.database, sectionId) };
}

const MARKDOWN = "# Brief van de minister\n\nDe minister **besluit** tot een *centraal* contactpunt; zie [de verordening](https://example.org/crma).\n\n## Taken\n\n- Vergunningen\n  1. Aanvraag\n  2. Besluit\n- Financiering\n\n| Partij | Rol |\n| --- | --- |\n| EZ | Trekker |\n";

beforeAll(async () => {
  server = await startTestServer({ remix: "build" });
  workspaceId = await server.workspaceId(WS.contactPoint);
  [sectionId] = await server.sectionIds(WS.contactPoint);
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
});

describe("importing into a section", () => {
  it("replaces the text live for a connected editor, keeps the text before as a version and audits it", async () => {
    const editor = connectProvider(server.url, sectionId, { cookie: await cookieOf("drafter@kgg.example") });
    clients.push(editor);
    await synced(editor);
    const before = textOf(editor.doc);
    expect(before).toContain("centraal contactpunt opgericht");
    const hashBefore = await currentHash(server.database, sectionId);

    const { status, body } = await upload(`/s/${sectionId}/import`, "lead@ez.example", "brief.md", strToU8(MARKDOWN));
    expect(status).toBe(200);
    expect(body).toMatchObject({ sectionId, format: "md" });
    // The connected editor sees the new text without reloading.
    await hasAll(editor.doc, ["Brief van de minister", "besluit", "Vergunningen", "Trekker"], "the imported text in the editor");
    expect(textOf(editor.doc)).not.toContain("centraal contactpunt opgericht");
    const stored = await loadStoredDoc(server.database, sectionId);
    try {
      expect(textOf(stored)).toBe(textOf(editor.doc));
    } finally {
      stored.destroy();
    }

    const versions = await listVersionsUnchecked(server.database, sectionId);
    const byId = new Map(versions.map((v) => [v.id, v]));
    const previous = byId.get(body.beforeVersionId as string)!;
    const imported = byId.get(body.versionId as string)!;
    expect(previous).toMatchObject({ contentHash: hashBefore, name: "Vóór import van brief.md / Before importing brief.md" });
    expect(imported).toMatchObject({ contentHash: await currentHash(server.database, sectionId), name: "Import: brief.md" });

    const { db, t } = server.database;
    const [entry] = await db.select().from(t.auditEvents).where(and(eq(t.auditEvents.action, "section.imported"), eq(t.auditEvents.subjectId, sectionId))).orderBy(desc(t.auditEvents.seq)).limit(1);
    expect(entry.actorId).toBe(await server.userId("lead@ez.example"));
    expect(entry.data).toMatchObject({ file: "brief.md", format: "md", beforeVersionId: previous.id, versionId: imported.id, contentHash: imported.contentHash });
  });

  it("imports Overleg's own DOCX and ODT export of the section back to the same text", async () => {
    const lead = await actor("lead@ez.example");
    const textNow = async () => {
      const doc = await loadStoredDoc(server.database, sectionId);
      try {
        return textOf(doc);
      } finally {
        doc.destroy();
      }
    };
    const original = await textNow();
    for (const format of ["docx", "odt"] as const) {
      const file = await exportAgenda(server.services, { actor: lead, workspaceId, format });
      await importIntoSection(server.services, { actor: lead, sectionId, file: { name: `export.${format}`, data: new Uint8Array(file.body) } });
      // The export adds its title page and annex around the text; the section's own lines come back in order.
      const lines = (await textNow()).split("\n");
      const wanted = original.split("\n");
      const at = lines.indexOf(wanted[0]);
      expect(at, format).toBeGreaterThanOrEqual(0);
      expect(lines.slice(at, at + wanted.length), format).toEqual(wanted);
      await importIntoSection(server.services, { actor: lead, sectionId, file: { name: "brief.md", data: strToU8(MARKDOWN) } });
    }
  }, 60_000);

  it("refuses people who may not edit, and a final section, changing nothing", async () => {
    const file = { name: "brief.md", data: strToU8("# Anders\n\nNieuwe tekst.") };
    const before = await footprint();
    // A commenter, a viewer, the minister's office and someone from outside the workspace.
    for (const email of ["expert@fme.example", "viewer@tno.example", "office@minister.example", "partner@be.example"]) {
      await expect(importIntoSection(server.services, { actor: await actor(email), sectionId, file }), email).rejects.toBeInstanceOf(Forbidden);
    }
    const viewer = await upload(`/s/${sectionId}/import`, "viewer@tno.example", "brief.md", file.data);
    expect(viewer.status).toBe(403);
    expect((await upload(`/s/${sectionId}/import`, null, "brief.md", file.data)).status).toBe(401);

    const { db, t } = server.database;
    await db.update(t.sections).set({ status: "final" }).where(eq(t.sections.id, sectionId));
    try {
      const locked = await upload(`/s/${sectionId}/import`, "drafter@kgg.example", "brief.md", file.data);
      expect(locked.status).toBe(403);
      expect(locked.body.error?.code).toBe("locked");
    } finally {
      await db.update(t.sections).set({ status: "draft" }).where(eq(t.sections.id, sectionId));
    }
    expect(await footprint()).toEqual(before);
  });

  it("refuses a bad or too large file with a clear error, changing nothing", async () => {
    const before = await footprint();
    const broken = await upload(`/s/${sectionId}/import`, "drafter@kgg.example", "brief.docx", strToU8("PK\u0003\u0004 not really a document"));
    expect(broken.status).toBe(400);
    expect(broken.body.error).toMatchObject({ code: "import_unreadable", message: expect.stringMatching(/cannot be read|not a valid document/) });
    const big = await upload(`/s/${sectionId}/import`, "drafter@kgg.example", "brief.md", new Uint8Array(ImportLimits.maxFileBytes + 1).fill(0x61));
    expect(big.status).toBe(413);
    expect(big.body.error?.code).toBe("import_too_large");
    const kind = await upload(`/s/${sectionId}/import`, "drafter@kgg.example", "brief.pdf", strToU8("%PDF-1.7"));
    expect(kind.body.error?.code).toBe("import_unsupported");
    expect(await footprint()).toEqual(before);
  });
});

describe("importing as a new section", () => {
  it("adds a section titled by the file's first heading, for the workspace's owners only", async () => {
    const before = await footprint();
    const refused = await upload(`/w/${workspaceId}/import`, "drafter@kgg.example", "brief.md", strToU8(MARKDOWN));
    expect(refused.status).toBe(403);
    expect(await footprint()).toEqual(before);

    const { status, body } = await upload(`/w/${workspaceId}/import`, "lead@ez.example", "brief.md", strToU8(MARKDOWN));
    expect(status).toBe(200);
    const newId = body.sectionId as string;
    const { db, t } = server.database;
    const [row] = await db.select({ title: t.sections.title, status: t.sections.status }).from(t.sections).where(eq(t.sections.id, newId));
    expect(row).toEqual({ title: "Brief van de minister", status: "draft" });
    const doc = await loadStoredDoc(server.database, newId);
    try {
      expect(textOf(doc).split("\n")).toEqual(["Brief van de minister", "De minister besluit tot een centraal contactpunt; zie de verordening.", "Taken", "VergunningenAanvraagBesluitFinanciering", "PartijRolEZTrekker"]);
    } finally {
      doc.destroy();
    }
    const [entry] = await db.select().from(t.auditEvents).where(and(eq(t.auditEvents.action, "section.created"), eq(t.auditEvents.subjectId, newId)));
    expect(entry.data).toMatchObject({ title: "Brief van de minister", importedFrom: { file: "brief.md", format: "md" } });

    // Split at the file's top-level headings: a preview first (nothing written), then the sections.
    const letter = "Inleiding zonder kop.\n\n# Aanleiding\n\nDe brief.\n\n## Context\n\nMeer.\n\n# Besluit\n\n- een\n- twee\n";
    const sectionsBefore = (await footprint()).sections;
    const preview = await upload(`/w/${workspaceId}/import`, "lead@ez.example", "brief.md", strToU8(letter), { split: "1", preview: "1", title: "Vooraf" });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ sectionId: null, sectionIds: [], sections: [{ title: "Vooraf" }, { title: "Aanleiding" }, { title: "Besluit" }] });
    expect((await footprint()).sections).toBe(sectionsBefore);
    const split = await upload(`/w/${workspaceId}/import`, "lead@ez.example", "brief.md", strToU8(letter), { split: "1", title: "Vooraf" });
    expect(split.status).toBe(200);
    const splitIds = split.body.sectionIds as string[];
    expect(splitIds).toHaveLength(3);
    const texts: [string, string[]][] = [];
    for (const id of splitIds) {
      const [r] = await db.select({ title: t.sections.title }).from(t.sections).where(eq(t.sections.id, id));
      const d = await loadStoredDoc(server.database, id);
      try {
        const lines: string[] = [];
        toProseMirror(d).forEach((n) => lines.push(n.type.name === "heading" ? `h${n.attrs.level} ${n.textContent}` : n.textContent));
        texts.push([r.title, lines]);
      } finally {
        d.destroy();
      }
    }
    expect(texts).toEqual([
      ["Vooraf", ["Inleiding zonder kop."]],
      ["Aanleiding", ["De brief.", "h2 Context", "Meer."]],
      ["Besluit", ["eentwee"]],
    ]);
    // The preview is refused to those who may not add sections, too.
    expect((await upload(`/w/${workspaceId}/import`, "drafter@kgg.example", "brief.md", strToU8(letter), { split: "1", preview: "1" })).status).toBe(403);

    // A title given wins over the file's heading.
    const named = await importAsNewSection(server.services, { actor: await actor("lead@ez.example"), workspaceId, title: "Positie van België", file: { name: "positie.md", data: strToU8("Alleen tekst.") } });
    const [named2] = await db.select({ title: t.sections.title }).from(t.sections).where(eq(t.sections.id, named.sectionId!));
    expect(named2.title).toBe("Positie van België");
  });
});
