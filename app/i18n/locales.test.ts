/**
 * The interface's words, every namespace in every locale (app/i18n/locales/<locale>/<namespace>.json):
 * the same keys in each language (no key that one language shows raw), the same {{placeholders}},
 * every namespace in each language's bundle (app/i18n/bundles), and every language other than English
 * reading as itself: no common English words left in it, one form of address (the formal one, as
 * government services write: Dutch "u", German "Sie", French "vous"), and one word for a section.
 */
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LOCALES } from "../shared/locales";
import { resources } from "./all";
import { NAMESPACES } from "./index";

const dir = resolve(fileURLToPath(import.meta.url), "../locales");
type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const namespaces = readdirSync(resolve(dir, "en"))
  .filter((name) => name.endsWith(".json"))
  .map((name) => name.replace(/\.json$/, ""))
  .sort();
const load = (locale: string, ns: string) => flatten(JSON.parse(readFileSync(resolve(dir, locale, `${ns}.json`), "utf8")) as Tree);

/**
 * A key's base without i18next's plural suffix: languages differ in their plural forms (French has
 * "many"), so a plural key counts as present when the language has any of its forms.
 */
const PLURAL = /_(zero|one|two|few|many|other)$/;
const base = (key: string) => key.replace(PLURAL, "");
const placeholders = (value: string) => [...new Set([...value.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]))].sort();

