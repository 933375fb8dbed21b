/**
 * The signed publication package (ADR 030), against a real server: refused before publication;
 * after the minister's office publishes, a ZIP with PDF/A, ODT, DOCX and HTML whose manifest names
 * the published content hashes and the audit head, signed with the key the server serves at
 * /.well-known/overleg-publication-key; `npm run publication:verify`'s check passes it, and reports
 * a one-character change to the PDF, a changed manifest, an added file and another key; so does the
 * public page /verify, without signing in.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { desc, eq } from "drizzle-orm";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishAgenda } from "../../server/commands/agendaPublish";
import { verifyPublicationCli } from "../../server/publication-cli";
import { loadActor } from "../../server/services/access";
import { checkpointVerifies, keyIdOf } from "../../server/services/audit-anchor";
import { verifyPackage, type Manifest } from "../../server/services/publication/package";
import { currentHash } from "../../server/views/versions";
import { WS } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let workspaceId: string;
let sectionId: string;
let office: { cookie: string };
let dir: string;

const get = (path: string, cookie?: string) => fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {} });

/** The package with one part replaced (or added). */
function withPart(zip: Uint8Array, name: string, change: (bytes: Uint8Array | undefined) => Uint8Array): Uint8Array {
  const parts = unzipSync(zip);
  parts[name] = new Uint8Array(change(parts[name]));
  return zipSync(parts);
}

beforeAll(async () => {
  server = await startTestServer({ remix: "build" });
  workspaceId = await server.workspaceId(WS.contactPoint);
  [sectionId] = await server.sectionIds(WS.contactPoint);
  office = await server.signIn("office@minister.example");
  dir = mkdtempSync(join(tmpdir(), "overleg-package-"));
}, 60_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await server?.stop();
});

