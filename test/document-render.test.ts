/**
 * The renderers' last line of defence: should a renderer fail on a block of a section (the readers
 * only hand them what is inside the schema, so this takes a hand-made node), that block is shown as
 * a placeholder and the rest is rendered; and the one check for link targets every output uses.
 */
import { describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import { contentHash, documentSchema, isSafeHref, toMarkdown, UNRENDERABLE_TEXT, writeDocument } from "../server/document";
import { sectionTextHtml } from "../server/services/exports/html";
import { toBlocks } from "../server/services/exports/model";

const poison = { toString: () => { throw new Error("cannot be shown"); }, valueOf: () => { throw new Error("cannot be shown"); } };

describe("renderers", () => {
  it("render the blocks they can, and a placeholder for the one they fail on, and report it", () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void lines.push(String(line)));
    const s = documentSchema();
    const doc = s.topNodeType.create(null, [
      s.nodes.paragraph.create(null, s.text("Voor.")),
      s.nodes.heading.create({ level: poison }, s.text("Kop")),
      s.nodes.paragraph.create(null, s.text("link", [s.marks.link.create({ href: poison })])),
      s.nodes.paragraph.create(null, s.text("Na.")),
    ]);
    const html = sectionTextHtml(doc, "sectie-1");
    expect(html).toContain("Voor.");
    expect(html).toContain("Na.");
    expect(html).toContain(UNRENDERABLE_TEXT);
    const blocks = toBlocks(doc, "sectie-1");
    expect(blocks.map((b) => ("runs" in b ? b.runs.map((r) => r.text).join("") : ""))).toEqual(["Voor.", UNRENDERABLE_TEXT, "link", "Na."]);
    expect(lines.filter((l) => l.includes("could not be rendered") && l.includes("sectie-1")).length).toBeGreaterThanOrEqual(2);
    vi.restoreAllMocks();
  });

  it("let only http(s) and mailto links through", () => {
    for (const href of ["https://example.org", "http://example.org/a?b#c", "mailto:a@example.org", "  HTTPS://example.org", "\u0001https://x"]) expect(isSafeHref(href), href).toBe(true);
    for (const href of ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "\u0000javascript:x", "data:text/html,x", "vbscript:x", "/relative", "#top", "", null, undefined, 42, { href: "https://x" }]) {
      expect(isSafeHref(href), String(href)).toBe(false);
    }
  });
});

describe("open suggestions in the outputs (ADR 027)", () => {
  const who = { id: "s1", userId: "u-1", organisationId: "o-be", name: "Pieter", organisation: "BE", time: "2026-12-01T10:00:00.000Z" };
  const suggested = () => {
    const doc = new Y.Doc();
    writeDocument(doc, [
      {
        type: "paragraph",
        content: [
          { type: "text", text: "Binnen de " },
          { type: "text", text: "landsgrenzen", marks: [{ type: "deletion", attrs: who }] },
          { type: "text", text: "grenzen", marks: [{ type: "insertion", attrs: who }] },
          { type: "text", text: "." },
        ],
      },
    ]);
    return doc;
  };

  it("shows them on the page (ins and del in the organisation's colour) and in Markdown as CriticMarkup", () => {
    const doc = suggested();
    const s = documentSchema();
    const node = s.nodeFromJSON({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "grenzen", marks: [{ type: "insertion", attrs: who }] }] }] });
    const html = sectionTextHtml(node, "sectie-1");
    expect(html).toMatch(/<ins [^>]*class="ov-suggestion ov-suggestion--insertion"[^>]*>grenzen<\/ins>/);
    expect(html).toContain("--ov-suggestion-colour: #");
    expect(toMarkdown(doc)).toBe("Binnen de {--landsgrenzen--}{++grenzen++}.");
  });

  it("hash the text as accepted: the same as the text before the suggestion", () => {
    const before = new Y.Doc();
    writeDocument(before, [{ type: "paragraph", content: [{ type: "text", text: "Binnen de landsgrenzen." }] }]);
    expect(contentHash(suggested())).toBe(contentHash(before));
  });
});
