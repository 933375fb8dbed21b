/**
 * Review rounds, stale approvals, sign-off, the lock over the WebSocket, reopening, versions and
 * restore, against a real server with real clients (the stock y-websocket provider in Node).
 */
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { SectionLockedError, UpdateStore } from "../../server/collab/store";
import { contentHash } from "../../server/document";
import { Forbidden } from "../../server/policy";
import { loadActor } from "../../server/services/access";
import { verifyAuditChain } from "../../server/services/audit";
import { CommandError } from "../../server/services/errors";
import { setWorkspaceApprovers } from "../../server/commands/reviewApproversSet";
import { decideReview } from "../../server/commands/reviewDecide";
import { requestReview } from "../../server/commands/reviewRequest";
import { reviewStateUnchecked, workspaceApproverOrganisationsUnchecked } from "../../server/views/reviews";
import { loadStoredDoc } from "../../server/services/section-text";
import { reopenSection } from "../../server/commands/sectionReopen";
import { signOff } from "../../server/commands/sectionSignOff";
import { createVersion } from "../../server/commands/versionCreate";
import { restoreVersion } from "../../server/commands/versionRestore";
import { currentHash, diffDocs, listVersionsUnchecked, loadVersionUnchecked } from "../../server/views/versions";
import { appendParagraph, connectProvider, hasAll, poll, pollAsync, synced, textOf, type ProviderClient } from "../collab/helpers";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
const clients: ProviderClient[] = [];
const cookies = new Map<string, string>();

async function actor(email: string) {
  const a = await loadActor(server.database, await server.userId(email));
  if (!a) throw new Error(`no actor ${email}`);
  return a;
}

async function provider(email: string, sectionId: string): Promise<ProviderClient> {
  if (!cookies.has(email)) cookies.set(email, (await server.signIn(email)).cookie);
  const client = connectProvider(server.url, sectionId, { cookie: cookies.get(email)! });
  clients.push(client);
  await synced(client);
  return client;
}

const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);

/** Everything a refused command must leave as it was. */
async function footprint(sectionId: string) {
  const { db, t } = server.database;
  const [section] = await db.select({ status: t.sections.status, lockedBy: t.sections.lockedBy }).from(t.sections).where(eq(t.sections.id, sectionId));
  const [versions] = await db.select({ n: count() }).from(t.versions).where(eq(t.versions.sectionId, sectionId));
  const [rounds] = await db.select({ n: count() }).from(t.reviewRounds).where(eq(t.reviewRounds.sectionId, sectionId));
  const [signoffs] = await db.select({ n: count() }).from(t.signoffs).where(eq(t.signoffs.sectionId, sectionId));
  const [decisions] = await db.select({ n: count() }).from(t.reviewDecisions);
  const [audit] = await db.select({ n: count() }).from(t.auditEvents);
  return {
    status: section.status,
    lockedBy: section.lockedBy,
    versions: Number(versions.n),
    rounds: Number(rounds.n),
    signoffs: Number(signoffs.n),
    decisions: Number(decisions.n),
    audit: Number(audit.n),
    hash: await currentHash(server.database, sectionId),
  };
}

async function refused(fn: () => Promise<unknown>, kind: typeof Forbidden | typeof CommandError) {
  await expect(fn()).rejects.toBeInstanceOf(kind);
}

/** Replaces the first occurrence of `from` in the text of the doc with `to`, as typing would. */
function editText(doc: Y.Doc, from: string, to: string) {
  const walk = (node: Y.XmlElement | Y.XmlFragment): boolean => {
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlText) {
        const plain = (child.toDelta() as { insert: unknown }[]).map((d) => (typeof d.insert === "string" ? d.insert : "")).join("");
        const at = plain.indexOf(from);
        if (at >= 0) {
          doc.transact(() => {
            child.delete(at, from.length);
            child.insert(at, to);
          });
          return true;
        }
      } else if (child instanceof Y.XmlElement && walk(child)) return true;
    }
    return false;
  };
  if (!walk(doc.getXmlFragment(FRAGMENT))) throw new Error(`"${from}" not in the document`);
}

