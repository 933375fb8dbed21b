/**
 * Mail (issue 15, ADR 020) against a real SMTP server in the test process: what arrives, in whose
 * language, with what links; the outbox across an SMTP outage and a restart; digests; unsubscribe
 * links; and that no organisation-only text reaches another organisation.
 */
import { and, eq } from "drizzle-orm";
import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, todayInNetherlands } from "../../app/shared/dates";
import { DEMO_PASSWORD } from "../../server/seed/content";
import { createPerson } from "../../server/auth";
import { createInvitation } from "../../server/commands/invitationCreate";
import { changePersonOrganisation } from "../../server/commands/personChangeOrganisation";
import { setWorkspaceApprovers } from "../../server/commands/reviewApproversSet";
import { decideReview } from "../../server/commands/reviewDecide";
import { requestReview } from "../../server/commands/reviewRequest";
import { assignThread } from "../../server/commands/threadAssign";
import { createThread } from "../../server/commands/threadCreate";
import { MAIL_HOUR } from "../../server/mail/jobs";
import { setMailPreferences } from "../../server/mail/outbox";
import { loadActor } from "../../server/services/access";
import { loadStoredDoc } from "../../server/services/section-text";
import { currentHash } from "../../server/views/versions";
import { textOf } from "../collab/helpers";
import { anchorOf } from "../comments/helpers";
import { WS } from "../support/fixtures";
import { inNetherlands, manualClock } from "../support/manual-clock";
import { seededDatabaseUrl, startTestServer, type TestServer } from "../support/server";
import { addressesOf, startSmtp, type TestSmtp } from "../support/smtp";

let smtp: TestSmtp;
let server: TestServer;
let db: { url: string; drop: () => Promise<void> };
const clock = manualClock();

const start = () =>
  startTestServer({
    databaseUrl: db.url,
    remix: "build",
    env: { SMTP_URL: smtp.url, MAIL_FROM: "Overleg <overleg@overleg.example>" },
    // Retries one millisecond after a failure, so the test decides when by ticking the clock.
    mail: { clock, backoffMs: () => 1, maxAttempts: 3 },
  });

beforeAll(async () => {
  smtp = await startSmtp();
  db = await seededDatabaseUrl();
  server = await start();
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await smtp?.stop();
  await db?.drop();
});

async function actor(email: string) {
  const a = await loadActor(server.database, await server.userId(email));
  if (!a) throw new Error(`no actor ${email}`);
  return a;
}

