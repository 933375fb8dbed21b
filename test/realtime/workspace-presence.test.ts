import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { describe, expect, it } from "vitest";
import { WorkspacePresence, type WorkspacePresenceProps } from "../../app/components/realtime/WorkspacePresence";
import type { PersonInWorkspace } from "../../app/shared/realtime";
import { createI18n } from "../../app/i18n";
import "../../app/i18n/all";
import type { Locale } from "../../app/shared/locales";

const eva: PersonInWorkspace = { userId: "u-eva", name: "Eva de Leeuw", organisationName: "Ministerie van Economische Zaken", organisationShortCode: "EZ", sectionIds: [] };
const daan: PersonInWorkspace = {
  userId: "u-daan",
  name: "Daan Kramer",
  organisationName: "Ministerie van Klimaat en Groene Groei",
  organisationShortCode: "KGG",
  sectionIds: ["s1", "s2"],
};

function render(locale: Locale, props: WorkspacePresenceProps): string {
  return renderToStaticMarkup(createElement(I18nextProvider, { i18n: createI18n(locale) }, createElement(WorkspacePresence, props)));
}

describe("WorkspacePresence", () => {
  it("lists each person with avatar, name, organisation and where they are; me last, marked", () => {
    const html = render("en", { people: [daan, eva], currentUserId: "u-eva", sectionTitles: { s1: "Aanleiding", s2: "Aanbeveling" } });
    expect(html).toMatch(/<section[^>]*aria-labelledby="([^"]+)"[^>]*><h2 id="\1"[^>]*>Here now <span[^>]*>\(1 other\)<\/span><\/h2>/);
    expect(html).toContain('<abbr title="Ministerie van Klimaat en Groene Groei">KGG</abbr>');
    expect(html).toContain("in Aanleiding, Aanbeveling");
    expect(html).toMatch(/<span class="ov-here__avatar"[^>]*aria-hidden="true">DK<\/span>/);
    expect(html.indexOf("Daan Kramer")).toBeLessThan(html.indexOf("Eva de Leeuw"));
    expect(html).toContain("Eva de Leeuw (you)");
    expect(html).not.toContain("Nobody else");
  });

  it("speaks Dutch, and says when nobody else is here", () => {
    const html = render("nl", { people: [eva], currentUserId: "u-eva", headingLevel: 3 });
    expect(html).toMatch(/<h3[^>]*>Nu aanwezig <span[^>]*>\(0 anderen\)<\/span><\/h3>/);
    expect(html).toContain("Er is nu niemand anders.");
    expect(html).toContain("Eva de Leeuw (u)");
  });

  it("renders names as text, never as markup", () => {
    const html = render("en", { people: [{ ...daan, name: '<img src=x onerror="alert(1)">', sectionIds: [] }] });
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x");
  });
});
