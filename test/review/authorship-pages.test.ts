/**
 * Who wrote what, as people see it (ADR 028): the section's "who wrote what" page colours the current
 * text by the organisation that last wrote each part, with a legend and a filter; the version compare
 * names the author of each added part; someone who may not read the section gets neither; an export
 * never shows it.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { appendParagraph, connectProvider, hasAll, pollAsync, synced, type ProviderClient } from "../collab/helpers";
import { loadStoredDoc } from "../../server/services/section-text";
import { textOf } from "../collab/helpers";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let sectionId: string;
let versionId: string;
const cookies = new Map<string, string>();
const clients: ProviderClient[] = [];

async function cookieFor(email: string): Promise<string> {
  if (!cookies.has(email)) cookies.set(email, (await server.signIn(email)).cookie);
  return cookies.get(email)!;
}
async function page(path: string, email: string, language = "en") {
  const res = await fetch(`${server.url}${path}`, { headers: { cookie: await cookieFor(email), "accept-language": language }, redirect: "manual" });
  return { status: res.status, html: await res.text(), headers: res.headers };
}
async function post(path: string, email: string, fields: Record<string, string>) {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url, cookie: await cookieFor(email), "accept-language": "en" },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  return { status: res.status, html: await res.text() };
}
const decode = (s: string) => s.replace(/&amp;/g, "&").replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">");
/** The coloured runs of the page: their text and the title naming who wrote them. */
const runsOf = (html: string) =>
  [...html.matchAll(/<span class="authorship__run[^"]*" data-author="[^"]*" data-group="([^"]*)"(?: title="([^"]*)")?[^>]*>([^<]*)<\/span>/g)].map((m) => ({
    group: m[1],
    title: decode(m[2] ?? ""),
    text: decode(m[3]),
  }));
const organisation = async (email: string) => {
  const { db, t } = server.database;
  const [row] = await db
    .select({ name: t.organisations.name, shortCode: t.organisations.shortCode, person: t.user.name })
    .from(t.user)
    .innerJoin(t.organisations, eq(t.organisations.id, t.user.organisationId))
    .where(eq(t.user.email, email));
  return row;
};

beforeAll(async () => {
  ensureBuild();
  server = await startTestServer({ remix: "build" });
  sectionId = (await server.sectionIds("Toegang tot financiering"))[2];
  // A version of the text before the two organisations write.
  expect((await post(`/s/${sectionId}/history`, "lead@ez.example", { intent: "create", name: "Voor de ronde" })).status).toBeLessThan(400);
  const history = await page(`/s/${sectionId}/history`, "lead@ez.example");
  versionId = history.html.match(/data-version-id="([^"]+)" data-kind="manual"/)![1];
  for (const email of ["drafter@kgg.example", "lead@ez.example"]) {
    const c = connectProvider(server.url, sectionId, { cookie: await cookieFor(email) });
    clients.push(c);
    await synced(c);
  }
  appendParagraph(clients[0].doc, "Zin geschreven door KGG.");
  appendParagraph(clients[1].doc, "Zin geschreven door EZ.");
  await hasAll(clients[0].doc, ["Zin geschreven door KGG.", "Zin geschreven door EZ."], "both sentences");
  await pollAsync(async () => textOf(await loadStoredDoc(server.database, sectionId)).includes("Zin geschreven door EZ."), "stored");
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
});