beforeAll(async () => {
  server = await startTestServer();
  // The skilled-labour workspace needs two organisations' approval: OCW (seeded) and KGG.
  const { db, t } = server.database;
  const workspaceId = await server.workspaceId("Geschoolde arbeidskrachten");
  const [kgg] = await db.select({ id: t.organisations.id }).from(t.organisations).where(eq(t.organisations.shortCode, "KGG"));
  await db.insert(t.workspaceApprovers).values({ workspaceId, organisationId: kgg.id });
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
});

describe("review, sign-off and the lock", () => {
  it("refuses every attempt by the wrong person, and each refusal changes nothing", async () => {
    const [sectionId] = await server.sectionIds("Geschoolde arbeidskrachten");
    const deps = server.services;
    const before = await footprint(sectionId);
    const due = inAWeek();
    // Only owners request review.
    for (const email of ["expert@fme.example", "approver@ocw.example", "viewer@tno.example", "office@minister.example", "admin@overleg.example"]) {
      await refused(async () => requestReview(deps, { actor: await actor(email), sectionId, dueDate: due }), Forbidden);
    }
    // Nobody decides without an open round; the minister's office cannot sign a draft; only it reopens.
    await refused(async () => decideReview(deps, { actor: await actor("approver@ocw.example"), sectionId, decision: "approve", contentHash: before.hash }), Forbidden);
    await refused(async () => signOff(deps, { actor: await actor("office@minister.example"), sectionId, contentHash: before.hash }), Forbidden);
    await refused(async () => reopenSection(deps, { actor: await actor("lead@ez.example"), sectionId, reason: "Wil ik nog wijzigen." }), Forbidden);
    // Bad input is refused with a clear error.
    await expect(requestReview(deps, { actor: await actor("lead@ez.example"), sectionId, dueDate: "2020-01-01" })).rejects.toThrow(/past/);
    await expect(requestReview(deps, { actor: await actor("lead@ez.example"), sectionId, dueDate: "morgen" })).rejects.toThrow(/yyyy-mm-dd/);
    // Bad input has one code at every door (the API's and socket.io's too), naming the field the form shows it at.
    await expect(requestReview(deps, { actor: await actor("lead@ez.example"), sectionId, dueDate: "morgen" })).rejects.toMatchObject({
      code: "bad_request",
      status: 400,
      field: "dueDate",
    });
    expect(await footprint(sectionId)).toEqual(before);

    // With a round open: only the required organisations decide, only the minister's office signs.
    await requestReview(deps, { actor: await actor("lead@ez.example"), sectionId, dueDate: due });
    const open = await footprint(sectionId);
    expect(open.status).toBe("in_review");
    for (const email of ["lead@ez.example", "expert@fme.example", "viewer@tno.example", "office@minister.example", "admin@overleg.example"]) {
      await refused(async () => decideReview(deps, { actor: await actor(email), sectionId, decision: "approve", contentHash: open.hash }), Forbidden);
    }
    for (const email of ["lead@ez.example", "approver@ocw.example", "drafter@kgg.example", "admin@overleg.example"]) {
      await refused(async () => signOff(deps, { actor: await actor(email), sectionId, contentHash: open.hash }), Forbidden);
    }
    // The office may not sign a section that is only in review.
    await refused(async () => signOff(deps, { actor: await actor("office@minister.example"), sectionId, contentHash: open.hash }), Forbidden);
    // A decision on a text the approver did not see, or without a reason for changes, is refused.
    await refused(async () => decideReview(deps, { actor: await actor("approver@ocw.example"), sectionId, decision: "approve", contentHash: "0".repeat(64) }), CommandError);
    await refused(async () => decideReview(deps, { actor: await actor("approver@ocw.example"), sectionId, decision: "request_changes", note: " ", contentHash: open.hash }), CommandError);
    expect(await footprint(sectionId)).toEqual(open);
  });

  it("makes an approval stale after one character changes, fresh again when the text returns to the same hash; signs off; locks", async () => {
    const [, sectionId] = await server.sectionIds("Geschoolde arbeidskrachten");
    const deps = server.services;
    await requestReview(deps, { actor: await actor("lead@ez.example"), sectionId, dueDate: inAWeek() });
    const h0 = await currentHash(server.database, sectionId);
    // The members of the approving organisations are told; others are not.
    const { db: ndb, t: nt } = server.database;
    const told = async (email: string, kind: string) =>
      (await ndb.select({ kind: nt.notifications.kind, sectionId: nt.notifications.sectionId }).from(nt.notifications).where(eq(nt.notifications.userId, await server.userId(email))))
        .filter((n) => n.kind === kind && n.sectionId === sectionId).length;
    expect(await told("approver@ocw.example", "review.requested")).toBe(1);
    expect(await told("drafter@kgg.example", "review.requested")).toBe(1);
    expect(await told("expert@fme.example", "review.requested")).toBe(0);
    await decideReview(deps, { actor: await actor("approver@ocw.example"), sectionId, decision: "approve", note: "Akkoord.", contentHash: h0 });
    expect((await footprint(sectionId)).status).toBe("in_review"); // KGG has not decided yet
    const second = await decideReview(deps, { actor: await actor("drafter@kgg.example"), sectionId, decision: "approve", contentHash: h0 });
    expect(second.status).toBe("approved");
    expect(await told("lead@ez.example", "review.decided")).toBe(2);

    // One character changes through the live editor of an editor of the workspace.
    const expert = await provider("expert@fme.example", sectionId);
    const word = textOf(expert.doc).match(/[A-Za-zë]{6,}/)![0];
    editText(expert.doc, word, `${word}x`);
    await pollAsync(async () => (await currentHash(server.database, sectionId)) !== h0, "the edit to be stored");
    await pollAsync(async () => (await footprint(sectionId)).status === "in_review", "the section to fall back to in review");
    let state = await reviewStateUnchecked(server.database, sectionId);
    expect(state.complete).toBe(false);
    expect(state.organisations.map((o) => [o.shortCode, o.decision?.stale]).sort()).toEqual([["KGG", true], ["OCW", true]]);

    // The office cannot sign the changed text, even with the approved hash in hand.
    await refused(async () => signOff(deps, { actor: await actor("office@minister.example"), sectionId, contentHash: h0 }), Forbidden);

    // Reverted to the identical text: the same hash, the approvals count again.
    editText(expert.doc, `${word}x`, word);
    await pollAsync(async () => (await currentHash(server.database, sectionId)) === h0, "the revert to be stored");
    await pollAsync(async () => (await footprint(sectionId)).status === "approved", "the section to be approved again");
    state = await reviewStateUnchecked(server.database, sectionId);
    expect(state.complete).toBe(true);
    expect(state.organisations.every((o) => o.decision && !o.decision.stale)).toBe(true);

    // A stale sign-off attempt (a hash that is not current) is refused; the right one locks the section.
    await refused(async () => signOff(deps, { actor: await actor("office@minister.example"), sectionId, contentHash: "f".repeat(64) }), CommandError);
    const office = await actor("office@minister.example");
    const signed = await signOff(deps, { actor: office, sectionId, contentHash: h0 });
    expect(signed.contentHash).toBe(h0);
    const after = await footprint(sectionId);
    expect(after.status).toBe("final");
    expect(after.lockedBy).toBe(office.id);
    await poll(() => expert.denied.length > 0, "the open editor to be told the section is locked");

    // Every role, connected with the stock provider, is refused: nothing reaches the database.
    const everyone = ["lead@ez.example", "expert@fme.example", "approver@ocw.example", "viewer@tno.example", "drafter@kgg.example", "office@minister.example"];
    const tried: ProviderClient[] = [expert];
    for (const email of everyone) {
      const c = email === "expert@fme.example" ? expert : await provider(email, sectionId);
      if (c !== expert) tried.push(c);
      appendParagraph(c.doc, `Wijziging na vaststelling door ${email}.`);
    }
    await poll(() => tried.every((c) => c.denied.length > 0), "every client to be refused");
    await server.collab.flush();
    const stored = await loadStoredDoc(server.database, sectionId);
    expect(contentHash(stored)).toBe(h0);
    expect(textOf(stored)).not.toContain("Wijziging na vaststelling");
    // Below the room too: the store refuses to log anything for a final section, so an edit accepted
    // into a room's batch just before the sign-off committed can never be stored after it.
    const late = new Y.Doc();
    late.getText("late").insert(0, "te laat");
    await expect(new UpdateStore(server.database, server.services.log).append(sectionId, [Y.encodeStateAsUpdate(late)])).rejects.toBeInstanceOf(
      SectionLockedError,
    );
    expect(contentHash(await loadStoredDoc(server.database, sectionId))).toBe(h0);

    // Only the minister's office reopens, with a reason; then the text can change again.
    await refused(async () => reopenSection(deps, { actor: office, sectionId, reason: "" }), CommandError);
    await reopenSection(deps, { actor: office, sectionId, reason: "Nieuwe cijfers van TNO verwerken." });
    expect(await footprint(sectionId)).toMatchObject({ status: "draft", lockedBy: null });
    const { db, t } = server.database;
    const [so] = await db.select().from(t.signoffs).where(and(eq(t.signoffs.sectionId, sectionId)));
    expect(so.reopenReason).toBe("Nieuwe cijfers van TNO verwerken.");
    const lead = await provider("lead@ez.example", sectionId);
    appendParagraph(lead.doc, "Na heropening weer te bewerken.");
    await pollAsync(async () => textOf(await loadStoredDoc(server.database, sectionId)).includes("Na heropening weer te bewerken."), "the edit after reopening to be stored");

    // Every step is in the audit trail, and the chain holds.
    const actions = (await db.select({ action: t.auditEvents.action }).from(t.auditEvents).where(eq(t.auditEvents.subjectId, sectionId))).map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining(["review.requested", "review.decided", "review.approvals_stale", "review.approvals_fresh", "section.signed_off", "section.reopened"]),
    );
    expect((await verifyAuditChain(server.database)).ok).toBe(true);
    // Automatic versions at the request, each decision and the sign-off.
    const kinds = (await listVersionsUnchecked(server.database, sectionId)).map((v) => v.kind).sort();
    expect(kinds).toEqual(["decision", "decision", "review", "signoff"]);
  });
});

