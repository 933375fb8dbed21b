import { describe, expect, it } from "vitest";
import en from "../../app/i18n/locales/en/common.json";
import nl from "../../app/i18n/locales/nl/common.json";
import { dateLocaleFor, daysUntil, formatDay, safeRedirect } from "../../app/components/format";
import { addDays, todayInNetherlands as today } from "../../app/shared/dates";
import { localeFromAcceptLanguage } from "../../app/i18n";

describe("safeRedirect", () => {
  it("keeps paths on this site and turns anything else into /", () => {
    expect(safeRedirect("/w/abc?x=1")).toBe("/w/abc?x=1");
    for (const bad of ["//evil.example", "https://evil.example", "/\\evil.example", "evil", "", null, undefined, "/a\nb"]) {
      expect(safeRedirect(bad as string | null | undefined), String(bad)).toBe("/");
    }
  });
});

describe("dates", () => {
  it("counts days in the Netherlands, across midnight UTC", () => {
    // 23:30 UTC on 29 September is already 30 September in Amsterdam.
    const lateEvening = new Date("2027-09-29T23:30:00Z");
    expect(today(lateEvening)).toBe("2027-09-30");
    expect(daysUntil("2027-09-30", lateEvening)).toBe(0);
    expect(daysUntil("2027-10-02", lateEvening)).toBe(2);
    expect(daysUntil("2027-09-28", lateEvening)).toBe(-2);
    expect(daysUntil("not a date", lateEvening)).toBeNull();
  });

  it("adds days across a month's end and the change to winter time", () => {
    expect(addDays("2027-10-30", 7)).toBe("2027-11-06");
    expect(addDays("2027-03-01", -1)).toBe("2027-02-28");
    expect(addDays("yesterday", 1)).toBeNull();
  });

  it("formats a calendar date in the reader's locale without shifting the day", () => {
    expect(formatDay("2027-09-30", "nl-NL")).toBe("30 september 2027");
    expect(formatDay("2027-09-30", "en-GB")).toBe("30 September 2027");
    expect(formatDay("2027-09-30", "en-US")).toBe("September 30, 2027");
    expect(formatDay("2027-09-30", "de-DE")).toBe("30. September 2027");
    expect(formatDay("2027-09-30", "fr-BE")).toBe("30 septembre 2027");
  });

  it("uses the reader's regional variant of the chosen language when they ask for one", () => {
    expect(dateLocaleFor("en-US,en;q=0.9", "en")).toBe("en-US");
    expect(dateLocaleFor("nl-BE,nl;q=0.9", "nl")).toBe("nl-BE");
    expect(dateLocaleFor("de-DE", "nl")).toBe("nl-NL");
    expect(dateLocaleFor(null, "en")).toBe("en-GB");
    expect(dateLocaleFor("de-AT,de;q=0.9", "de")).toBe("de-AT");
    expect(dateLocaleFor(null, "de")).toBe("de-DE");
    expect(dateLocaleFor("fr-FR,fr;q=0.9", "fr")).toBe("fr-FR");
    expect(dateLocaleFor("en-GB", "fr")).toBe("fr-BE");
  });

  it("picks the language a browser weighs highest among those Overleg speaks, else Dutch", () => {
    expect(localeFromAcceptLanguage("de-DE,de;q=0.9,en;q=0.8")).toBe("de");
    expect(localeFromAcceptLanguage("fr-BE,fr;q=0.9,nl;q=0.8")).toBe("fr");
    expect(localeFromAcceptLanguage("es-ES,en;q=0.5,de;q=0.7")).toBe("de");
    expect(localeFromAcceptLanguage("pl,es;q=0.5")).toBe("nl");
    expect(localeFromAcceptLanguage("de;q=0,en")).toBe("en");
    expect(localeFromAcceptLanguage(null)).toBe("nl");
  });
});

describe("common translations", () => {
  /** Every leaf as [path, value]. */
  const leaves = (value: unknown, path: string[] = []): [string, unknown][] =>
    value && typeof value === "object"
      ? Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]))
      : [[path.join(" › "), value]];

  it("have the same keys in Dutch and English, none empty", () => {
    expect(leaves(en).map(([k]) => k).sort()).toEqual(leaves(nl).map(([k]) => k).sort());
    for (const [key, value] of [...leaves(nl), ...leaves(en)]) {
      expect(typeof value === "string" && value.trim() !== "", key).toBe(true);
    }
  });
});
