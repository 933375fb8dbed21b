/**
 * Comment bodies and names are rendered as text: light markdown becomes a few elements, and nothing a
 * comment contains is ever turned into HTML that runs.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { CommentBody, safeHref } from "../../app/components/comments/CommentBody";

const render = (text: string, mentions: { id: string; name: string; organisationShortCode: string | null }[] = []) =>
  renderToStaticMarkup(createElement(CommentBody, { text, mentions }));

describe("comment bodies", () => {
  it("renders links, emphasis, code and lists", () => {
    const html = render("See **this** and *that* or _that_, `code`, [the letter](https://example.org/brief?a=1&b=2).\n\n- one\n- two\n\n1. first\n2. second");
    expect(html).toContain("<strong>this</strong>");
    expect(html).toContain("<em>that</em>");
    expect(html).toContain("<code>code</code>");
    expect(html).toContain('<a href="https://example.org/brief?a=1&amp;b=2" target="_blank" rel="noopener noreferrer nofollow">the letter</a>');
    expect(html).toContain("<ul><li>one</li><li>two</li></ul>");
    expect(html).toContain("<ol><li>first</li><li>second</li></ol>");
  });

  it("links bare http(s) addresses, without the trailing full stop", () => {
    expect(render("Zie https://www.rijksoverheid.nl/kritieke-grondstoffen.")).toContain(
      '<a href="https://www.rijksoverheid.nl/kritieke-grondstoffen" target="_blank" rel="noopener noreferrer nofollow">https://www.rijksoverheid.nl/kritieke-grondstoffen</a>.',
    );
  });

  const payloads = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<a href=\"javascript:alert(1)\">x</a>",
    "[click](javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox)",
    "**<svg onload=alert(1)>**",
    "- <iframe src=//evil.example></iframe>",
    '"><script>alert(document.cookie)</script>',
  ];

  it.each(payloads)("shows %s as text", (payload) => {
    const html = render(payload);
    expect(html).not.toMatch(/<(script|img|iframe|svg)\b/i);
    // No tag carries an event attribute (escaped text may still read "onload=").
    expect(html).not.toMatch(/<[^>]*\son\w+=/i);
    expect(html).not.toMatch(/href="(javascript|data|vbscript):/i);
    // The words themselves are still there, escaped.
    if (payload.includes("<")) expect(html).toContain("&lt;");
  });

  it("shows a mentioned person's name as text, even a name with markup", () => {
    const html = render("Graag je blik, @<img src=x onerror=alert(1)> en @Pieter Claes", [
      { id: "u1", name: "<img src=x onerror=alert(1)>", organisationShortCode: null },
      { id: "u2", name: "Pieter Claes", organisationShortCode: "BE" },
    ]);
    expect(html).toContain('<span class="ov-mention">@&lt;img src=x onerror=alert(1)&gt;</span>');
    expect(html).toContain('<span class="ov-mention">@Pieter Claes</span>');
    expect(html).not.toMatch(/<img/i);
  });

  it("allows only http, https and mailto links", () => {
    expect(safeHref("https://example.org")).toBe("https://example.org/");
    expect(safeHref("mailto:lead@ez.example")).toBe("mailto:lead@ez.example");
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref(" JAVASCRIPT:alert(1)")).toBeNull();
    expect(safeHref("/relative")).toBeNull();
  });
});
