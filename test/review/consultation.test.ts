/**
 * The consultation record (issue #16): on an agenda under consultation the owners give each input from
 * outside the lead organisation a disposition (bad input and other people refused, nothing changed;
 * audited); the office cannot publish while one lacks it when the agenda says so; the annex per
 * organisation (reactienota) lists each input, its disposition and reason and where the text ended up,
 * in every format; every door (command, page, form post, download) checks who asks.
 */
import { and, eq } from "drizzle-orm";
import mammoth from "mammoth";
import { PDFParse } from "pdf-parse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { publishAgenda } from "../../server/commands/agendaPublish";
import { updateAgenda } from "../../server/commands/agendaUpdate";
import { exportConsultationAnnex } from "../../server/commands/consultationExport";
import { setDisposition } from "../../server/commands/dispositionSet";
import { createThread } from "../../server/commands/threadCreate";
import { Forbidden } from "../../server/policy";
import { loadActor } from "../../server/services/access";
import { CommandError } from "../../server/services/errors";
import { loadStoredDoc } from "../../server/services/section-text";
import { consultationRecord } from "../../server/views/consultation";
import { textOf } from "../collab/helpers";
import { anchorOf } from "../comments/helpers";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let workspaceId: string;
let agendaId: string;
let sectionId: string;
let sectionTitle: string;
const threads: Record<string, string> = {};
const cookies = new Map<string, string>();

