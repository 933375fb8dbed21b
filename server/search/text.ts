/**
 * The words of search, the same for SQLite and PostgreSQL (pure; no database):
 *
 *   stemsOf("Grondstoffen verwerken")  → "grondstoff grondstoffen verwerk verwerken"  (what SQLite's FTS5 indexes)
 *   queryTerms("grondstoffen")         → [{ word: "grondstoffen", lexemes: ["grondstof"] }]
 *   snippet(body, terms)               → [{ text: "… de ", hit: false }, { text: "grondstoffen", hit: true }, …]
 *
 * Every word is stemmed with the Dutch and the English Snowball stemmer (an agenda may be written in
 * either); a query term matches a word when one of its lexemes is a prefix of one of the word's stems,
 * so "grondstof" finds "grondstoffen" (stem "grondstoff") and "grondstoffen" finds "grondstof": the
 * query's lexemes lose a doubled final consonant, which Snowball's Dutch stemmer keeps. PostgreSQL
 * stems the text itself (its `dutch` and `english` configurations) and gets the same query lexemes
 * as prefixes (`'grondstof':*`).
 *
 * A snippet is a list of plain-text parts, never HTML: whoever shows it escapes it (React does).
 */
import { stemmer as dutch } from "@orama/stemmers/dutch";
import { stemmer as english } from "@orama/stemmers/english";

/** A word: letters and digits (of any script). */
const WORD = /[\p{L}\p{N}]+/gu;

/** At most this many words of a query count; the rest are ignored. */
export const MAX_QUERY_TERMS = 8;
/** A lexeme shorter than this matches whole stems only (a prefix "in" would match nearly everything). */
const MIN_PREFIX = 3;

export interface QueryTerm {
  /** The word as typed, lower-cased. */
  word: string;
  /** What it matches: each one a prefix of a stem (or the whole stem, when short). */
  lexemes: string[];
}

const lower = (word: string) => word.toLocaleLowerCase("nl");

/** Strips accents, as SQLite's unicode61 tokenizer does (remove_diacritics 2). */
function plain(word: string): string {
  return word.normalize("NFD").replace(/\p{M}+/gu, "");
}

/** The stems of one (lower-cased) word: itself, its Dutch stem and its English stem. */
function stems(word: string): string[] {
  const out = new Set([word]);
  for (const stem of [dutch, english]) {
    try {
      const s = stem(word);
      if (s) out.add(s);
    } catch {
      // A stemmer that fails on an odd word only loses that stem.
    }
  }
  return [...out];
}

/** "grondstoff" → "grondstof": a doubled final consonant counts once. */
function undouble(lexeme: string): string {
  return /([^aeiouy])\1$/u.test(lexeme) ? lexeme.slice(0, -1) : lexeme;
}

/** The text SQLite indexes for `body`: every stem of every word, separated by spaces. */
export function stemsOf(body: string): string {
  const out = new Set<string>();
  for (const match of body.matchAll(WORD)) for (const s of stems(lower(match[0]))) out.add(s);
  return [...out].join(" ");
}

/** The words of a query (at most MAX_QUERY_TERMS, each with its lexemes); [] when it has none. */
export function queryTerms(query: string): QueryTerm[] {
  const words = [...new Set([...query.matchAll(WORD)].map((m) => lower(m[0]).slice(0, 64)))].slice(0, MAX_QUERY_TERMS);
  return words.map((word) => ({ word, lexemes: [...new Set(stems(word).map(undouble))] }));
}

const matches = (stem: string, lexeme: string) => (lexeme.length >= MIN_PREFIX ? stem.startsWith(lexeme) : stem === lexeme);

/** Whether a word of the text matches a term. */
function hits(word: string, terms: readonly QueryTerm[]): boolean {
  const own = stems(lower(word));
  const unaccented = own.map(plain);
  return terms.some((t) => t.lexemes.some((l) => own.some((s) => matches(s, l)) || unaccented.some((s) => matches(s, plain(l)))));
}

/** The FTS5 query for SQLite: every term must match, each through any of its lexemes. */
export function ftsQuery(terms: readonly QueryTerm[]): string {
  const quote = (l: string) => `"${l.replace(/"/g, '""')}"`;
  return terms.map((t) => `(${t.lexemes.map((l) => (l.length >= MIN_PREFIX ? `${quote(l)}*` : quote(l))).join(" OR ")})`).join(" AND ");
}

/** The tsquery (in to_tsquery('simple', …) syntax) for PostgreSQL: the same rule as ftsQuery. */
export function tsQuery(terms: readonly QueryTerm[]): string {
  const quote = (l: string) => `'${l.replace(/['\\]/g, "")}'`;
  return terms.map((t) => `(${t.lexemes.map((l) => (l.length >= MIN_PREFIX ? `${quote(l)}:*` : quote(l))).join(" | ")})`).join(" & ");
}

export interface SnippetPart {
  text: string;
  /** Whether this part is a word the query matched (shown highlighted). */
  hit: boolean;
}

/**
 * A short passage of `body` around the first words the query matched (about `size` characters), as
 * plain-text parts; the start of the text when no word matches (a title or version name hit).
 */
export function snippet(body: string, terms: readonly QueryTerm[], size = 200): SnippetPart[] {
  const text = body.replace(/\s+/g, " ").trim();
  const words = [...text.matchAll(WORD)].map((m) => ({ start: m.index, end: m.index + m[0].length, hit: hits(m[0], terms) }));
  const first = words.find((w) => w.hit);
  let from = 0;
  if (first && first.start > size / 3) {
    // Start at a word a third of the passage before the first hit.
    const before = words.find((w) => w.start >= first.start - size / 3);
    from = before?.start ?? first.start;
  }
  let to = Math.min(text.length, from + size);
  const cut = words.find((w) => w.start < to && w.end > to);
  if (cut) to = cut.end;
  const parts: SnippetPart[] = [];
  const push = (value: string, hit: boolean) => {
    if (!value) return;
    const last = parts[parts.length - 1];
    if (last && last.hit === hit) last.text += value;
    else parts.push({ text: value, hit });
  };
  if (from > 0) push("… ", false);
  let at = from;
  for (const w of words) {
    if (w.end <= from || w.start >= to) continue;
    if (!w.hit) continue;
    push(text.slice(at, w.start), false);
    push(text.slice(w.start, w.end), true);
    at = w.end;
  }
  push(text.slice(at, to), false);
  if (to < text.length) push(" …", false);
  return parts;
}
