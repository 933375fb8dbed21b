/**
 * Separation of duties through the web pages, as an owner who wants to take a section to final alone
 * would try it: the built Remix app on a real server, forms posted with the demo people's session
 * cookies. The organisation that asks for a review is never its only approver, nobody approves their
 * own request, and a workspace's approving organisations do not change while a review is open; each
 * refused change of approvers is in the audit trail.
 */
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { listAudit } from "../../server/services/audit";
import { workspaceApproverOrganisationsUnchecked } from "../../server/views/reviews";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
const cookies = new Map<string, string>();
const due = () => new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);

async function cookieFor(email: string, password?: string): Promise<string> {
  if (!cookies.has(email)) cookies.set(email, (await server.signIn(email, password)).cookie);
  return cookies.get(email)!;
}

async function page(path: string, email: string) {
  const res = await fetch(`${server.url}${path}`, { headers: { cookie: await cookieFor(email), "accept-language": "en" }, redirect: "manual" });
  return { status: res.status, html: await res.text() };
}

async function post(path: string, email: string | null, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const value of Array.isArray(v) ? v : [v]) body.append(k, value);
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", origin: server.url, "accept-language": "en" };
  if (email) headers.cookie = await cookieFor(email);
  const res = await fetch(`${server.url}${path}`, { method: "POST", headers, body, redirect: "manual" });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

async function orgId(code: string) {
  const { db, t } = server.database;
  const [row] = await db.select({ id: t.organisations.id }).from(t.organisations).where(eq(t.organisations.shortCode, code));
  return row.id;
}

const approverCodes = async (workspaceId: string) => (await workspaceApproverOrganisationsUnchecked(server.database, workspaceId)).map((o) => o.shortCode).sort();

async function sectionStatus(sectionId: string) {
  const { db, t } = server.database;
  const [row] = await db.select({ status: t.sections.status }).from(t.sections).where(eq(t.sections.id, sectionId));
  return row.status;
}

/** The "approve" choice of the decision form. */
const APPROVE_OPTION = /<input type="radio" name="decision"[^>]*value="approve"/;

function formHash(html: string): string {
  const m = html.match(/name="contentHash" value="([0-9a-f]{64})"/);
  if (!m) throw new Error("no form with a content hash on the page");
  return m[1];
}

beforeAll(async () => {
  ensureBuild();
  server = await startTestServer({ remix: "build" });
}, 300_000);

afterAll(() => server?.stop());

