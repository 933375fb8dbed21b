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
import { resolveSectionLinks } from "../server/services/section-links";
import { sectionHref, sectionIdOfHref } from "../app/shared/section-links";

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

  it("let only http(s), mailto and links to a section's page through", () => {
    for (const href of ["https://example.org", "http://example.org/a?b#c", "mailto:a@example.org", "  HTTPS://example.org", "\u0001https://x", "/s/sectie-1"]) expect(isSafeHref(href), href).toBe(true);
    for (const href of ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "\u0000javascript:x", "data:text/html,x", "vbscript:x", "/relative", "/s/", "/s/a/b", "/s/x?y", "//evil.example/s/x", "/w/abc", "#top", "", null, undefined, 42, { href: "https://x" }]) {
      expect(isSafeHref(href), String(href)).toBe(false);
    }
  });

  it("show a link to a section as that section's current title: a link on a page, a reference in a file, nothing of a section the reader may not read", () => {
    const s = documentSchema();
    const link = (id: string) => s.marks.link.create({ href: sectionHref(id) });
    const doc = s.topNodeType.create(null, [
      s.nodes.paragraph.create(null, [
        s.text("Zie "),
        // One link whose text was partly bold when it was inserted: one reference.
        s.text("Oude ", [link("a")]),
        s.text("titel", [link("a"), s.marks.bold.create()]),
        s.text(" en "),
        s.text("Geheim deel", [link("geheim")]),
        s.text(" en "),
        s.text("buiten", [s.marks.link.create({ href: "https://example.org" })]),
      ]),
    ]);
    const targets = new Map([["a", { title: "Aanleiding (nieuw)" }]]);
    const page = resolveSectionLinks(doc, targets, "page");
    const html = sectionTextHtml(page, "sectie-1");
    expect(html).toMatch(/<a href="\/s\/a"[^>]*>Aanleiding \(nieuw\)<\/a>/);
    expect(html).not.toMatch(/<a[^>]*target="_blank"[^>]*href="\/s\/a"/);
    expect(html).toContain(">Aanleiding (nieuw)</a>");
    expect(html).not.toContain("Oude");
    // Unreadable (or gone): the stored text, no link, no title.
    expect(html).toContain("Geheim deel");
    expect(html).not.toContain("/s/geheim");
    expect(html).toContain('href="https://example.org"');

    const file = resolveSectionLinks(doc, targets, "export");
    const runs = toBlocks(file).flatMap((b) => ("runs" in b ? b.runs : []));
    expect(runs.map((r) => r.text).join("")).toBe("Zie Aanleiding (nieuw) en Geheim deel en buiten");
    expect(runs.filter((r) => r.href).map((r) => r.href)).toEqual(["https://example.org"]);
    // Even unresolved, a file never carries a section's relative address as a hyperlink.
    expect(toBlocks(doc).flatMap((b) => ("runs" in b ? b.runs : [])).filter((r) => r.href).map((r) => r.href)).toEqual(["https://example.org"]);
    expect(sectionIdOfHref("/s/a")).toBe("a");
    expect(sectionIdOfHref("https://x/s/a")).toBeNull();
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

  it("marks a suggested formatting change in Markdown as a CriticMarkup highlight around the formatting it would give", () => {
    const doc = new Y.Doc();
    writeDocument(doc, [
      {
        type: "paragraph",
        content: [
          { type: "text", text: "Een " },
          { type: "text", text: "strategische", marks: [{ type: "bold" }, { type: "formatChange", attrs: { ...who, add: "bold", remove: "" } }] },
          { type: "text", text: " agenda." },
        ],
      },
    ]);
    expect(toMarkdown(doc)).toBe("Een **{==strategische==}** agenda.");
  });

  it("hash the text as accepted: the same as the text before the suggestion", () => {
    const before = new Y.Doc();
    writeDocument(before, [{ type: "paragraph", content: [{ type: "text", text: "Binnen de landsgrenzen." }] }]);
    expect(contentHash(suggested())).toBe(contentHash(before));
  });
});
