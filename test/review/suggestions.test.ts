/**
 * Approvals and suggestions (ADR 027): an approval binds to the text as accepted, so a suggestion
 * made or rejected leaves it fresh and an accepted one makes it stale; the office cannot sign off a
 * text with open suggestions and is told which.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { DELETION, INSERTION } from "../../app/shared/suggestions";
import { decideReview } from "../../server/commands/reviewDecide";
import { requestReview } from "../../server/commands/reviewRequest";
import { signOff } from "../../server/commands/sectionSignOff";
import { loadActor } from "../../server/services/access";
import { CommandError } from "../../server/services/errors";
import { reviewStateUnchecked } from "../../server/views/reviews";
import { currentHash } from "../../server/views/versions";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let sectionId: string;

async function actor(email: string) {
  const a = await loadActor(server.database, await server.userId(email));
  if (!a) throw new Error(`no actor ${email}`);
  return a;
}

/** The first paragraph's text and where `word` starts in it. */
function find(doc: Y.Doc, word: string): { text: Y.XmlText; at: number } {
  const paragraph = doc.getXmlFragment(FRAGMENT).toArray().find((n) => n instanceof Y.XmlElement && n.nodeName === "paragraph") as Y.XmlElement;
  const text = paragraph.toArray()[0] as Y.XmlText;
  const plain = (text.toDelta() as { insert: string }[]).map((d) => d.insert).join("");
  const at = plain.indexOf(word);
  if (at < 0) throw new Error(`no ${word}`);
  return { text, at };
}

const change = (fn: (doc: Y.Doc) => void) => server.services.collab!.applyServerChange(sectionId, fn);
const fresh = async () => (await reviewStateUnchecked(server.database, sectionId)).complete;

beforeAll(async () => {
  server = await startTestServer({ env: { LOG_LEVEL: "error" } });
  [sectionId] = await server.sectionIds("Grensoverschrijdende samenwerking");
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

describe("approvals and suggestions", () => {
  it("stays fresh when a suggestion is made or rejected, goes stale when one is accepted, and no text with open suggestions is signed off", async () => {
    const partner = { userId: await server.userId("partner@be.example"), organisationId: (await actor("partner@be.example")).organisationId, name: "Pieter Claes", organisation: "BE" };
    await requestReview(server.services, { actor: await actor("lead@ez.example"), sectionId, dueDate: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10) });
    const approved = await currentHash(server.database, sectionId);
    await decideReview(server.services, { actor: await actor("drafter@kgg.example"), sectionId, decision: "approve", note: "Akkoord.", contentHash: approved });
    expect(await fresh()).toBe(true);

    // Two suggestions: an insertion, and a deletion.
    await change((doc) => {
      const ins = find(doc, "landsgrenzen");
      ins.text.insert(ins.at, "Europese ", { [INSERTION]: { id: "a", ...partner, time: "2026-12-01T10:00:00.000Z" } });
      const del = find(doc, "Daarom ");
      del.text.format(del.at, 7, { [DELETION]: { id: "b", ...partner, time: "2026-12-01T10:00:00.000Z" } });
    });
    expect(await currentHash(server.database, sectionId)).toBe(approved);
    expect(await fresh()).toBe(true);

    // The office may not sign it while they are open, and sees which.
    const office = await actor("office@minister.example");
    const refusal = await signOff(server.services, { actor: office, sectionId, contentHash: approved }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(CommandError);
    expect((refusal as CommandError).code).toBe("open_suggestions");
    expect((refusal as CommandError).message).toContain('insertion by Pieter Claes (BE): "Europese "');
    expect((refusal as CommandError).message).toContain('deletion by Pieter Claes (BE): "Daarom "');

    // Rejecting the insertion (its text goes): the approved text is unchanged.
    await change((doc) => {
      const ins = find(doc, "Europese ");
      ins.text.delete(ins.at, 9);
    });
    expect(await currentHash(server.database, sectionId)).toBe(approved);
    expect(await fresh()).toBe(true);

    // Accepting the deletion: the text the approval bound to is gone.
    await change((doc) => {
      const del = find(doc, "Daarom ");
      del.text.delete(del.at, 7);
    });
    expect(await currentHash(server.database, sectionId)).not.toBe(approved);
    expect(await fresh()).toBe(false);
  });
});