const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
const linksIn = (mail: ParsedMail) => [...(mail.text ?? "").matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
const unsubscribeLink = (mail: ParsedMail) => linksIn(mail).find((l) => l.includes("/mail/unsubscribe"))!;

async function outbox(where?: { kind?: string; to?: string }) {
  const { db: d, t } = server.database;
  const rows = await d.select().from(t.mailOutbox);
  return rows.filter((r) => (!where?.kind || r.kind === where.kind) && (!where?.to || r.toAddress === where.to));
}

describe("mail", () => {
  it("mails an invitation whose link, opened signed out, makes the invitee a member", async () => {
    const ws = await server.workspaceId(WS.labour);
    const lead = await actor("lead@ez.example");
    const invite = await createInvitation(server.services, { actor: lead, workspaceId: ws, email: "Nieuw@ez.example", role: "editor", organisationId: lead.organisationId! });
    const [mail] = await smtp.waitFor(() => smtp.to("nieuw@ez.example").length > 0).then(() => smtp.to("nieuw@ez.example"));
    // The inviter still got the link once; the mail carries the same link, in text and HTML.
    expect(linksIn(mail)).toContain(invite.url);
    expect(mail.html).toContain(invite.url);
    expect(mail.subject).toContain(WS.labour);
    expect(mail.from?.text).toContain("overleg@overleg.example");
    await server.mailer.deliver();
    // Once sent, the outbox no longer holds the link.
    const [row] = await outbox({ kind: "invitation", to: "nieuw@ez.example" });
    expect(row.status).toBe("sent");
    expect(JSON.stringify(row.data)).not.toContain(invite.token);

    const page = await fetch(invite.url);
    expect(page.status).toBe(200);
    const form = new URLSearchParams({ intent: "create", name: "Nieuwe Collega", password: "a-long-enough-password", confirm: "a-long-enough-password" });
    const res = await fetch(invite.url, { method: "POST", body: form, headers: { origin: server.url, "content-type": "application/x-www-form-urlencoded" }, redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/w/${ws}?welcome=1`);
    const { db: d, t } = server.database;
    const [membership] = await d.select().from(t.memberships).where(and(eq(t.memberships.workspaceId, ws), eq(t.memberships.userId, await server.userId("nieuw@ez.example"))));
    expect(membership.role).toBe("editor");
  });

  it("sends a review request to every approver of both approving organisations, each in their own language", async () => {
    const { db: d, t } = server.database;
    await d.update(t.user).set({ locale: "en" }).where(eq(t.user.email, "drafter@kgg.example"));
    const orgs = await d.select({ id: t.organisations.id, code: t.organisations.shortCode }).from(t.organisations);
    const organisationIds = orgs.filter((o) => o.code === "OCW" || o.code === "KGG").map((o) => o.id);
    await setWorkspaceApprovers(server.services, { actor: await actor("lead@ez.example"), workspaceId: await server.workspaceId(WS.labour), organisationIds });
    const [sectionId] = await server.sectionIds(WS.labour);
    await requestReview(server.services, { actor: await actor("lead@ez.example"), sectionId, dueDate: inAWeek() });
    await smtp.waitFor(() => smtp.to("approver@ocw.example").length > 0 && smtp.to("drafter@kgg.example").length > 0);
    const [ocw] = smtp.to("approver@ocw.example");
    const [kgg] = smtp.to("drafter@kgg.example");
    expect(ocw.subject).toMatch(/^Beoordeling gevraagd: /);
    expect(kgg.subject).toMatch(/^Review requested: /);
    for (const mail of [ocw, kgg]) {
      expect(mail.text).toContain(`/s/${sectionId}/review`);
      expect(mail.html).toContain(`/s/${sectionId}/review`);
      expect(unsubscribeLink(mail)).toBeTruthy();
      // mailparser files List-Unsubscribe under "list".
      expect((mail.headers.get("list") as { unsubscribe?: { url?: string } }).unsubscribe?.url).toBe(unsubscribeLink(mail));
    }
    // Nobody outside the approving organisations was asked.
    expect(smtp.mails.filter((m) => m.subject?.includes("eoordeling gevraagd") || m.subject?.includes("Review requested")).flatMap(addressesOf).sort()).toEqual([
      "approver@ocw.example",
      "drafter@kgg.example",
    ]);
  });

  it("sends 'changes requested' at once and groups a day's approvals into one digest the next morning", async () => {
    const [, second, third] = await server.sectionIds(WS.labour);
    const lead = await actor("lead@ez.example");
    for (const sectionId of [second, third]) await requestReview(server.services, { actor: lead, sectionId, dueDate: inAWeek() });
    const approver = await actor("approver@ocw.example");
    await decideReview(server.services, { actor: approver, sectionId: second, decision: "approve", contentHash: await currentHash(server.database, second) });
    await decideReview(server.services, { actor: approver, sectionId: third, decision: "approve", contentHash: await currentHash(server.database, third) });
    await decideReview(server.services, { actor: await actor("drafter@kgg.example"), sectionId: third, decision: "request_changes", note: "Graag de cijfers van 2025.", contentHash: await currentHash(server.database, third) });
    await smtp.waitFor(() => smtp.to("lead@ez.example").some((m) => m.subject?.startsWith("Wijzigingen gevraagd")));
    const changes = smtp.to("lead@ez.example").find((m) => m.subject?.startsWith("Wijzigingen gevraagd"))!;
    expect(changes.text).toContain("Graag de cijfers van 2025.");
    // Approvals wait for the digest (the default for them is daily).
    expect(smtp.to("lead@ez.example").filter((m) => m.subject?.startsWith("Goedgekeurd"))).toHaveLength(0);
    expect((await outbox({ kind: "approval", to: "lead@ez.example" })).map((r) => r.status)).toEqual(["digest", "digest"]);

    // The next morning at 07:00 in the Netherlands (06:00 UTC in winter): one mail with both.
    // Tomorrow in the Netherlands: between 23:00 and 24:00 UTC in winter it is already tomorrow there.
    const tomorrow = addDays(todayInNetherlands(), 1)!;
    clock.set(inNetherlands(tomorrow, MAIL_HOUR - 1, 59));
    await clock.tick();
    expect(smtp.to("lead@ez.example").filter((m) => m.subject?.startsWith("Overleg:"))).toHaveLength(0);
    clock.set(inNetherlands(tomorrow, MAIL_HOUR));
    await clock.tick();
    await clock.tick();
    const digests = smtp.to("lead@ez.example").filter((m) => m.subject?.startsWith("Overleg:"));
    expect(digests).toHaveLength(1);
    expect(digests[0].subject).toBe("Overleg: 2 berichten van gisteren");
    const sectionTitles = await Promise.all(
      [second, third].map(async (id) => (await server.database.db.select({ title: server.database.t.sections.title }).from(server.database.t.sections).where(eq(server.database.t.sections.id, id)))[0].title),
    );
    for (const title of sectionTitles) expect(digests[0].text).toContain(title);
    expect(digests[0].html).toContain(`/s/${second}`);
    expect((await outbox({ kind: "approval", to: "lead@ez.example" })).map((r) => r.status)).toEqual(["digested", "digested"]);
  });

  it("unsubscribes through the link in a mail while signed out, and refuses a forged or altered link", async () => {
    const [ocw] = smtp.to("approver@ocw.example");
    const link = unsubscribeLink(ocw);
    const userId = await server.userId("approver@ocw.example");
    const other = await server.userId("drafter@kgg.example");
    const altered = link.replace(`u=${userId}`, `u=${other}`);
    const forged = link.replace(/s=[^&]+/, `s=${"A".repeat(43)}`);
    for (const bad of [altered, forged]) {
      expect((await fetch(bad)).status).toBe(400);
      const post = await fetch(bad, { method: "POST", headers: { origin: server.url }, redirect: "manual" });
      expect(post.status).toBe(400);
    }
    const { db: d, t } = server.database;
    expect(await d.select().from(t.mailPreferences).where(eq(t.mailPreferences.userId, other))).toEqual([]);

    // Opening the link changes nothing (mail scanners open links); the button on the page does.
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await d.select().from(t.mailPreferences).where(eq(t.mailPreferences.userId, userId))).toEqual([]);
    const done = await fetch(link, { method: "POST", headers: { origin: server.url }, redirect: "manual" });
    expect(done.status).toBe(200);
    const prefs = await d.select().from(t.mailPreferences).where(eq(t.mailPreferences.userId, userId));
    expect(prefs).toEqual([{ userId, kind: "review_request", mode: "never" }]);

    // The next review request reaches KGG, not the person who unsubscribed.
    // The first section again (its open round is replaced by a new one).
    const [fourth] = await server.sectionIds(WS.labour);
    const before = smtp.to("approver@ocw.example").length;
    await requestReview(server.services, { actor: await actor("lead@ez.example"), sectionId: fourth, dueDate: inAWeek() });
    await smtp.waitFor(() => smtp.to("drafter@kgg.example").some((m) => m.text?.includes(`/s/${fourth}/review`)));
    await server.mailer.deliver();
    expect(smtp.to("approver@ocw.example")).toHaveLength(before);
  });

  it("mails an assignment to the person it names, in their language, with the due date and a link to the thread", async () => {
    const [sectionId] = await server.sectionIds(WS.contactPoint);
    const lead = await actor("lead@ez.example");
    const doc = await loadStoredDoc(server.database, sectionId);
    const phrase = textOf(doc).split("\n").find((l) => l.trim().length > 30)!.slice(5, 30);
    const { anchor, quote } = anchorOf(doc, phrase);
    const { threadId } = await createThread(server.services, lead, { sectionId, anchor, quote, visibility: "all", body: "Wie neemt dit op?", mentions: [] });
    const drafter = await server.userId("drafter@kgg.example");
    const due = inAWeek();
    await assignThread(server.services, lead, { threadId, assignee: { userId: drafter }, dueDate: due });
    // The drafter reads Overleg in English.
    await smtp.waitFor(() => smtp.to("drafter@kgg.example").some((m) => m.subject?.startsWith("Assigned to you")));
    const mail = smtp.to("drafter@kgg.example").find((m) => m.subject?.startsWith("Assigned to you"))!;
    expect(mail.subject).toBe(`Assigned to you: a comment on "${(await server.database.db.select({ title: server.database.t.sections.title }).from(server.database.t.sections).where(eq(server.database.t.sections.id, sectionId)))[0].title}"`);
    expect(mail.text).toContain(quote.slice(0, 20));
    expect(mail.text).toMatch(/to be handled by \d+ \w+ \d{4}/);
    expect(linksIn(mail).some((l) => l.includes(`/s/${sectionId}?thread=${threadId}`))).toBe(true);
    // Assigned again to the same person with the same date: nothing new to tell, no second mail.
    const before = (await outbox({ kind: "assignment" })).length;
    await assignThread(server.services, lead, { threadId, assignee: { userId: drafter }, dueDate: due });
    expect((await outbox({ kind: "assignment" })).length).toBe(before);
  });

  it("writes to German and French readers in their language, with dates as they write them", async () => {
    const { db: d, t } = server.database;
    const ws = await server.workspaceId(WS.labour);
    const leadId = await server.userId("lead@ez.example");
    const [{ locale: before }] = await d.select({ locale: t.user.locale }).from(t.user).where(eq(t.user.id, leadId));
    const lead = await actor("lead@ez.example");
    // An invitee has no account yet: the invitation speaks the inviter's language.
    for (const [locale, email] of [["de", "gast.de@ez.example"], ["fr", "invite.fr@ez.example"]] as const) {
      await d.update(t.user).set({ locale }).where(eq(t.user.id, leadId));
      await createInvitation(server.services, { actor: lead, workspaceId: ws, email, role: "commenter", organisationId: lead.organisationId! });
    }
    await d.update(t.user).set({ locale: before }).where(eq(t.user.id, leadId));
    await smtp.waitFor(() => smtp.to("gast.de@ez.example").length > 0 && smtp.to("invite.fr@ez.example").length > 0);
    const [german] = smtp.to("gast.de@ez.example");
    expect(german.subject).toBe(`Einladung zu „${WS.labour}“ in Overleg`);
    expect(german.text).toMatch(/^Sehr geehrte Damen und Herren,/);
    expect(german.text).toMatch(/als Kommentator an „/);
    expect(german.text).toMatch(/ist bis \d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4} gültig/);
    expect(german.html).toContain('<html lang="de">');
    const [french] = smtp.to("invite.fr@ez.example");
    expect(french.subject).toBe(`Invitation à « ${WS.labour} » dans Overleg`);
    expect(french.text).toMatch(/^Madame, Monsieur,/);
    expect(french.text).toMatch(/valable jusqu’au \d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}/);
    expect(french.html).toContain('<html lang="fr">');
  });

  it("never puts organisation-only text in a mail to another organisation, even after the reader changed organisation", async () => {
    const ws = await server.workspaceId(WS.financing);
    const [sectionId] = await server.sectionIds(WS.financing);
    const lead = await actor("lead@ez.example");
    const { db: d, t } = server.database;
    const people: Record<string, string> = {};
    for (const [key, name] of [["stays", "Sanne Ezinga"], ["moves", "Mark Verhuis"]] as const) {
      people[key] = await createPerson(server.services.auth, { email: `${key}@ez.example`, name, password: DEMO_PASSWORD, organisationId: lead.organisationId });
      await d.insert(t.memberships).values({ workspaceId: ws, userId: people[key], role: "editor" });
    }
    await setMailPreferences(server.database, people.moves, { mention: "daily" });
    const doc = await loadStoredDoc(server.database, sectionId);
    const phrase = textOf(doc).split("\n").find((l) => l.trim().length > 20)!.slice(0, 20);
    const { anchor, quote } = anchorOf(doc, phrase);
    const SECRET = "Intern: de minister twijfelt nog over het budget";
    await createThread(server.services, lead, {
      sectionId,
      anchor,
      quote,
      visibility: "organisation",
      body: `@Sanne Ezinga @Mark Verhuis ${SECRET}`,
      mentions: [people.stays, people.moves],
    });
    // Someone of EZ who still may read it gets the words.
    await smtp.waitFor(() => smtp.to("stays@ez.example").length > 0);
    expect(smtp.to("stays@ez.example")[0].text).toContain(SECRET);
    // Mark moves to KGG before his digest goes out: the policy, asked again, keeps the thread from him.
    const kgg = await d.select({ id: t.organisations.id }).from(t.organisations).where(eq(t.organisations.shortCode, "KGG"));
    await changePersonOrganisation(server.services, { actor: await actor("admin@overleg.example"), userId: people.moves, organisationId: kgg[0].id });
    clock.set(inNetherlands(addDays(todayInNetherlands(clock.now()), 1)!, MAIL_HOUR, 30));
    await clock.tick();
    await clock.tick();
    expect(smtp.to("moves@ez.example").filter((m) => (m.text ?? "").includes(SECRET) || String(m.html).includes(SECRET))).toEqual([]);
    expect((await outbox({ kind: "mention", to: "moves@ez.example" }))[0].status).toBe("digested");

    // And in everything sent so far, the secret only went to EZ.
    const ezAddresses = new Set(["stays@ez.example"]);
    for (const mail of smtp.mails) {
      if (!(mail.text ?? "").includes("minister twijfelt") && !String(mail.html ?? "").includes("minister twijfelt")) continue;
      for (const address of addressesOf(mail)) expect(ezAddresses.has(address)).toBe(true);
    }
  });

  it("resets a forgotten password through the link in the mail", async () => {
    const res = await fetch(`${server.url}/api/auth/request-password-reset`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ email: "viewer@tno.example", redirectTo: `${server.url}/reset-password` }),
    });
    expect(res.status).toBe(200);
    await smtp.waitFor(() => smtp.to("viewer@tno.example").some((m) => m.subject === "Nieuw wachtwoord voor Overleg"));
    const mail = smtp.to("viewer@tno.example").find((m) => m.subject === "Nieuw wachtwoord voor Overleg")!;
    const link = linksIn(mail).find((l) => l.includes("/reset-password/"))!;
    const redirect = await fetch(link, { redirect: "manual" });
    const location = redirect.headers.get("location")!;
    const token = new URL(location, server.url).searchParams.get("token")!;
    expect(new URL(location, server.url).pathname).toBe("/reset-password");
    const page = await fetch(new URL(location, server.url));
    expect(page.status).toBe(200);
    const form = new URLSearchParams({ token, password: "a-brand-new-password", confirm: "a-brand-new-password" });
    const done = await fetch(`${server.url}/reset-password`, { method: "POST", body: form, headers: { origin: server.url, "content-type": "application/x-www-form-urlencoded" }, redirect: "manual" });
    expect(done.status).toBe(302);
    await expect(server.signIn("viewer@tno.example", "a-brand-new-password")).resolves.toBeTruthy();
    await expect(server.signIn("viewer@tno.example")).rejects.toThrow();
    // The link works once.
    const again = await fetch(`${server.url}/reset-password`, { method: "POST", body: form, headers: { origin: server.url, "content-type": "application/x-www-form-urlencoded" }, redirect: "manual" });
    expect(again.status).toBe(400);
  });

  it("keeps mail while SMTP is down, retries, and delivers each mail once after a restart", async () => {
    await smtp.stop();
    const before = smtp.mails.length;
    const ws = await server.workspaceId(WS.supply);
    const lead = await actor("lead@ez.example");
    const addresses = ["een@partner.example", "twee@partner.example", "drie@partner.example"];
    for (const email of addresses) await createInvitation(server.services, { actor: lead, workspaceId: ws, email, role: "viewer", organisationId: lead.organisationId! });
    await server.mailer.deliver();
    await clock.tick();
    let rows = (await outbox()).filter((r) => addresses.includes(r.toAddress));
    expect(rows.map((r) => r.status)).toEqual(["queued", "queued", "queued"]);
    expect(rows.every((r) => r.attempts >= 1 && r.lastError)).toBe(true);

    // Restarted while the mail server is still down: nothing is lost.
    await server.stop().catch(() => undefined);
    server = await start();
    rows = (await outbox()).filter((r) => addresses.includes(r.toAddress));
    expect(rows).toHaveLength(3);

    await smtp.start();
    clock.set(new Date(clock.now().getTime() + 1000));
    await clock.tick();
    await smtp.waitFor(() => addresses.every((a) => smtp.to(a).length > 0));
    await clock.tick();
    await server.mailer.deliver();
    for (const a of addresses) expect(smtp.to(a)).toHaveLength(1);
    expect(smtp.mails.length - before).toBe(3);
    rows = (await outbox()).filter((r) => addresses.includes(r.toAddress));
    expect(rows.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
  });

  it("marks a mail failed after its last attempt", async () => {
    await smtp.stop();
    const ws = await server.workspaceId(WS.supply);
    const lead = await actor("lead@ez.example");
    await createInvitation(server.services, { actor: lead, workspaceId: ws, email: "nooit@partner.example", role: "viewer", organisationId: lead.organisationId! });
    for (let i = 0; i < 4; i++) {
      await server.mailer.deliver();
      clock.set(new Date(clock.now().getTime() + 1000));
    }
    const [row] = await outbox({ to: "nooit@partner.example" });
    expect(row.status).toBe("failed");
    expect(row.attempts).toBe(3);
    expect(row.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(JSON.stringify(row.data)).not.toContain("/invite/");
    await smtp.start();
  });
});
