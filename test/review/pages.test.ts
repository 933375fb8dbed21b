/**
 * The review path through the web pages, as people use them: the built Remix app, forms posted with
 * the demo people's session cookies, an edit made with the stock collab provider in between.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { currentHash } from "../../server/views/versions";
import { appendParagraph, connectProvider, pollAsync, synced, type ProviderClient } from "../collab/helpers";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let workspaceId: string;
let sectionId: string;
const cookies = new Map<string, string>();
const clients: ProviderClient[] = [];

async function cookieFor(email: string): Promise<string> {
  if (!cookies.has(email)) cookies.set(email, (await server.signIn(email)).cookie);
  return cookies.get(email)!;
}

async function page(path: string, email: string) {
  const res = await fetch(`${server.url}${path}`, { headers: { cookie: await cookieFor(email), "accept-language": "nl" }, redirect: "manual" });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

async function post(path: string, email: string, fields: Record<string, string>) {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url, cookie: await cookieFor(email), "accept-language": "nl" },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  return { status: res.status, html: await res.text() };
}

/** The content hash the decision form carries (what the approver is shown). */
function formHash(html: string): string {
  const m = html.match(/name="contentHash" value="([0-9a-f]{64})"/);
  if (!m) throw new Error("no decision form with a content hash on the page");
  return m[1];
}

const decisionOf = (html: string, org: string) => html.match(new RegExp(`data-organisation="${org}" data-decision="([a-z_]+)" data-stale="(true|false)"`))?.slice(1, 3);

beforeAll(async () => {
  ensureBuild();
  server = await startTestServer({ remix: "build" });
  workspaceId = await server.workspaceId("Geschoolde arbeidskrachten");
  [sectionId] = await server.sectionIds("Geschoolde arbeidskrachten");
  const { db, t } = server.database;
  const [kgg] = await db.select({ id: t.organisations.id }).from(t.organisations).where(eq(t.organisations.shortCode, "KGG"));
  await db.insert(t.workspaceApprovers).values({ workspaceId, organisationId: kgg.id });
}, 300_000);

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
});

