/** The words of search (server/search/text.ts): stems, query lexemes, the FTS and tsquery syntax, snippets. */
import { describe, expect, it } from "vitest";
import { ftsQuery, MAX_QUERY_TERMS, queryTerms, snippet, stemsOf, tsQuery } from "../../server/search/text";

describe("search words", () => {
  it("indexes each word with its Dutch and English stems", () => {
    expect(stemsOf("Kritieke grondstoffen, processing").split(" ")).toEqual(
      expect.arrayContaining(["kritieke", "kritiek", "grondstoffen", "grondstoff", "processing", "process"]),
    );
  });

  it("makes a doubled final consonant of a query's stem count once, so grondstoffen also matches grondstof", () => {
    expect(queryTerms("Grondstoffen")).toEqual([{ word: "grondstoffen", lexemes: ["grondstoffen", "grondstof"] }]);
  });

  it("turns any query into quoted lexemes only: no operator of FTS5 or tsquery gets through", () => {
    const terms = queryTerms(`"a" OR NEAR(b) -c* 'd':* & !e | f`);
    expect(terms.map((t) => t.word)).toEqual(["a", "or", "near", "b", "c", "d", "e", "f"].slice(0, MAX_QUERY_TERMS));
    expect(ftsQuery(queryTerms("de grondstof"))).toBe('("de") AND ("grondstof"*)');
    expect(tsQuery(queryTerms("de grondstof"))).toBe("('de') & ('grondstof':*)");
    expect(queryTerms("*** --- ")).toEqual([]);
  });

  it("cuts a snippet around the first hit, as plain-text parts with the hits apart", () => {
    const body = `${"Inleiding ".repeat(40)}De <script>x</script> verwerking van grondstoffen in clusters. ${"Slot ".repeat(60)}`;
    const parts = snippet(body, queryTerms("grondstof clusters"));
    expect(parts[0].text.startsWith("… ")).toBe(true);
    expect(parts.filter((p) => p.hit).map((p) => p.text)).toEqual(["grondstoffen", "clusters"]);
    expect(parts.map((p) => p.text).join("")).toContain("<script>x</script>");
    expect(parts[parts.length - 1].text.endsWith(" …")).toBe(true);
    expect(parts.map((p) => p.text).join("").length).toBeLessThan(260);
  });

  it("starts a snippet at the beginning when no word of the text matched (a version name hit)", () => {
    expect(snippet("Versie voor review", queryTerms("onbekend"))).toEqual([{ text: "Versie voor review", hit: false }]);
  });
});
