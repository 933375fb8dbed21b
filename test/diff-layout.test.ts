/**
 * Version compare keeps the text's formatting (#14): headings with their level, bullet and numbered
 * lists, bold and italic, on kept, added and removed words alike.
 */
import { describe, expect, it } from "vitest";
import { documentSchema } from "../server/document";
import { layoutDiff } from "../server/views/diff-layout";
import { diffTexts } from "../server/views/versions";

const s = documentSchema();
const text = (t: string, marks: string[] = []) => ({ type: "text", text: t, ...(marks.length ? { marks: marks.map((type) => ({ type })) } : {}) });
const p = (...content: object[]) => ({ type: "paragraph", content });
const doc = (...content: object[]) => s.nodeFromJSON({ type: "doc", content });
const li = (...content: object[]) => ({ type: "listItem", content: [p(...content)] });

describe("the formatted diff", () => {
  const older = doc(
    { type: "heading", attrs: { level: 2 }, content: [text("Aanleiding")] },
    p(text("De regio's "), text("moeten", ["bold"]), text(" samenwerken.")),
    { type: "bulletList", content: [li(text("Eerste punt")), li(text("Tweede punt"))] },
  );
  const newer = doc(
    { type: "heading", attrs: { level: 2 }, content: [text("Aanleiding en doel")] },
    p(text("De regio's "), text("gaan", ["bold"]), text(" samenwerken, "), text("snel", ["italic"]), text(".")),
    { type: "bulletList", content: [li(text("Eerste punt")), li(text("Tweede punt")), li(text("Derde punt"))] },
    { type: "orderedList", content: [li(text("Stap één"))] },
  );
  const lines = layoutDiff(diffTexts(older, newer), older, newer);
  const textOf = (i: number) => lines[i].pieces.map((x) => x.text).join("");

  it("keeps each block: the heading and its level, the paragraph, the list items of each kind", () => {
    expect(lines.map((l) => l.block)).toEqual([
      { kind: "heading", level: 2 },
      { kind: "paragraph" },
      { kind: "bullet" },
      { kind: "bullet" },
      { kind: "bullet" },
      { kind: "ordered" },
    ]);
    expect(textOf(0)).toBe("Aanleiding en doel");
    expect(lines[0].pieces).toEqual([
      { op: "same", text: "Aanleiding" },
      { op: "added", text: " en doel" },
    ]);
    expect(textOf(4)).toBe("Derde punt");
    expect(lines[4].pieces.every((x) => x.op === "added")).toBe(true);
  });

  it("keeps bold and italic on removed, added and kept words", () => {
    const piece = (t: string) => lines[1].pieces.find((x) => x.text === t);
    expect(piece("moeten")).toEqual({ op: "removed", text: "moeten", bold: true });
    expect(piece("gaan")).toEqual({ op: "added", text: "gaan", bold: true });
    expect(piece("snel")).toMatchObject({ op: "added", italic: true });
    expect(lines[1].pieces.find((x) => x.text.includes("De regio"))).toEqual({ op: "same", text: "De regio's " });
  });

  it("has the same words as the plain diff", () => {
    const plain = diffTexts(older, newer)
      .map((x) => x.text)
      .join("")
      .split("\n");
    expect(lines.map((l) => l.pieces.map((x) => x.text).join(""))).toEqual(plain);
  });
});