describe("who wrote what", () => {
  it("colours each part of the current text by its organisation, with a legend and a filter, in English and Dutch", async () => {
    const kgg = await organisation("drafter@kgg.example");
    const ez = await organisation("lead@ez.example");
    const { status, html } = await page(`/s/${sectionId}/authorship`, "viewer@tno.example");
    expect(status).toBe(200);
    const runs = runsOf(html);
    const kggRun = runs.find((r) => r.text.includes("Zin geschreven door KGG."))!;
    const ezRun = runs.find((r) => r.text.includes("Zin geschreven door EZ."))!;
    expect(kggRun.title).toBe(`Written by ${kgg.name}`);
    expect(ezRun.title).toBe(`Written by ${ez.name}`);
    expect(kggRun.group).not.toBe(ezRun.group);
    // The seed's text was written before authors were recorded.
    expect(runs.some((r) => r.group === "" && r.text.length > 0)).toBe(true);
    const legend = html.match(/<ul class="authorship-legend"[^>]*>([\s\S]*?)<\/ul>/)![1];
    expect(decode(legend)).toContain(kgg.name);
    expect(decode(legend)).toContain(ez.name);
    expect(legend).toContain("Unknown");
    // The filter and the colour choice are form controls (reachable by keyboard).
    expect(html).toMatch(/<select id="authorship-only"/);
    expect(html).toContain(`>${decode(kgg.name)}</option>`.replace(/&/g, "&amp;"));
    expect(html).toMatch(/<input type="radio" name="by" value="person"/);
    const dutch = await page(`/s/${sectionId}/authorship`, "viewer@tno.example", "nl");
    expect(dutch.html).toContain("Wie schreef wat");
    expect(runsOf(dutch.html).find((r) => r.text.includes("KGG."))!.title).toBe(`Geschreven door ${kgg.name}`);
  });

  it("is linked from the section page, and refused to someone who may not read the section", async () => {
    expect((await page(`/s/${sectionId}`, "drafter@kgg.example")).html).toContain(`href="/s/${sectionId}/authorship"`);
    const refused = await page(`/s/${sectionId}/authorship`, "partner@be.example");
    expect(refused.status).toBe(403);
    expect(refused.html).not.toContain("Zin geschreven door KGG.");
  });

  it("names the author of each added part in the version compare", async () => {
    const kgg = await organisation("drafter@kgg.example");
    const ez = await organisation("lead@ez.example");
    const { status, html } = await page(`/s/${sectionId}/compare?from=${versionId}&to=current`, "drafter@kgg.example");
    expect(status).toBe(200);
    // Laid out in the text's own blocks (one paragraph per block, not one flattened run).
    expect(html).toContain("data-diff-formatted");
    expect(html).toMatch(/<div class="diff prose" data-diff="true" data-diff-formatted="true"><p>/);
    const added = [...html.matchAll(/<ins class="diff__added">([\s\S]*?)<\/ins>/g)].map((m) => decode(m[1]));
    // The two new paragraphs are one added part; it names both writers, and nobody else.
    const part = added.find((a) => a.includes("Zin geschreven door KGG."))!;
    const authors = part.match(/data-authors="([^"]*)"/)![1].split("; ").sort();
    expect(authors).toEqual([`${kgg.person} (${kgg.shortCode})`, `${ez.person} (${ez.shortCode})`].sort());
  });

  it("shows the version pickers when compare is opened without versions, and a clear refusal for a malformed one", async () => {
    for (const [lang, words] of [
      ["en", "Choose the two versions to compare."],
      ["nl", "Kies de twee versies die u wilt vergelijken."],
    ] as const) {
      const { status, html } = await page(`/s/${sectionId}/compare`, "drafter@kgg.example", lang);
      expect(status).toBe(200);
      expect(html).toContain(words);
      expect(html).toContain("data-compare-picker");
      expect(html).toContain(`<option value="${versionId}"`);
      expect(html).not.toContain("data-diff");
    }
    // The comparison offers the pickers again, set to what it compares.
    const compared = await page(`/s/${sectionId}/compare?from=${versionId}&to=current`, "drafter@kgg.example");
    expect(compared.html).toMatch(new RegExp(`<select id="again-from" name="from">[\\s\\S]*?<option value="${versionId}" selected="">`));
    expect((await page(`/s/${sectionId}/compare?from=not-an-id!`, "drafter@kgg.example")).status).toBe(400);
    // Still only for those who may read the section.
    expect((await page(`/s/${sectionId}/compare`, "partner@be.example")).status).toBe(403);
  });

  it("never shows it in an export", async () => {
    const res = await fetch(`${server.url}/api/v1/sections/${sectionId}`, { headers: { cookie: await cookieFor("lead@ez.example") } });
    const body = await res.text();
    expect(body).toContain("Zin geschreven door KGG.");
    expect(body).not.toMatch(/data-author|Written by|Geschreven door/);
  });
});