describe("the interface's words", () => {
  it("has a folder for every locale, each with the same namespace files, all registered", () => {
    expect([...NAMESPACES].sort(), "NAMESPACES in app/i18n/index.ts").toEqual(namespaces);
    expect(readdirSync(dir).sort()).toEqual([...LOCALES].sort());
    for (const locale of LOCALES) {
      const files = readdirSync(resolve(dir, locale)).filter((name) => name.endsWith(".json")).map((name) => name.replace(/\.json$/, "")).sort();
      expect(files, locale).toEqual(namespaces);
      expect(Object.keys(resources[locale]).sort(), `${locale} in app/i18n/bundles/${locale}.ts`).toEqual(namespaces);
    }
  });

  for (const ns of namespaces) {
    it(`has the same keys and placeholders in every locale (${ns})`, () => {
      const english = load("en", ns);
      const englishBases = new Set([...english.keys()].map(base));
      const problems: string[] = [];
      for (const locale of LOCALES) {
        if (locale === "en") continue;
        const other = load(locale, ns);
        const otherBases = new Set([...other.keys()].map(base));
        for (const key of englishBases) if (!otherBases.has(key)) problems.push(`${locale}: ${ns}.${key} is missing`);
        for (const key of otherBases) if (!englishBases.has(key)) problems.push(`en: ${ns}.${key} is missing (${locale} has it)`);
        for (const [key, value] of other) {
          const theirs = english.get(key) ?? english.get(`${base(key)}_other`) ?? english.get(base(key));
          if (theirs === undefined) continue;
          // A singular may say "one" instead of {{count}}; every other placeholder must be there.
          const want = placeholders(theirs).filter((p) => p !== "count" || !/_one$/.test(key));
          const have = placeholders(value);
          const missing = want.filter((p) => !have.includes(p));
          const extra = have.filter((p) => !placeholders(theirs).includes(p) && p !== "count");
          if (missing.length || extra.length) problems.push(`${locale}: ${ns}.${key} placeholders ${JSON.stringify(have)}, en has ${JSON.stringify(placeholders(theirs))}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }
});

/**
 * English words that are not words of the language checked: one of them in its text is a string left
 * untranslated. Each language drops the words it shares with English (Dutch "of", "is", "in", "over",
 * "door", "want" are not on the list at all; German "will", French "section", "minutes" are dropped).
 */
const ENGLISH = [
  "the", "and", "with", "you", "your", "please", "this", "that", "these", "which", "should", "would", "could", "has", "have",
  "been", "from", "are", "not", "will", "can", "for", "only", "when", "there", "their", "they", "what", "who", "into", "here",
  "save", "cancel", "delete", "edit", "remove", "add", "close", "send", "sign", "back", "next", "previous", "search",
  "settings", "loading", "error", "yes", "no", "none", "nothing", "everything", "someone", "section", "sections", "comment",
  "comments", "review", "approve", "approved", "changes", "requested", "version", "versions", "members", "people", "role",
  "owner", "editor", "viewer", "commenter", "workspace", "workspaces", "agenda", "due", "today", "yesterday", "ago", "minutes",
  "hours", "days", "new", "unread", "read", "mark", "all", "retry", "offline", "online", "saved", "saving", "connected",
];

interface Language {
  name: string;
  /** Words of ENGLISH that are words of this language too. */
  shared: string[];
  /** Words on the list that the interface uses on purpose (names, product terms, loan words), by key. */
  allowed: Record<string, RegExp>;
  /** The informal address. */
  informal: RegExp;
  /** Words for a section (or another of the interface's fixed terms) other than the one it uses. */
  otherTerms: { pattern: RegExp; says: string }[];
}

const LANGUAGES: Partial<Record<(typeof LOCALES)[number], Language>> = {
  nl: {
    name: "Dutch",
    shared: [],
    allowed: {
      // "Online"/"offline" are Dutch too ("u bent offline").
      offline: /./,
      online: /./,
      // The agenda is Dutch ("de agenda").
      agenda: /./,
      // "Editor" is the usual Dutch word for the text editor.
      editor: /./,
      // "Review" is used in Dutch government writing ("ter review"); kept where it names the step.
      review: /./,
    },
    // "je", "jij", "jou", "jouw", "jullie", "jezelf".
    informal: /(?<![\p{L}-])(je|jij|jou|jouw|jullie|jezelf)(?![\p{L}-])/iu,
    otherTerms: [{ pattern: /(?<!\p{L})onderde(el|len)(?!\p{L})/iu, says: `"onderdeel" for a section ("sectie")` }],
  },
  de: {
    name: "German",
    // "will" (er will), "version" (die Version).
    shared: ["will", "version"],
    allowed: { offline: /./, online: /./, agenda: /./, editor: /./ },
    // "du", "dich", "dir", "dein…", "euch", "euer…": the interface says "Sie".
    informal: /(?<![\p{L}-])(du|dich|dir|dein|deine|deinen|deinem|deiner|deines|euch|euer|eure|euren|eurem|eurer)(?![\p{L}-])/iu,
    otherTerms: [
      { pattern: /(?<!\p{L})(sektion|sektionen)(?!\p{L})/iu, says: `"Sektion" for a section ("Abschnitt")` },
      { pattern: /(arbeitsraum|arbeitsräume|workspace)/iu, says: `another word for a workspace ("Arbeitsbereich")` },
    ],
  },
  fr: {
    name: "French",
    // French words spelt as English ones: "section(s)", "version(s)", "comment" (how), "commenter" (to comment),
    // "minutes", "due" (la somme due).
    shared: ["section", "sections", "version", "versions", "comment", "commenter", "minutes", "due"],
    allowed: { offline: /./, online: /./, agenda: /./ },
    // "tu", "toi", "ton", "ta", "tes", "te": the interface says "vous".
    informal: /(?<![\p{L}-])(tu|toi|ton|ta|tes|te|tien|tienne|tiens|tiennes)(?![\p{L}-])/iu,
    otherTerms: [],
  },
};

for (const [locale, language] of Object.entries(LANGUAGES) as [string, Language][]) {
  describe(`the ${language.name} interface`, () => {
    const words = ENGLISH.filter((word) => !language.shared.includes(word));
    const english = new RegExp(`(?<![\\p{L}{-])(${words.join("|")})(?![\\p{L}}-])`, "giu");
    for (const ns of namespaces) {
      it(`reads as ${language.name}, formally, with one word for each term (${ns})`, () => {
        const problems: string[] = [];
        for (const [key, value] of load(locale, ns)) {
          // Placeholders and markup are not words.
          const text = value.replace(/\{\{[^}]*\}\}/g, " ").replace(/<[^>]*>/g, " ").replace(/\$t\([^)]*\)/g, " ");
          for (const match of text.matchAll(english)) {
            const word = match[1].toLowerCase();
            if (!language.allowed[word]?.test(key)) problems.push(`${ns}.${key}: English "${match[1]}" in "${value}"`);
          }
          if (language.informal.test(text)) problems.push(`${ns}.${key}: informal address in "${value}"`);
          for (const term of language.otherTerms) if (term.pattern.test(text)) problems.push(`${ns}.${key}: ${term.says} in "${value}"`);
        }
        expect(problems).toEqual([]);
      });
    }
  });
}

it("checks every language but English for untranslated words and the formal address", () => {
  expect(Object.keys(LANGUAGES).sort()).toEqual(LOCALES.filter((locale) => locale !== "en").sort());
});
