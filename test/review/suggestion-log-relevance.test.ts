/**
 * The suggestion log is brought up to date only after stored updates that may change a suggestion
 * (server/services/suggestion-log.ts mayChangeSuggestions): text typed outside suggestions is left
 * alone, while anything that deletes, or names a suggestion mark, is looked at. Checked against what
 * Yjs itself decodes from random edit sequences.
 */
import fc from "fast-check";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { mayChangeSuggestions } from "../../server/services/suggestion-log";

type Step = { kind: "insert"; at: number; text: string } | { kind: "delete"; at: number; length: number } | { kind: "bold"; at: number; length: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(400), text: fc.string({ minLength: 1, maxLength: 300 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(400), length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant("bold" as const), at: fc.nat(400), length: fc.integer({ min: 1, max: 50 }) }),
);

function apply(text: Y.XmlText, s: Step): void {
  const at = Math.min(s.at, text.length);
  if (s.kind === "insert") text.insert(at, s.text);
  else if (s.kind === "delete") text.delete(at, Math.min(s.length, text.length - at));
  else text.format(at, Math.min(s.length, text.length - at), { bold: true });
}

describe("which stored updates the suggestion log looks at", () => {
  it("tells an update that deletes from one that does not, as Yjs decodes it, for random edits and merged batches", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), fc.array(step, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 2 ** 31 }), (setup, edits, clientId) => {
        const doc = new Y.Doc();
        doc.clientID = clientId;
        doc.getXmlFragment("default").insert(0, [new Y.XmlText()]);
        const xmlText = doc.getXmlFragment("default").get(0) as Y.XmlText;
        for (const s of setup) apply(xmlText, s);
        const updates: Uint8Array[] = [];
        doc.on("update", (u: Uint8Array) => updates.push(u));
        for (const s of edits) apply(xmlText, s);
        for (const u of [...updates, ...(updates.length ? [Y.mergeUpdates(updates)] : [])]) {
          const deletes = Y.decodeUpdate(u).ds.clients.size > 0;
          // Without a suggestion mark in the text, the answer is exactly "does it delete".
          expect(mayChangeSuggestions(u)).toBe(deletes);
        }
        doc.destroy();
      }),
      { numRuns: 300, seed: 20261201 },
    );
  });

  it("looks at an update that adds a suggestion, and not at plain typing", () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment("default");
    const paragraph = new Y.XmlElement("paragraph");
    fragment.insert(0, [paragraph]);
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    const updates: Uint8Array[] = [];
    doc.on("update", (u: Uint8Array) => updates.push(u));
    text.insert(0, "Grondstoffen");
    text.insert(text.length, " worden", { insertion: { id: "s1", userId: "u1" } });
    text.insert(text.length, " schaars");
    expect(updates.map(mayChangeSuggestions)).toEqual([false, true, false]);
  });
});