describe("separation of duties", () => {
  it("refuses an owner who makes their own organisation the only approver, and keeps the attempt in the audit trail", async () => {
    const workspaceId = await server.workspaceId("Toegang tot financiering");
    expect(await approverCodes(workspaceId)).toEqual(["KGG"]);
    const res = await post(`/w/${workspaceId}`, "lead@ez.example", { intent: "approvers", organisationId: [await orgId("EZ")] });
    expect(res.status).toBe(409);
    expect(res.html).toContain('data-error-code="own_organisation_only_approver"');
    expect(res.html).toContain("Your own organisation cannot be the only one to approve");
    expect(await approverCodes(workspaceId)).toEqual(["KGG"]);
    const [event] = await listAudit(server.database, { limit: 1 });
    expect(event).toMatchObject({
      action: "workspace.approvers_change_refused",
      actorId: await server.userId("lead@ez.example"),
      subjectId: workspaceId,
      data: { code: "own_organisation_only_approver", to: [await orgId("EZ")] },
    });
  });

  it("refuses a review requested by the only organisation that would approve it (approvers chosen before this rule)", async () => {
    const workspaceId = await server.workspaceId("Leveringscontracten op lange termijn");
    const [sectionId] = await server.sectionIds("Leveringscontracten op lange termijn");
    // As the old code let an owner save it: their own organisation alone.
    const { db, t } = server.database;
    await db.delete(t.workspaceApprovers).where(eq(t.workspaceApprovers.workspaceId, workspaceId));
    await db.insert(t.workspaceApprovers).values({ workspaceId, organisationId: await orgId("EZ") });
    const shown = await page(`/s/${sectionId}/review`, "lead@ez.example");
    expect(shown.html).toContain('data-error-code="own_organisation_only_approver"');
    const res = await post(`/s/${sectionId}/review`, "lead@ez.example", { intent: "request", dueDate: due() });
    expect(res.status).toBe(409);
    expect(res.html).toContain('data-error-code="own_organisation_only_approver"');
    expect(await sectionStatus(sectionId)).toBe("draft");
    expect(await db.select().from(t.reviewRounds).where(eq(t.reviewRounds.sectionId, sectionId))).toEqual([]);
  });

  it("lets nobody approve their own request, and keeps the approvers while the review is open; a colleague and another organisation take it to final", async () => {
    const title = "Een duidelijke en consistente beleidsomgeving";
    const workspaceId = await server.workspaceId(title);
    const [sectionId] = await server.sectionIds(title);
    const ez = await orgId("EZ");
    const kgg = await orgId("KGG");

    // The lead adds their own organisation next to KGG: allowed, someone else approves too.
    const saved = await post(`/w/${workspaceId}`, "lead@ez.example", { intent: "approvers", organisationId: [ez, kgg] });
    expect(saved.status).toBe(200);
    expect(await approverCodes(workspaceId)).toEqual(["EZ", "KGG"]);

    // A colleague at EZ joins through an invitation into the lead's own organisation (allowed).
    const invited = await post(`/w/${workspaceId}/members`, "lead@ez.example", { intent: "invite", email: "collega@ez.example", role: "commenter", organisationId: ez });
    expect(invited.status).toBe(200);
    const token = /\/invite\/([A-Za-z0-9_-]{43})/.exec(invited.html)![1];
    const joined = await post(`/invite/${token}`, null, { intent: "create", name: "Cor Collega", password: "a-long-enough-password", confirm: "a-long-enough-password" });
    expect(joined.status).toBe(302);
    await cookieFor("collega@ez.example", "a-long-enough-password");

    expect((await post(`/s/${sectionId}/review`, "lead@ez.example", { intent: "request", dueDate: due() })).status).toBe(200);
    expect(await sectionStatus(sectionId)).toBe("in_review");

    // The lead's organisation is asked, but the lead asked: the page offers no approval, the door refuses one.
    const own = await page(`/s/${sectionId}/review`, "lead@ez.example");
    expect(own.html).toContain("data-own-request");
    expect(own.html).toContain('value="request_changes"');
    expect(own.html).not.toMatch(APPROVE_OPTION);
    const selfApproval = await post(`/s/${sectionId}/review`, "lead@ez.example", { intent: "decide", decision: "approve", note: "", contentHash: formHash(own.html) });
    expect(selfApproval.status).toBe(403);
    expect(selfApproval.html).toContain('data-error-code="own_request"');
    const { db, t } = server.database;
    expect(await db.select().from(t.reviewDecisions).where(eq(t.reviewDecisions.userId, await server.userId("lead@ez.example")))).toEqual([]);

    // With the review open, the approvers stay; the attempt is audited.
    const change = await post(`/w/${workspaceId}`, "lead@ez.example", { intent: "approvers", organisationId: [ez, await orgId("OCW")] });
    expect(change.status).toBe(409);
    expect(change.html).toContain('data-error-code="review_open"');
    expect(await approverCodes(workspaceId)).toEqual(["EZ", "KGG"]);
    const [event] = await listAudit(server.database, { limit: 1 });
    expect(event).toMatchObject({ action: "workspace.approvers_change_refused", data: { code: "review_open", openReviewSectionIds: [sectionId] } });

    // KGG and the EZ colleague approve; the office signs off: the section is final.
    for (const email of ["drafter@kgg.example", "collega@ez.example"]) {
      const shown = await page(`/s/${sectionId}/review`, email);
      expect(shown.html, email).toMatch(APPROVE_OPTION);
      expect((await post(`/s/${sectionId}/review`, email, { intent: "decide", decision: "approve", note: "Akkoord.", contentHash: formHash(shown.html) })).status, email).toBe(200);
    }
    expect(await sectionStatus(sectionId)).toBe("approved");
    const office = await page(`/s/${sectionId}/review`, "office@minister.example");
    expect((await post(`/s/${sectionId}/review`, "office@minister.example", { intent: "signoff", contentHash: formHash(office.html) })).status).toBe(200);
    expect(await sectionStatus(sectionId)).toBe("final");
    // The round is closed with the sign-off; the approvers may change again.
    expect(await db.select().from(t.reviewRounds).where(and(eq(t.reviewRounds.sectionId, sectionId), isNull(t.reviewRounds.closedAt)))).toEqual([]);
    expect((await post(`/w/${workspaceId}`, "lead@ez.example", { intent: "approvers", organisationId: [kgg] })).status).toBe(200);
  });
});
