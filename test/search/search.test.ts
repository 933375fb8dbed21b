/**
 * Search over the wire: text typed through the stock y-websocket provider, comments made through the
 * comments route, searched through GET /api/v1/search with the person's session, on a real server
 * (SQLite in `npm test`, PostgreSQL in `npm run test:pg`).
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SearchAnswer } from "../../app/shared/search";
import { appendParagraph, connectProvider, synced, type ProviderClient } from "../collab/helpers";
import { anchorOf, post } from "../comments/helpers";
import { WS } from "../support/fixtures";
import { startTestServer, type TestServer } from "../support/server";

describe("search", () => {
  let server: TestServer;
  const cookies: Record<string, string> = {};
  const providers: ProviderClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ remix: "build" });
    for (const email of ["lead@ez.example", "drafter@kgg.example", "partner@be.example", "office@minister.example"]) {
      cookies[email] = (await server.signIn(email)).cookie;
    }
  });
  afterAll(async () => {
    for (const p of providers) p.destroy();
    await server?.stop();
  });

  async function search(email: string, params: Record<string, string>): Promise<SearchAnswer> {
    const res = await fetch(`${server.url}/api/v1/search?${new URLSearchParams(params)}`, { headers: { cookie: cookies[email] } });
    expect(res.status).toBe(200);
    return (await res.json()) as SearchAnswer;
  }
  const marked = (answer: SearchAnswer) => answer.results.flatMap((r) => r.snippet.filter((p) => p.hit).map((p) => p.text.toLowerCase()));

  it("finds a phrase a drafter typed moments ago, with the words marked, and only for people in that workspace", async () => {
    const [section] = await server.sectionIds(WS.financing);
    const client = connectProvider(server.url, section, { cookie: cookies["drafter@kgg.example"], origin: server.url });
    providers.push(client);
    await synced(client);
    const phrase = "Zeldzame aardmetalen uit Groenland vragen een eigen scheidingsinstallatie";
    const indexed = server.search.indexed(section, (body) => body.includes(phrase));
    appendParagraph(client.doc, `${phrase} <b>vet</b> & meer.`);
    await indexed;

    const found = await search("drafter@kgg.example", { q: "aardmetalen scheidingsinstallatie" });
    expect(found.total).toBe(1);
    expect(found.results[0]).toMatchObject({ kind: "section", section: { id: section, title: "Aanleiding" }, workspace: { title: WS.financing }, href: `/s/${section}` });
    expect(marked(found)).toEqual(["aardmetalen", "scheidingsinstallatie"]);
    // The snippet is text: the markup someone typed comes back as characters, not as elements.
    expect(found.results[0].snippet.map((p) => p.text).join("")).toContain("<b>vet</b> & meer.");

    const partner = await search("partner@be.example", { q: "aardmetalen scheidingsinstallatie" });
    expect(partner).toEqual({ query: "aardmetalen scheidingsinstallatie", total: 0, more: false, results: [] });
  });

  it("lets an agenda's owner who is in none of its workspaces find their text; an outsider finds nothing", async () => {
    const [section] = await server.sectionIds(WS.financing);
    const client = connectProvider(server.url, section, { cookie: cookies["drafter@kgg.example"], origin: server.url });
    providers.push(client);
    await synced(client);
    const phrase = "Kobaltraffinage vraagt een vergunningstraject van drie jaar";
    const indexed = server.search.indexed(section, (body) => body.includes(phrase));
    appendParagraph(client.doc, phrase);
    await indexed;

    // The Belgian partner is a member of the cross-border workspace only: an outsider to financing.
    expect((await search("partner@be.example", { q: "kobaltraffinage" })).total).toBe(0);
    // Naming the owners is another command's; here the row is written as it would write it.
    const { db, t } = server.database;
    const [agenda] = await db.select({ id: t.agendas.id }).from(t.agendas);
    const partnerId = await server.userId("partner@be.example");
    await db.insert(t.agendaOwners).values({ agendaId: agenda.id, userId: partnerId });
    try {
      const found = await search("partner@be.example", { q: "kobaltraffinage" });
      expect(found.total).toBe(1);
      expect(found.results[0]).toMatchObject({ kind: "section", section: { id: section }, workspace: { title: WS.financing } });
      expect(marked(found)).toEqual(["kobaltraffinage"]);
      // An archived agenda is found by nobody, its owners included.
      await db.update(t.agendas).set({ archivedAt: new Date() }).where(eq(t.agendas.id, agenda.id));
      expect((await search("partner@be.example", { q: "kobaltraffinage" })).total).toBe(0);
      expect((await search("drafter@kgg.example", { q: "kobaltraffinage" })).total).toBe(0);
    } finally {
      await db.update(t.agendas).set({ archivedAt: null }).where(eq(t.agendas.id, agenda.id));
      await db.delete(t.agendaOwners).where(eq(t.agendaOwners.userId, partnerId));
    }
    expect((await search("partner@be.example", { q: "kobaltraffinage" })).total).toBe(0);
    expect((await search("drafter@kgg.example", { q: "kobaltraffinage" })).total).toBe(1);
  });

  it("stems Dutch: grondstof finds grondstoffen, and grondstoffen finds grondstof", async () => {
    const found = await search("lead@ez.example", { q: "grondstof", limit: "50" });
    expect(found.total).toBeGreaterThan(3);
    expect(marked(found)).toContain("grondstoffen");

    const [section] = await server.sectionIds(WS.crossBorder);
    const client = connectProvider(server.url, section, { cookie: cookies["lead@ez.example"], origin: server.url });
    providers.push(client);
    await synced(client);
    const indexed = server.search.indexed(section, (body) => body.includes("Elke grondstof telt"));
    appendParagraph(client.doc, "Elke grondstof telt.");
    await indexed;
    const plural = await search("lead@ez.example", { q: "grondstoffen telt" });
    expect(plural.results.map((r) => r.section.id)).toEqual([section]);
    expect(marked(plural)).toEqual(["grondstof", "telt"]);
  });

  it("never shows the Belgian partner an organisation-only thread of EZ: no hit, no snippet, no count", async () => {
    const [section] = await server.sectionIds(WS.crossBorder);
    const client = connectProvider(server.url, section, { cookie: cookies["lead@ez.example"], origin: server.url });
    providers.push(client);
    await synced(client);
    const anchor = anchorOf(client.doc, "Clusterplan Antwerpen–Rotterdam");
    const secret = await post(server.url, cookies["lead@ez.example"], section, {
      intent: "create",
      ...anchor,
      visibility: "organisation",
      body: "Onderhandelingsruimte Antwerpen: wij geven de heffingskorting pas op in de laatste ronde",
    });
    expect(secret.status).toBe(200);
    const open = await post(server.url, cookies["lead@ez.example"], section, {
      intent: "create",
      ...anchor,
      visibility: "all",
      body: "Graag een reactie uit Antwerpen op de planning",
    });
    expect(open.status).toBe(200);
    await server.search.settled();

    const lead = await search("lead@ez.example", { q: "heffingskorting" });
    expect(lead.results).toHaveLength(1);
    expect(lead.results[0]).toMatchObject({ kind: "comment", threadId: secret.body.thread!.id, href: `/s/${section}?thread=${secret.body.thread!.id}` });

    for (const email of ["partner@be.example", "drafter@kgg.example"]) {
      const res = await fetch(`${server.url}/api/v1/search?q=heffingskorting`, { headers: { cookie: cookies[email] } });
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ query: "heffingskorting", total: 0, more: false, results: [] });
    }
    // A word in the secret and in what the partner may read: only what they may read is found and counted.
    const antwerpen = await search("partner@be.example", { q: "antwerpen" });
    expect(antwerpen.results.map((r) => r.kind).sort()).toEqual(["comment", "section"]);
    expect(antwerpen.total).toBe(2);
    expect(antwerpen.results.find((r) => r.kind === "comment")?.threadId).toBe(open.body.thread!.id);
    expect(JSON.stringify(antwerpen)).not.toMatch(/heffingskorting|Onderhandelingsruimte/);
    const leadAntwerpen = await search("lead@ez.example", { q: "antwerpen" });
    expect(leadAntwerpen.total).toBe(3);
  });

  it("filters by workspace, status, agenda and lead organisation, and hides archived workspaces", async () => {
    const all = await search("office@minister.example", { q: "grondstoffen", limit: "50" });
    const financing = await server.workspaceId(WS.financing);
    const inOne = await search("office@minister.example", { q: "grondstoffen", workspace: financing });
    expect(inOne.total).toBeGreaterThan(0);
    expect(inOne.total).toBeLessThan(all.total);
    expect(new Set(inOne.results.map((r) => r.workspace.id))).toEqual(new Set([financing]));
    expect((await search("office@minister.example", { q: "grondstoffen", status: "final" })).total).toBe(0);

    const { db, t } = server.database;
    const [agenda] = await db.select({ id: t.agendas.id }).from(t.agendas);
    expect((await search("office@minister.example", { q: "grondstoffen", agenda: agenda.id, limit: "50" })).total).toBe(all.total);
    const [ws] = await db.select({ lead: t.workspaces.leadOrganisationId }).from(t.workspaces).where(eq(t.workspaces.id, financing));
    const byLead = await search("office@minister.example", { q: "grondstoffen", organisation: ws.lead!, limit: "50" });
    expect(byLead.results.length).toBeGreaterThan(0);

    // Archiving is another command's; here the column is set as it would set it.
    await db.update(t.workspaces).set({ archivedAt: new Date() }).where(eq(t.workspaces.id, financing));
    const after = await search("office@minister.example", { q: "grondstoffen", limit: "50" });
    expect(after.results.some((r) => r.workspace.id === financing)).toBe(false);
    expect(after.total).toBe(all.total - inOne.total);
    await db.update(t.workspaces).set({ archivedAt: null }).where(eq(t.workspaces.id, financing));
  });

  it("answers 400 for an empty or overlong query or an unknown filter, and 401 without a session", async () => {
    for (const query of ["q=", "q=%20%20", `q=${"a".repeat(201)}`, "q=x&status=lost", "q=x&colour=red", "q=x&workspace=../etc", "q=a&q=b"]) {
      const res = await fetch(`${server.url}/api/v1/search?${query}`, { headers: { cookie: cookies["lead@ez.example"] } });
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("bad_request");
    }
    expect((await fetch(`${server.url}/api/v1/search?q=grondstof`)).status).toBe(401);
  });

  it("answers a query of only punctuation with nothing, and a query with FTS syntax as plain words", async () => {
    expect((await search("lead@ez.example", { q: "***" })).total).toBe(0);
    expect((await search("lead@ez.example", { q: '"grondstoffen" OR NEAR(x' })).total).toBe(0);
    expect((await search("lead@ez.example", { q: "grondstoffen' & !" })).total).toBeGreaterThan(0);
  });
});