describe("versions", () => {
  it("saves named versions, compares them word by word, and restores one as a new live change", async () => {
    const [sectionId] = await server.sectionIds("Toegang tot financiering");
    const deps = server.services;
    const lead = await actor("lead@ez.example");
    const drafter = await provider("drafter@kgg.example", sectionId);
    const watcher = await provider("viewer@tno.example", sectionId);

    await expect(createVersion(deps, { actor: lead, sectionId, name: "   " })).rejects.toThrow(/name/);
    await refused(async () => createVersion(deps, { actor: await actor("viewer@tno.example"), sectionId, name: "Mijn versie" }), Forbidden);
    const v1 = await createVersion(deps, { actor: lead, sectionId, name: "Voor de werkgroep" });
    appendParagraph(drafter.doc, "Een geheel nieuwe alinea over garantstellingen.");
    await pollAsync(async () => (await currentHash(server.database, sectionId)) !== v1.contentHash, "the edit to be stored");
    const v2 = await createVersion(deps, { actor: lead, sectionId, name: "Met garantstellingen" });
    expect(v2.contentHash).not.toBe(v1.contentHash);

    const a = await loadVersionUnchecked(server.database, sectionId, v1.id);
    const b = await loadVersionUnchecked(server.database, sectionId, v2.id);
    const diff = diffDocs(a.doc, b.doc);
    a.doc.destroy();
    b.doc.destroy();
    expect(diff.filter((p) => p.op === "removed")).toEqual([]);
    const added = diff.filter((p) => p.op === "added").map((p) => p.text).join("");
    expect(added).toContain("Een geheel nieuwe alinea over garantstellingen.");
    // Whole words, not characters: the added part starts at a word boundary.
    expect(diff.filter((p) => p.op === "added").every((p) => /^\s*\S/.test(p.text))).toBe(true);

    // Restoring v1: the paragraph disappears for everyone connected, history keeps both versions.
    await refused(async () => restoreVersion(deps, { actor: await actor("viewer@tno.example"), sectionId, versionId: v1.id }), Forbidden);
    const restored = await restoreVersion(deps, { actor: lead, sectionId, versionId: v1.id });
    expect(restored.contentHash).toBe(v1.contentHash);
    expect(await currentHash(server.database, sectionId)).toBe(v1.contentHash);
    await poll(() => !textOf(watcher.doc).includes("garantstellingen") && !textOf(drafter.doc).includes("garantstellingen"), "both clients to see the restored text");
    expect(contentHash(watcher.doc)).toBe(v1.contentHash);
    const names = (await listVersionsUnchecked(server.database, sectionId)).map((v) => `${v.kind}:${v.name}`);
    expect(names).toEqual(expect.arrayContaining(["manual:Voor de werkgroep", "manual:Met garantstellingen", "restore:Voor de werkgroep"]));
    // The drafter keeps writing on top of the restored text.
    appendParagraph(drafter.doc, "Verder na het terugzetten.");
    await hasAll(watcher.doc, ["Verder na het terugzetten."], "the next edit to arrive");
    // An unknown version is a NotFound, and changes nothing.
    await expect(restoreVersion(deps, { actor: lead, sectionId, versionId: "nope" })).rejects.toThrow(/No version/);
  });
});