async function actor(email: string) {
  const a = await loadActor(server.database, await server.userId(email));
  if (!a) throw new Error(`no actor ${email}`);
  return a;
}
async function cookieFor(email: string) {
  if (!cookies.has(email)) cookies.set(email, (await server.signIn(email)).cookie);
  return cookies.get(email)!;
}
async function get(path: string, email: string) {
  const res = await fetch(`${server.url}${path}`, { headers: { cookie: await cookieFor(email), "accept-language": "nl" }, redirect: "manual" });
  return { status: res.status, body: await res.text() };
}
async function post(path: string, email: string, fields: Record<string, string>) {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url, cookie: await cookieFor(email), "accept-language": "nl" },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  return { status: res.status, body: await res.text() };
}
async function organisationId(shortCode: string) {
  const { db, t } = server.database;
  return (await db.select({ id: t.organisations.id }).from(t.organisations).where(eq(t.organisations.shortCode, shortCode)))[0].id;
}
async function dispositionRows() {
  const { db, t } = server.database;
  return db.select().from(t.dispositions).where(eq(t.dispositions.workspaceId, workspaceId));
}
async function auditCount() {
  const { db, t } = server.database;
  return (await db.select({ seq: t.auditEvents.seq }).from(t.auditEvents)).length;
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

beforeAll(async () => {
  ensureBuild();
  server = await startTestServer({ remix: "build" });
  workspaceId = await server.workspaceId("Grensoverschrijdende samenwerking");
  [sectionId] = await server.sectionIds("Grensoverschrijdende samenwerking");
  const { db, t } = server.database;
  const [ws] = await db.select({ agendaId: t.workspaces.agendaId }).from(t.workspaces).where(eq(t.workspaces.id, workspaceId));
  agendaId = ws.agendaId!;
  [{ title: sectionTitle }] = await db.select({ title: t.sections.title }).from(t.sections).where(eq(t.sections.id, sectionId));
  const doc = await loadStoredDoc(server.database, sectionId);
  const words = textOf(doc).split(/\s+/).filter((w) => /^[\p{L}]{5,}$/u.test(w));
  const phrase = (i: number) => words[i];
  const start = async (key: string, email: string, body: string, visibility: "all" | "organisation" = "all", at = 0) => {
    const { anchor, quote } = anchorOf(doc, phrase(at));
    threads[key] = (await createThread(server.services, await actor(email), { sectionId, anchor, quote, visibility, body, mentions: [] })).threadId;
  };
  await start("belgium", "partner@be.example", "België vraagt de clusters over de grens te noemen.");
  await start("belgiumInternal", "partner@be.example", "Intern: nog afstemmen met Vlaanderen.", "organisation", 2);
  await start("fme", "expert@fme.example", "FME stelt voor de termijn te verlengen.", "all", 4);
  await start("lead", "lead@ez.example", "Eigen opmerking van EZ.", "all", 6);
  doc.destroy();
});
afterAll(async () => {
  await server?.stop();
});

describe("the consultation record", () => {
  it("has no inputs and takes no dispositions while the agenda is not under consultation", async () => {
    const lead = await actor("lead@ez.example");
    expect((await consultationRecord(server.database, lead, workspaceId)).inputs).toEqual([]);
    const refused = setDisposition(server.services, { actor: lead, workspaceId, input: { targetKind: "thread", targetId: threads.belgium, disposition: "adopted" } });
    await expect(refused).rejects.toMatchObject({ code: "not_under_consultation", status: 409 });
    expect(await dispositionRows()).toEqual([]);
  });

  it("lists the inputs from outside the lead organisation, visible to all, once the agenda is under consultation", async () => {
    const lead = await actor("lead@ez.example");
    const { db, t } = server.database;
    const [agenda] = await db.select().from(t.agendas).where(eq(t.agendas.id, agendaId));
    const settings = {
      intent: "settings",
      title: agenda.title,
      description: agenda.description,
      publicationDate: agenda.publicationDate ?? "",
      language: agenda.language,
      ownerOrganisationId: agenda.ownerOrganisationId ?? "",
    };
    // Only the agenda's owners (and admins) change its settings: a workspace owner of another
    // organisation is refused, and nothing changes.
    const other = await updateAgenda(server.services, { actor: await actor("drafter@kgg.example"), agendaId, input: { ...settings, consultation: true } }).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(Forbidden);
    // The settings form, as the agenda page posts it (checkboxes "on").
    expect((await post(`/a/${agendaId}?index`, "lead@ez.example", { ...settings, consultation: "on", requireDispositions: "on" })).status).toBe(200);
    const [after] = await db.select({ consultation: t.agendas.consultation, requireDispositions: t.agendas.requireDispositions }).from(t.agendas).where(eq(t.agendas.id, agendaId));
    expect(after).toEqual({ consultation: true, requireDispositions: true });
    const [audited] = await db.select({ data: t.auditEvents.data }).from(t.auditEvents).where(and(eq(t.auditEvents.action, "agenda.updated"), eq(t.auditEvents.subjectId, agendaId)));
    expect(audited.data).toMatchObject({ consultation: { from: false, to: true }, requireDispositions: { from: false, to: true } });
    expect((await get(`/a/${agendaId}`, "lead@ez.example")).body).toContain("data-consultation");
    const record = await consultationRecord(server.database, lead, workspaceId);
    expect(record.consultation).toBe(true);
    expect(record.mayDispose).toBe(true);
    expect(record.inputs.map((i) => i.id).sort()).toEqual([threads.belgium, threads.fme].sort());
    const belgium = record.inputs.find((i) => i.id === threads.belgium)!;
    expect(belgium).toMatchObject({ kind: "thread", sectionTitle, text: "België vraagt de clusters over de grens te noemen.", disposition: null });
    // The record is for the owners, the agenda's owners, the office and admins.
    await expect(consultationRecord(server.database, await actor("partner@be.example"), workspaceId)).rejects.toBeInstanceOf(Forbidden);
    await expect(consultationRecord(server.database, await actor("drafter@kgg.example"), workspaceId)).rejects.toBeInstanceOf(Forbidden);
    expect((await consultationRecord(server.database, await actor("office@minister.example"), workspaceId)).mayDispose).toBe(false);
  });

  it("refuses bad input with a clear error, and other people than the owners, changing nothing", async () => {
    const lead = await actor("lead@ez.example");
    const audits = await auditCount();
    const bad: [Record<string, unknown>, string | undefined][] = [
      [{ targetKind: "thread", targetId: threads.belgium, disposition: "maybe" }, "disposition"],
      [{ targetKind: "thread", targetId: threads.belgium, disposition: "not_adopted", reason: "  " }, "reason"],
      [{ targetKind: "thread", targetId: threads.belgium, disposition: "partly_adopted", reason: "x".repeat(1001) }, "reason"],
      [{ targetKind: "paragraph", targetId: threads.belgium, disposition: "adopted" }, "targetKind"],
      [{ targetKind: "thread", targetId: threads.belgium, disposition: "adopted", by: "someone-else" }, undefined],
    ];
    for (const [input, field] of bad) {
      const error = await setDisposition(server.services, { actor: lead, workspaceId, input }).catch((e: unknown) => e);
      expect(error, JSON.stringify(input)).toBeInstanceOf(CommandError);
      expect(error).toMatchObject({ code: "bad_request", status: 400, ...(field ? { field } : {}) });
    }
    // Not an external input: the lead's own thread, an organisation's internal one, an unknown id.
    for (const targetId of [threads.lead, threads.belgiumInternal, "no-such-thread"]) {
      await expect(setDisposition(server.services, { actor: lead, workspaceId, input: { targetKind: "thread", targetId, disposition: "adopted" } })).rejects.toMatchObject({ status: 404 });
    }
    for (const email of ["drafter@kgg.example", "partner@be.example", "office@minister.example", "viewer@tno.example"]) {
      await expect(
        setDisposition(server.services, { actor: await actor(email), workspaceId, input: { targetKind: "thread", targetId: threads.belgium, disposition: "adopted" } }),
      ).rejects.toBeInstanceOf(Forbidden);
    }
    expect(await dispositionRows()).toEqual([]);
    expect(await auditCount()).toBe(audits);
  });

  it("keeps the publication back while an input lacks a disposition, and publishes once each has one", async () => {
    const office = await actor("office@minister.example");
    const lead = await actor("lead@ez.example");
    const { db, t } = server.database;
    await db.update(t.sections).set({ status: "final" }).where(eq(t.sections.workspaceId, workspaceId));
    const refused = await publishAgenda(server.services, { actor: office, workspaceId }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "dispositions_missing", status: 409 });
    expect((refused as Error).message).toContain("2 input(s)");
    expect((refused as Error).message).toContain(sectionTitle);
    expect((await db.select({ status: t.sections.status }).from(t.sections).where(eq(t.sections.id, sectionId)))[0].status).toBe("final");

    await setDisposition(server.services, { actor: lead, workspaceId, input: { targetKind: "thread", targetId: threads.belgium, disposition: "not_adopted", reason: "Eerst meer ervaring opdoen." } });
    // The page's summary: one still to answer.
    expect((await get(`/w/${workspaceId}`, "lead@ez.example")).body).toMatch(/data-consultation-open="1"/);
    await expect(publishAgenda(server.services, { actor: office, workspaceId })).rejects.toMatchObject({ code: "dispositions_missing", message: expect.stringContaining("1 input(s)") });
    // A disposition given, then changed: the last one counts, the audit trail has both.
    await setDisposition(server.services, { actor: lead, workspaceId, input: { targetKind: "thread", targetId: threads.fme, disposition: "adopted" } });
    const changed = await setDisposition(server.services, {
      actor: lead,
      workspaceId,
      input: { targetKind: "thread", targetId: threads.fme, disposition: "partly_adopted", reason: "Termijn verlengd tot 2028, niet 2030." },
    });
    expect(changed.previous).toEqual({ disposition: "adopted", reason: "" });
    const audits = await db.select({ data: t.auditEvents.data, actorId: t.auditEvents.actorId }).from(t.auditEvents).where(and(eq(t.auditEvents.action, "consultation.disposition"), eq(t.auditEvents.subjectId, threads.fme)));
    expect(audits.map((a) => (a.data as { disposition: string }).disposition)).toEqual(["adopted", "partly_adopted"]);
    expect(audits.every((a) => a.actorId === lead.id)).toBe(true);
    expect((await dispositionRows()).map((r) => [r.targetId, r.disposition]).sort()).toEqual([[threads.belgium, "not_adopted"], [threads.fme, "partly_adopted"]].sort());

    expect((await publishAgenda(server.services, { actor: office, workspaceId })).count).toBeGreaterThan(0);
    expect((await db.select({ status: t.sections.status }).from(t.sections).where(eq(t.sections.id, sectionId)))[0].status).toBe("published");
  });

  it("exports each organisation's annex with its inputs, dispositions, reasons and where the text ended up, in every format", async () => {
    const lead = await actor("lead@ez.example");
    const be = await organisationId("BE");
    const fme = await organisationId("FME");
    const md = (await exportConsultationAnnex(server.services, { actor: lead, agendaId, organisationId: be, format: "md" })).body.toString("utf8");
    expect(md).toMatch(/^# Reactienota: /m);
    expect(md).toContain("België vraagt de clusters over de grens te noemen.");
    expect(md).toContain("**Reactie:** Niet overgenomen");
    expect(md).toContain("**Toelichting:** Eerst meer ervaring opdoen.");
    expect(md).toContain(`**Waar de tekst terechtkwam:** ${sectionTitle} (gepubliceerd)`);
    // Only Belgium's inputs: not FME's, not Belgium's internal note, not the lead's own.
    expect(md).not.toContain("FME stelt voor");
    expect(md).not.toContain("Intern: nog afstemmen");
    expect(md).not.toContain("Eigen opmerking van EZ");
    // No approvals annex in a reactienota.
    expect(md).not.toContain("Bijlage: goedkeuringen");

    const html = (await exportConsultationAnnex(server.services, { actor: lead, agendaId, organisationId: fme, format: "html" })).body.toString("utf8");
    const h1 = html.match(/<h1[^>]*>([^<]*)<\/h1>/)![1];
    expect(h1).toMatch(/^Reactienota: FME/);
    const paragraphs = [...html.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) => m[1].replace(/<[^>]+>/g, ""));
    expect(paragraphs).toContain("Reactie: Deels overgenomen");
    expect(paragraphs).toContain("Toelichting: Termijn verlengd tot 2028, niet 2030.");
    expect(paragraphs).toContain(`Waar de tekst terechtkwam: ${sectionTitle} (gepubliceerd)`);
    expect(html).not.toContain("België vraagt");

    const docx = await exportConsultationAnnex(server.services, { actor: lead, agendaId, organisationId: be, format: "docx" });
    const word = squash((await mammoth.extractRawText({ buffer: docx.body })).value);
    expect(word).toContain("Reactie: Niet overgenomen");
    expect(word).toContain("Toelichting: Eerst meer ervaring opdoen.");
    const pdf = squash(await pdfText((await exportConsultationAnnex(server.services, { actor: lead, agendaId, organisationId: be, format: "pdf" })).body));
    expect(pdf).toContain("Eerst meer ervaring opdoen.");
    expect(pdf).toContain("Niet overgenomen");

    // Who may not read the record gets no annex.
    for (const email of ["partner@be.example", "drafter@kgg.example"]) {
      await expect(exportConsultationAnnex(server.services, { actor: await actor(email), agendaId, organisationId: be, format: "md" })).rejects.toBeInstanceOf(Forbidden);
    }
    await expect(exportConsultationAnnex(server.services, { actor: lead, agendaId, organisationId: be, format: "exe" })).rejects.toMatchObject({ code: "bad_request" });
  });

  it("checks who asks at every door: the record page, the form post and the download", async () => {
    const page = await get(`/w/${workspaceId}/consultation`, "lead@ez.example");
    expect(page.status).toBe(200);
    expect(page.body).toContain(`data-input-id="${threads.belgium}"`);
    expect(page.body).toMatch(new RegExp(`data-input-id="${threads.belgium}" data-kind="thread" data-disposition="not_adopted"`));
    expect(page.body).toContain("Consultatieverslag");
    expect((await get(`/w/${workspaceId}/consultation`, "partner@be.example")).status).toBe(403);
    expect((await get(`/w/${workspaceId}/consultation`, "drafter@kgg.example")).status).toBe(403);

    const bad = await post(`/w/${workspaceId}/consultation`, "lead@ez.example", { targetKind: "thread", targetId: threads.belgium, disposition: "partly_adopted", reason: "" });
    expect(bad.status).toBe(400);
    const refused = await post(`/w/${workspaceId}/consultation`, "drafter@kgg.example", { targetKind: "thread", targetId: threads.belgium, disposition: "adopted", reason: "" });
    expect(refused.status).toBe(403);
    expect((await dispositionRows()).find((r) => r.targetId === threads.belgium)?.disposition).toBe("not_adopted");
    const done = await post(`/w/${workspaceId}/consultation`, "lead@ez.example", { targetKind: "thread", targetId: threads.belgium, disposition: "partly_adopted", reason: "Clusters Antwerpen en Gent genoemd." });
    expect(done.status).toBe(200);
    expect((await dispositionRows()).find((r) => r.targetId === threads.belgium)?.reason).toBe("Clusters Antwerpen en Gent genoemd.");

    const be = await organisationId("BE");
    const download = await get(`/a/${agendaId}/reactienota?organisation=${be}&format=md`, "office@minister.example");
    expect(download.status).toBe(200);
    expect(download.body).toContain("Clusters Antwerpen en Gent genoemd.");
    expect((await get(`/a/${agendaId}/reactienota?organisation=${be}&format=md`, "partner@be.example")).status).toBe(403);
    expect((await get(`/a/${agendaId}/reactienota?organisation=${be}&format=zip`, "lead@ez.example")).status).toBe(400);
  });
});