describe("the signed publication package", () => {
  it("is refused while the workspace is not published", async () => {
    const res = await get(`/w/${workspaceId}/package`, office.cookie);
    expect(res.status).toBe(409);
  });

  it("after publication: the files, a manifest bound to the published text and audit head, signed with the served key", async () => {
    const { db, t } = server.database;
    await db.update(t.sections).set({ status: "final" }).where(eq(t.sections.id, sectionId));
    const actor = (await loadActor(server.database, await server.userId("office@minister.example")))!;
    const published = await publishAgenda(server.services, { actor, workspaceId });
    expect(published.count).toBe(1);

    const keyRes = await get("/.well-known/overleg-publication-key");
    expect(keyRes.status).toBe(200);
    const pem = await keyRes.text();
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(keyRes.headers.get("x-overleg-key-id")).toBe(server.auditAnchor.keyId);

    const res = await get(`/w/${workspaceId}/package`, (await server.signIn("viewer@tno.example")).cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="overleg-.*-publicatie-\d{4}-\d\d-\d\d\.zip"/);
    const zip = new Uint8Array(await res.arrayBuffer());
    const parts = unzipSync(zip);
    expect(Object.keys(parts).sort()).toEqual(["document.docx", "document.html", "document.odt", "document.pdf", "manifest.json", "manifest.sig"]);
    expect(strFromU8(parts["document.pdf"].subarray(0, 5))).toBe("%PDF-");
    expect(strFromU8(parts["document.html"])).not.toContain("CONCEPT");

    const manifest = JSON.parse(strFromU8(parts["manifest.json"])) as Manifest;
    expect(manifest.format).toBe("overleg-publication/1");
    expect(manifest.key).toEqual({ algorithm: "Ed25519", keyId: keyIdOf(await import("node:crypto").then((c) => c.createPublicKey(pem))), url: "/.well-known/overleg-publication-key" });
    expect(manifest.sections).toEqual([expect.objectContaining({ id: sectionId, status: "published", contentHash: await currentHash(server.database, sectionId) })]);
    const [event] = await db.select().from(t.auditEvents).where(eq(t.auditEvents.action, "agenda.published")).orderBy(desc(t.auditEvents.seq)).limit(1);
    expect(manifest.publication).toMatchObject({ by: "Otto Brouwer", auditEvent: { seq: Number(event.seq), hash: event.hash } });
    // The signed checkpoint made at publication covers the publication's own event.
    const checkpoint = manifest.auditCheckpoint!;
    expect(checkpoint.eventSeq).toBeGreaterThanOrEqual(Number(event.seq));
    expect(checkpointVerifies({ publicKey: (await import("node:crypto")).createPublicKey(pem) }, { ...checkpoint, id: "", at: new Date(checkpoint.at) })).toBe(true);

    const verdict = verifyPackage(zip, pem);
    expect(verdict.problems).toEqual([]);
    expect(verdict).toMatchObject({ ok: true, signature: "valid" });
    expect(verdict.files.map((f) => f.status)).toEqual(["matches", "matches", "matches", "matches"]);

    // The download is audited.
    const [audit] = await db.select().from(t.auditEvents).where(eq(t.auditEvents.action, "publication.packaged")).orderBy(desc(t.auditEvents.seq)).limit(1);
    expect(audit.subjectId).toBe(workspaceId);

    // ── tampering ────────────────────────────────────────────────────────────────────────────────
    // One character of the PDF changed: the PDF differs, the rest matches, the signature still holds.
    const pdfChanged = withPart(zip, "document.pdf", (pdf) => {
      const copy = pdf!.slice();
      const at = strFromU8(copy).indexOf("/Title");
      copy[at + 8] = copy[at + 8] === 0x41 ? 0x42 : 0x41;
      return copy;
    });
    const pdfVerdict = verifyPackage(pdfChanged, pem);
    expect(pdfVerdict.ok).toBe(false);
    expect(pdfVerdict.signature).toBe("valid");
    expect(pdfVerdict.files).toEqual([
      { name: "document.pdf", status: "differs" },
      { name: "document.odt", status: "matches" },
      { name: "document.docx", status: "matches" },
      { name: "document.html", status: "matches" },
    ]);
    // The manifest changed to match a changed file: its signature fails.
    const manifestChanged = withPart(zip, "manifest.json", (m) => strToU8(strFromU8(m!).replace(manifest.sections[0].contentHash, "0".repeat(64))));
    expect(verifyPackage(manifestChanged, pem)).toMatchObject({ ok: false, signature: "invalid" });
    // A file slipped in.
    expect(verifyPackage(withPart(zip, "extra.txt", () => strToU8("ook dit")), pem).problems).toEqual(["extra.txt is not in the manifest."]);
    // Another installation's key.
    const otherKey = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(verifyPackage(zip, otherKey)).toMatchObject({ ok: false, signature: "other_key" });
    // Not a package at all.
    expect(verifyPackage(strToU8("no zip"), pem).ok).toBe(false);

    // ── the verify command ───────────────────────────────────────────────────────────────────────
    const good = join(dir, "package.zip");
    const bad = join(dir, "changed.zip");
    writeFileSync(good, zip);
    writeFileSync(bad, pdfChanged);
    const lines: string[] = [];
    expect(await verifyPublicationCli([good, "--key-url", `${server.url}/.well-known/overleg-publication-key`], (l) => lines.push(l))).toBe(0);
    expect(lines[0]).toMatch(/^VERIFIED: signed by key [0-9a-f]{16}; published .* by Otto Brouwer; audit head \d+:[0-9a-f]{64}$/);
    lines.length = 0;
    const keyFile = join(dir, "key.pem");
    writeFileSync(keyFile, pem);
    expect(await verifyPublicationCli([bad, "--key", keyFile], (l) => lines.push(l))).toBe(1);
    expect(lines).toEqual(["NOT VERIFIED (signature: valid):", "  - document.pdf differs from the file that was signed."]);
    expect(await verifyPublicationCli([], () => {})).toBe(2);

    // ── the public page, without signing in ──────────────────────────────────────────────────────
    const check = async (body: Uint8Array) => {
      const form = new FormData();
      form.set("package", new Blob([new Uint8Array(body)]), "package.zip");
      const page = await fetch(`${server.url}/verify`, { method: "POST", headers: { origin: server.url, cookie: "overleg_lang=en" }, body: form });
      return { status: page.status, html: await page.text() };
    };
    const ok = await check(zip);
    expect(ok.status).toBe(200);
    expect(ok.html).toContain('data-verdict="verified"');
    expect(ok.html).toMatch(/Verified: this is the text the minister&#x27;s office signed off and published on .* \(published by Otto Brouwer\)/);
    const changed = await check(pdfChanged);
    expect(changed.html).toContain('data-verdict="notVerified"');
    expect(changed.html).toContain('data-file="document.pdf" data-status="differs"');
    expect(changed.html).toContain('data-file="document.odt" data-status="matches"');
    expect((await check(manifestChanged)).html).toContain("the manifest was changed or not signed by this installation");
  }, 60_000);

  it("on the public page, a single file of an issued package is recognised, and a one-character change is not, naming the section", async () => {
    // (The workspace was published by the test above, without a sign-off; the office's sign-off of its text, recorded here.)
    await server.database.db.insert(server.database.t.signoffs).values({
      id: crypto.randomUUID(),
      sectionId,
      contentHash: await currentHash(server.database, sectionId),
      userId: await server.userId("office@minister.example"),
      createdAt: new Date("2026-11-20T10:00:00Z"),
    });
    const res = await get(`/w/${workspaceId}/package`, office.cookie);
    expect(res.status).toBe(200);
    const parts = unzipSync(new Uint8Array(await res.arrayBuffer()));
    const check = async (body: Uint8Array, name: string) => {
      const form = new FormData();
      form.set("package", new Blob([new Uint8Array(body)]), name);
      const page = await fetch(`${server.url}/verify`, { method: "POST", headers: { origin: server.url, cookie: "overleg_lang=en" }, body: form });
      expect(page.status).toBe(200);
      return page.text();
    };
    // The download recorded every file's hash and, per section, its text's hash as the HTML and DOCX read.
    const { db, t } = server.database;
    const [audit] = await db.select().from(t.auditEvents).where(eq(t.auditEvents.action, "publication.packaged")).orderBy(desc(t.auditEvents.seq)).limit(1);
    const recorded = (typeof audit.data === "string" ? JSON.parse(audit.data) : audit.data) as { files: { name: string }[]; issued: { sectionTexts: Record<string, { id: string }[]> } };
    expect(recorded.files.map((f) => f.name)).toEqual(["document.pdf", "document.odt", "document.docx", "document.html"]);
    expect(recorded.issued.sectionTexts.html.map((s) => s.id)).toEqual([sectionId]);
    expect(recorded.issued.sectionTexts.docx.map((s) => s.id)).toEqual([sectionId]);
    expect(recorded.issued.sectionTexts.md.map((s) => s.id)).toEqual([sectionId]);
    const title = WS.contactPoint.replace(/'/g, "&#x27;");
    for (const name of ["document.pdf", "document.odt", "document.docx", "document.html"]) {
      const html = await check(parts[name], name);
      expect(html, name).toContain('data-verdict="fileIssued"');
      expect(html, name).toMatch(new RegExp(`Verified: this is ${name.replace(".", "\\.")} of the publication of “${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}”, signed off on [^<]*2026[^<]* by Otto Brouwer\\.`));
    }

    // One character of the PDF changed: not a file Overleg issued (a PDF's text is not compared).
    const pdf = parts["document.pdf"].slice();
    const at = strFromU8(pdf).indexOf("/Title");
    pdf[at + 8] = pdf[at + 8] === 0x41 ? 0x42 : 0x41;
    const pdfPage = await check(pdf, "document.pdf");
    expect(pdfPage).toContain('data-verdict="fileNotIssued"');
    expect(pdfPage).toContain("Not a file Overleg issued");
    expect(pdfPage).not.toContain("section by section");

    // One character of the section's text in the HTML changed: not issued, and the section that differs is named.
    const html = strFromU8(parts["document.html"]);
    const textAt = html.indexOf('<div class="text">');
    expect(textAt).toBeGreaterThan(0);
    const letter = /<p[^>]*>([A-Za-z])/.exec(html.slice(textAt))!;
    const pos = textAt + letter.index + letter[0].length - 1;
    const changedHtml = html.slice(0, pos) + (html[pos] === "A" ? "B" : "A") + html.slice(pos + 1);
    const [section] = await server.database.db.select({ title: server.database.t.sections.title }).from(server.database.t.sections).where(eq(server.database.t.sections.id, sectionId));
    const page = await check(strToU8(changedHtml), "document.html");
    expect(page).toContain('data-verdict="fileNotIssued"');
    expect(page).toContain("Not a file Overleg issued");
    expect(page).toMatch(new RegExp(`Compared with the publication of “.*”`));
    expect(page).toContain(`data-status="differs"`);
    expect(page).toContain(`<strong>${section.title.replace(/'/g, "&#x27;")}</strong>`);
    // The same in the DOCX: the section that differs is named.
    const fragment = html.slice(pos, pos + 12);
    expect(fragment).toMatch(/^[A-Za-z][^<&]{11}$/);
    const docx = unzipSync(parts["document.docx"]);
    const xml = strFromU8(docx["word/document.xml"]);
    const inXml = xml.indexOf(fragment);
    expect(inXml).toBeGreaterThan(0);
    docx["word/document.xml"] = strToU8(xml.slice(0, inXml) + (xml[inXml] === "A" ? "B" : "A") + xml.slice(inXml + 1));
    const docxPage = await check(zipSync(docx), "document.docx");
    expect(docxPage).toContain('data-verdict="fileNotIssued"');
    expect(docxPage).toContain(`data-status="differs"`);
    expect(docxPage).toContain(`<strong>${section.title.replace(/'/g, "&#x27;")}</strong>`);
    // The workspace's Markdown export (not in the package): not an issued file, but its section reads the same; one character changed, it differs.
    const mdRes = await fetch(`${server.url}/agenda/export?format=md&workspace=${workspaceId}`, { headers: { cookie: office.cookie } });
    expect(mdRes.status).toBe(200);
    const md = await mdRes.text();
    const mdPage = await check(strToU8(md), "document.md");
    expect(mdPage).toContain('data-verdict="fileNotIssued"');
    expect(mdPage).toContain('data-status="same"');
    const mdAt = md.indexOf(fragment);
    expect(mdAt).toBeGreaterThan(0);
    const mdChanged = await check(strToU8(md.slice(0, mdAt) + (md[mdAt] === "A" ? "B" : "A") + md.slice(mdAt + 1)), "document.md");
    expect(mdChanged).toContain('data-status="differs"');
    expect(mdChanged).toContain(`<strong>${section.title.replace(/'/g, "&#x27;")}</strong>`);
    // The same file saved again with other whitespace around the text still reads the same, section by section.
    const respaced = await check(strToU8(html.replace(/\n/g, "\n\n")), "document.html");
    expect(respaced).toContain('data-verdict="fileNotIssued"');
    expect(respaced).toContain('data-status="same"');
    expect(respaced).not.toContain('data-status="differs"');
  }, 60_000);
});