describe("approving organisations", () => {
  it("are chosen per workspace by its owner; anyone else is refused and nothing changes", async () => {
    const workspaceId = await server.workspaceId("Infrastructuur en ruimte");
    const { db, t } = server.database;
    const ids = async (codes: string[]) =>
      (await db.select({ id: t.organisations.id, code: t.organisations.shortCode }).from(t.organisations)).filter((o) => codes.includes(o.code)).map((o) => o.id);
    const before = (await workspaceApproverOrganisationsUnchecked(server.database, workspaceId)).map((o) => o.shortCode);
    expect(before).toEqual(["KGG"]);
    await refused(async () => setWorkspaceApprovers(server.services, { actor: await actor("drafter@kgg.example"), workspaceId, organisationIds: await ids(["OCW"]) }), Forbidden);
    await refused(async () => setWorkspaceApprovers(server.services, { actor: await actor("lead@ez.example"), workspaceId, organisationIds: ["no-such-org"] }), CommandError);
    expect((await workspaceApproverOrganisationsUnchecked(server.database, workspaceId)).map((o) => o.shortCode)).toEqual(before);
    await setWorkspaceApprovers(server.services, { actor: await actor("lead@ez.example"), workspaceId, organisationIds: await ids(["OCW", "KGG"]) });
    expect((await workspaceApproverOrganisationsUnchecked(server.database, workspaceId)).map((o) => o.shortCode).sort()).toEqual(["KGG", "OCW"]);
    const [event] = await db.select().from(t.auditEvents).where(eq(t.auditEvents.action, "workspace.approvers_changed"));
    expect(event.subjectId).toBe(workspaceId);
  });
});
