/**
 * Bold and italic as a suggestion, in the shared transforms (ADR 043): suggesting records what
 * changed in a formatChange mark, a second change merges into the person's own, toggling back takes
 * both away; accepting keeps the formatting, rejecting takes it back; the text as accepted (what an
 * approval binds to) is the text without the open formatting suggestion.
 */
import { EditorState } from "@tiptap/pm/state";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { acceptedText, listSuggestions, resolveSuggestions, suggestFormat, suggestReplace, type SuggestionAuthor } from "../../app/shared/suggestions";
import { blocks, contentHash, documentSchema } from "../../server/document";
import { prosemirrorJSONToYXmlFragment } from "@tiptap/y-tiptap";
import { FRAGMENT } from "../../app/shared/editor-extensions";

const partner: SuggestionAuthor = { userId: "u-be", organisationId: "o-be", name: "Pieter Claes", organisation: "BE" };
const other: SuggestionAuthor = { userId: "u-de", organisationId: "o-de", name: "Hanna Vogel", organisation: "DE" };

const schema = documentSchema();
const start = () => EditorState.create({ schema, doc: schema.nodeFromJSON({ type: "doc", content: [blocks.paragraph("Eerst de clusters, dan de rest.")] }) });
// "clusters": positions 10–18 ("Eerst de " is 9 characters, after the paragraph's start at 1).
const [FROM, TO] = [10, 18];

function apply(state: EditorState, change: (tr: EditorState["tr"]) => void): EditorState {
  const tr = state.tr;
  change(tr);
  return state.apply(tr);
}

/** The mark names of each text run of the first paragraph, with its text. */
const runs = (state: EditorState) => {
  const out: [string, string[]][] = [];
  state.doc.firstChild!.forEach((n) => out.push([n.text!, n.marks.map((m) => m.type.name)]));
  return out;
};

/** The content hash of `state`'s text as the server computes it. */
function hash(state: EditorState): string {
  const doc = new Y.Doc();
  prosemirrorJSONToYXmlFragment(schema, state.doc.toJSON(), doc.getXmlFragment(FRAGMENT));
  return contentHash(doc);
}

describe("formatting as a suggestion", () => {
  it("formats and records the change; a second change merges, toggling back takes both away", () => {
    let state = apply(start(), (tr) => suggestFormat(tr, FROM, TO, "bold", true, partner, Date.UTC(2026, 0, 5)));
    expect(runs(state)).toEqual([["Eerst de ", []], ["clusters", ["bold", "formatChange"]], [", dan de rest.", []]]);
    const [s] = listSuggestions(state.doc);
    expect(s).toMatchObject({ kind: "format", formatted: "clusters", add: ["bold"], remove: [], name: "Pieter Claes", time: "2026-01-05T00:00:00.000Z" });
    state = apply(state, (tr) => suggestFormat(tr, FROM, TO, "italic", true, partner));
    expect(listSuggestions(state.doc)).toEqual([expect.objectContaining({ id: s.id, add: ["bold", "italic"], time: s.time })]);
    state = apply(state, (tr) => suggestFormat(tr, FROM, TO, "bold", false, partner));
    state = apply(state, (tr) => suggestFormat(tr, FROM, TO, "italic", false, partner));
    expect(runs(state)).toEqual([["Eerst de clusters, dan de rest.", []]]);
    expect(listSuggestions(state.doc)).toEqual([]);
  });

  it("records taking formatting away, and leaves someone else's formatting suggestion alone", () => {
    let state = apply(start(), (tr) => tr.addMark(FROM, TO, schema.marks.bold.create()));
    state = apply(state, (tr) => suggestFormat(tr, FROM, FROM + 4, "bold", false, partner));
    expect(listSuggestions(state.doc)).toEqual([expect.objectContaining({ formatted: "clus", add: [], remove: ["bold"] })]);
    const before = state.doc;
    state = apply(state, (tr) => suggestFormat(tr, FROM, FROM + 4, "italic", true, other));
    expect(state.doc.eq(before)).toBe(true);
  });

  it("accepting keeps the formatting, rejecting takes it back; approvals go stale only on accepting", () => {
    const plain = start();
    const suggested = apply(plain, (tr) => suggestFormat(tr, FROM, TO, "bold", true, partner));
    expect(hash(suggested)).toBe(hash(plain));
    expect(acceptedText(suggested.doc).eq(plain.doc)).toBe(true);
    const rejected = apply(suggested, (tr) => resolveSuggestions(tr, false, "all"));
    expect(rejected.doc.eq(plain.doc)).toBe(true);
    expect(hash(rejected)).toBe(hash(plain));
    const accepted = apply(suggested, (tr) => resolveSuggestions(tr, true, { userId: partner.userId }));
    expect(runs(accepted)).toEqual([["Eerst de ", []], ["clusters", ["bold"]], [", dan de rest.", []]]);
    expect(hash(accepted)).not.toBe(hash(plain));
  });

  it("formats the person's own suggested insertion directly, and typing next to a formatting suggestion does not take its mark", () => {
    let state = apply(start(), (tr) => suggestReplace(tr, 6, 6, "eerst ", partner));
    state = apply(state, (tr) => suggestFormat(tr, 6, 12, "bold", true, partner));
    expect(runs(state)[1]).toEqual(["eerst ", ["bold", "insertion"]]);
    state = apply(state, (tr) => suggestFormat(tr, 16, 24, "italic", true, other));
    state = apply(state, (tr) => suggestReplace(tr, 20, 20, "XX", partner));
    const typed = runs(state).find(([text]) => text === "XX")!;
    expect(typed[1]).toEqual(["italic", "insertion"]);
  });
});