describe("the review path in the web app", () => {
  it("goes from draft to a published, signed workspace, every approval tied to the text it approved", async () => {
    const due = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    // An editor may not request review: the page refuses with 403 and nothing changes.
    expect((await post(`/s/${sectionId}/review`, "expert@fme.example", { intent: "request", dueDate: due })).status).toBe(403);
    const bad = await post(`/s/${sectionId}/review`, "lead@ez.example", { intent: "request", dueDate: "2001-01-01" });
    expect(bad.status).toBe(400);
    expect((await page(`/s/${sectionId}/review`, "lead@ez.example")).html).toContain("Er loopt geen review voor deze sectie.");

    const requested = await post(`/s/${sectionId}/review`, "lead@ez.example", { intent: "request", dueDate: due });
    expect(requested.status).toBe(200);
    expect(requested.html).toContain("Review aangevraagd.");

    // Both organisations approve exactly the text they were shown.
    for (const email of ["approver@ocw.example", "drafter@kgg.example"]) {
      const shown = await page(`/s/${sectionId}/review`, email);
      expect(shown.html).toContain("Uw besluit");
      const res = await post(`/s/${sectionId}/review`, email, { intent: "decide", decision: "approve", note: "Akkoord.", contentHash: formHash(shown.html) });
      expect(res.status).toBe(200);
    }
    let review = await page(`/s/${sectionId}/review`, "lead@ez.example");
    expect(decisionOf(review.html, "OCW")).toEqual(["approve", "false"]);
    expect(decisionOf(review.html, "KGG")).toEqual(["approve", "false"]);
    expect(review.html).toContain('data-status="approved"');
    const approvedHash = formHash((await page(`/s/${sectionId}/review`, "approver@ocw.example")).html);

    // An edit makes both approvals stale; the page offers "what changed since you approved".
    const client = connectProvider(server.url, sectionId, { cookie: await cookieFor("expert@fme.example") });
    clients.push(client);
    await synced(client);
    appendParagraph(client.doc, "Extra afspraak over stageplaatsen.");
    await pollAsync(async () => (await currentHash(server.database, sectionId)) !== approvedHash, "the edit to be stored");
    // The approvals show as stale at once; the section goes back to "in review" a moment later (the
    // status is re-checked after the edit is stored).
    await pollAsync(async () => {
      const html = (await page(`/s/${sectionId}/review`, "lead@ez.example")).html;
      return decisionOf(html, "OCW")?.[1] === "true" && html.includes('data-status="in_review"');
    }, "the approval to show as stale and the section back in review");
    review = await page(`/s/${sectionId}/review`, "approver@ocw.example");
    expect(review.html).toContain("Goedkeuring verouderd");
    const anchor = [...review.html.matchAll(/<a [^>]*>/g)].map((m) => m[0]).find((a) => a.includes("data-what-changed"));
    const link = anchor?.match(/href="([^"]*)"/)?.[1];
    expect(link).toBeTruthy();
    const diff = await page(link!.replace(/&amp;/g, "&"), "approver@ocw.example");
    expect(diff.status).toBe(200);
    expect(diff.html).toMatch(/<ins class="diff__added">[\s\S]*Extra afspraak over stageplaatsen\./);

    // An approval of the old text is refused as stale, and the office cannot sign.
    const stale = await post(`/s/${sectionId}/review`, "approver@ocw.example", { intent: "decide", decision: "approve", contentHash: approvedHash });
    expect(stale.status).toBe(409);
    expect(stale.html).toContain('data-error-code="stale_version"');
    expect((await post(`/s/${sectionId}/review`, "office@minister.example", { intent: "signoff", contentHash: approvedHash })).status).toBe(403);

    // Both re-approve the new text; the office signs; the section page says locked, by whom.
    for (const email of ["approver@ocw.example", "drafter@kgg.example"]) {
      const shown = await page(`/s/${sectionId}/review`, email);
      expect((await post(`/s/${sectionId}/review`, email, { intent: "decide", decision: "approve", contentHash: formHash(shown.html) })).status).toBe(200);
    }
    const office = await page(`/s/${sectionId}/review`, "office@minister.example");
    expect(office.html).toContain("Vaststellen en vergrendelen");
    const signed = await post(`/s/${sectionId}/review`, "office@minister.example", { intent: "signoff", contentHash: formHash(office.html) });
    expect(signed.status).toBe(200);
    const sectionPage = await page(`/s/${sectionId}`, "lead@ez.example");
    expect(sectionPage.html).toContain("Otto Brouwer");
    expect(sectionPage.html).toContain('data-status="final"');

    // The approvals and the sign-off stay in view once the round is closed, on the section page and
    // the review page, for anyone who may read the section: who, which organisation, the outcome.
    const plain = (html: string) => html.replace(/<!-- -->/g, "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
    for (const [path, email] of [[`/s/${sectionId}`, "viewer@tno.example"], [`/s/${sectionId}/review`, "lead@ez.example"]]) {
      const shown = await page(path, email);
      expect(shown.html, path).toContain("data-approval-record");
      const record = plain(shown.html.slice(shown.html.indexOf("data-approval-record")));
      expect(record, path).toMatch(/Goedkeuringen en vaststelling/);
      expect(record, path).toMatch(/: goedgekeurd door Anouk Visser, /);
      expect(record, path).toMatch(/: goedgekeurd door Daan Kramer, /);
      expect(record, path).toMatch(/Vastgesteld en vergrendeld door Otto Brouwer op /);
      expect(plain(shown.html), path).not.toContain("Er loopt geen review");
    }

    // History lists the automatic versions; one opens read-only.
    const history = await page(`/s/${sectionId}/history`, "lead@ez.example");
    for (const kind of ["review", "decision", "signoff"]) expect(history.html).toContain(`data-kind="${kind}"`);
    const versionId = history.html.match(/data-version-id="([^"]+)" data-kind="signoff"/)![1];
    const version = await page(`/s/${sectionId}/versions/${versionId}`, "viewer@tno.example");
    expect(version.status).toBe(200);
    expect(version.html).toContain("Extra afspraak over stageplaatsen.");

    // The workspace cannot be published before its other sections are final.
    const early = await post(`/w/${workspaceId}`, "office@minister.example", { intent: "publish" });
    expect(early.status).toBe(409);
    expect(early.html).toContain('data-error-code="not_final"');

    // The dashboard shows the roll-up; the export is a download, marked concept while drafts remain.
    const dashboard = await page("/", "lead@ez.example");
    expect(dashboard.html).toContain("data-rollup");
    expect(dashboard.html).toMatch(/data-rollup-status="final"><span class="rollup__n">1</);
    const res = await fetch(`${server.url}/agenda/export?format=docx&workspace=${workspaceId}`, { headers: { cookie: await cookieFor("viewer@tno.example") } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename=".*-concept\.docx"/);
    expect((await fetch(`${server.url}/agenda/export?format=exe`, { headers: { cookie: await cookieFor("viewer@tno.example") } })).status).toBe(400);
  });
});
