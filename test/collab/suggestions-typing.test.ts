/**
 * Typing on in suggesting mode: the characters typed one by one, at different moments, are one
 * change in one run of marked text (one <ins> for a screen reader, not one per keystroke), whose time
 * is when the change was begun.
 */
import { EditorState, TextSelection } from "@tiptap/pm/state";
import { describe, expect, it } from "vitest";
import { blocks, documentSchema } from "../../server/document";
import { INSERTION, listSuggestions, suggestReplace, type SuggestionAuthor } from "../../app/shared/suggestions";

const author: SuggestionAuthor = { userId: "u-be", organisationId: "o-be", name: "Pieter Claes", organisation: "BE" };

describe("typing on in suggesting mode", () => {
  it("keeps one change in one run of marked text, with the time it was begun", () => {
    const schema = documentSchema();
    let state = EditorState.create({ schema, doc: schema.nodeFromJSON({ type: "doc", content: [blocks.paragraph("Eerst.")] }) });
    let at = 7; // after "Eerst."
    const begun = Date.UTC(2026, 0, 5, 9, 0, 0);
    for (const [i, character] of [..." Daarna"].entries()) {
      const tr = state.tr;
      at = suggestReplace(tr, at, at, character, author, begun + i * 1000);
      tr.setSelection(TextSelection.create(tr.doc, at));
      state = state.apply(tr);
    }
    const paragraph = state.doc.firstChild!;
    const marked = [] as string[];
    paragraph.forEach((node) => {
      if (node.marks.some((m) => m.type.name === INSERTION)) marked.push(node.text ?? "");
    });
    expect(marked).toEqual([" Daarna"]);
    const [suggestion] = listSuggestions(state.doc);
    expect(suggestion).toMatchObject({ kind: "insertion", inserted: " Daarna", time: new Date(begun).toISOString() });
  });
});
