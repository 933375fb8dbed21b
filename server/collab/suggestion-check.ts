/**
 * Suggestion mode enforced by the collab server (docs/decisions/027). Run on the schema guard's scratch
 * copy (server/collab/schema-guard.ts) inside the update's own transaction, before Yjs collects the
 * deleted content, and only over the parts the update touched:
 *
 * - the structs the update created (found from each client's clock before it, as the guard does) and
 *   the ones it deleted (its delete set);
 * - for every text block that holds one of them, one walk along its items, computing for each run of
 *   characters its formatting before and after the update (Yjs formatting is the formats alive before
 *   it in the list). Only what a person sees counts: Yjs's own bookkeeping (the format items it adds to
 *   close a run, the redundant ones it removes) changes nothing and passes.
 *
 * A person who may only suggest (a commenter) may: insert text that carries an insertion mark in their
 * own name; delete text that is their own suggested insertion; mark text as suggested for deletion in
 * their own name, or take such a mark of their own away; change bold or italic of existing text when
 * the text carries, after the change, a formatChange mark in their own name that says exactly that
 * (ADR 043). Nothing else: no new or deleted blocks, no attribute, no other formatting, no change to
 * anyone else's suggestion (so no accepting or rejecting).
 * Anyone else who may write (an editor) may do anything except put a suggestion in someone else's name.
 * "Their own name" is the connection's session: the person's id, organisation (id and short code) and
 * display name.
 */
import * as Y from "yjs";
import { DELETION, FORMAT_CHANGE, INSERTION, SUGGESTIBLE_FORMATS, formatNames } from "../../app/shared/suggestions";

/** Who wrote an update, from the connection's session. */
export interface Writer {
  userId: string;
  organisationId: string | null;
  name: string;
  /** The organisation's short code as cards show it (null when it has none). */
  organisation: string | null;
  /** May only suggest (no direct edits). */
  onlySuggest: boolean;
}

type Attrs = Map<string, unknown>;
/** The marks that name a person: never put in someone else's name. */
const MARK_KEYS = new Set([INSERTION, DELETION, FORMAT_CHANGE]);
const SUGGESTIBLE = new Set<string>(SUGGESTIBLE_FORMATS);
const named = (v: unknown, which: "add" | "remove"): string[] => (v && typeof v === "object" ? formatNames((v as Record<string, unknown>)[which]) : []);

/** Why the transaction `tr` (one update applied to the scratch copy) is not allowed to `writer`, or null. */
export function suggestionProblem(tr: Y.Transaction, writer: Writer, repairs?: Repair[]): string | null {
  const before = tr.beforeState;
  const isNew = (item: Y.Item) => item.id.clock >= (before.get(item.id.client) ?? 0);
  const texts = new Set<Y.XmlText>();

  for (const [client, structs] of tr.doc.store.clients) {
    const from = before.get(client) ?? 0;
    const last = structs[structs.length - 1];
    if (!last || last.id.clock + last.length <= from) continue;
    for (let i = from === 0 ? 0 : Y.findIndexSS(structs, from); i < structs.length; i++) {
      const s = structs[i];
      if (!(s instanceof Y.Item) || s.deleted) continue;
      const parent = s.parent;
      if (parent instanceof Y.XmlText && s.parentSub === null && (s.content instanceof Y.ContentString || s.content instanceof Y.ContentFormat)) {
        texts.add(parent);
        continue;
      }
      if (!writer.onlySuggest) continue;
      // A first run of text in an (existing) empty block: a new text whose characters are checked below.
      if (s.parentSub === null && s.content instanceof Y.ContentType && s.content.type instanceof Y.XmlText && parent instanceof Y.XmlElement) {
        texts.add(s.content.type);
        continue;
      }
      return "a suggestion changed the structure of the text";
    }
  }

  let problem: string | null = null;
  Y.iterateDeletedStructs(tr, tr.deleteSet, (s) => {
    if (problem || !(s instanceof Y.Item) || isNew(s)) return;
    const parent = s.parent;
    if (parent instanceof Y.XmlText && s.parentSub === null) {
      texts.add(parent);
      return;
    }
    if (!writer.onlySuggest) return;
    // A text block's run removed whole: allowed when all of it was the person's own insertion.
    if (s.parentSub === null && s.content instanceof Y.ContentType && s.content.type instanceof Y.XmlText && parent instanceof Y.XmlElement) {
      texts.add(s.content.type);
      return;
    }
    problem = "a suggestion deleted part of the structure of the text";
  });
  if (problem) return problem;

  const pending: Repair[] = [];
  for (const text of texts) {
    // Run by run first (cheap, and enough for a keystroke); when that finds a problem, the text as a
    // whole decides: Yjs may have put a new character where an equal one was and moved the marks
    // (y-prosemirror writes a change as a plain-text diff, then formats the runs), which looks like a
    // change to someone's mark but reads exactly as what the person did.
    if (!walk(text, tr, writer, isNew, null) || sameReading(text, tr, writer, isNew)) continue;
    // Then run by run again, telling what the update did from what it could not have seen.
    const findings: Finding[] = [];
    walk(text, tr, writer, isNew, findings);
    const explicit = findings.find((f) => f.explicit);
    if (explicit) return explicit.problem;
    for (const f of findings) pending.push(...f.repairs);
  }
  repairs?.push(...pending);
  return null;
}

/**
 * A change the server makes to the text right after accepting an update: an attribute of some
 * characters set back to what the rules allow (see `suggestionProblem`).
 */
export interface Repair {
  /** The first character (its Yjs id) and how many from it. */
  client: number;
  clock: number;
  length: number;
  key: string;
  /** The value the update left on them: the repair skips characters whose value changed since. */
  found: unknown;
  /** The value they get (null: none). */
  value: unknown;
}

/** A run of characters the rules do not allow as it reads after the update. */
interface Finding {
  problem: string;
  /** Made by the update's own format items (refused), not by changes it could not have seen (repaired). */
  explicit: boolean;
  repairs: Repair[];
}

/** One walk along `text`'s items, checking each run of characters the update may have changed. */
function walk(text: Y.XmlText, tr: Y.Transaction, writer: Writer, isNew: (item: Y.Item) => boolean, findings: Finding[] | null): string | null {
  const before: Attrs = new Map();
  const after: Attrs = new Map();
  // For each attribute, the format item its value after comes from, and the update's first one.
  const source = new Map<string, Y.Item>();
  const sourceBefore = new Map<string, Y.Item>();
  const opening = new Map<string, Y.Item>();
  let first: string | null = null;
  let mine: { value: unknown } | null = null;
  for (let n = (text as unknown as { _start: Y.Item | null })._start; n !== null; n = n.right as Y.Item | null) {
    const fresh = isNew(n);
    const aliveAfter = !n.deleted;
    const aliveBefore = !fresh && (aliveAfter || Y.isDeleted(tr.deleteSet, n.id));
    if (n.content instanceof Y.ContentFormat) {
      const { key, value } = n.content;
      if (aliveBefore) {
        setAttr(before, key, value);
        if (findings) sourceBefore.set(key, n);
      }
      if (aliveAfter) {
        setAttr(after, key, value);
        if (findings) {
          source.set(key, n);
          if (fresh && !opening.has(key)) opening.set(key, n);
        }
      }
      continue;
    }
    if (!n.countable || (!aliveBefore && !aliveAfter)) continue;
    // Kept characters too: a format around them may have changed what they carry.
    const problem = checkRun(aliveBefore ? before : null, aliveAfter ? after : null, writer);
    if (!problem) continue;
    if (!findings) return problem;
    first ??= problem;
    if (mine === null) mine = { value: ownInsertion(text, writer, isNew) }; // once per text, only when needed
    findings.push(classify(n, problem, aliveBefore ? before : null, aliveAfter ? after : null, writer, isNew, source, sourceBefore, opening, mine.value));
  }
  return first;
}

/** The first insertion mark in `writer`'s name that the update wrote in `text`, if any. */
function ownInsertion(text: Y.XmlText, writer: Writer, isNew: (item: Y.Item) => boolean): unknown {
  for (let n = (text as unknown as { _start: Y.Item | null })._start; n !== null; n = n.right as Y.Item | null) {
    if (n.content instanceof Y.ContentFormat && n.content.key === INSERTION && isNew(n) && own(n.content.value, writer)) return n.content.value;
  }
  return undefined;
}

/**
 * Why a run reads as it does: refused when the update's own first format item of an attribute put a
 * value there that the rules do not allow, when it deleted someone else's suggestion mark (the
 * format item the value before came from) where only suggesting is allowed, or when it deleted the
 * characters; otherwise the
 * value came from a change the update could not have seen (another person's concurrent accept, reject
 * or suggestion, which Yjs merges by position): the character inherited a concurrent format, or a
 * format the update wrote to close its own run (restoring the value its writer saw) landed over
 * someone's concurrent change. The run is then accepted as the writer meant it and repaired.
 */
function classify(n: Y.Item, problem: string, b: Attrs | null, a: Attrs | null, writer: Writer, isNew: (item: Y.Item) => boolean, source: Map<string, Y.Item>, sourceBefore: Map<string, Y.Item>, opening: Map<string, Y.Item>, ownInsertion: unknown): Finding {
  const refused: Finding = { problem, explicit: true, repairs: [] };
  if (!a) return refused;
  const repairs: Repair[] = [];
  const keys = new Set<string>([...MARK_KEYS, ...(writer.onlySuggest ? SUGGESTIBLE : []), ...(b?.keys() ?? []), ...a.keys()]);
  const foreign = (v: unknown) => v !== undefined && !own(v, writer);
  // The formatting suggestion the run keeps (someone else's is never changed by a suggester).
  const fcWas = b?.get(FORMAT_CHANGE);
  const fcIs = a.get(FORMAT_CHANGE);
  let fcKept = !b ? (foreign(fcIs) ? undefined : fcIs) : same(fcWas, fcIs) || !(foreign(fcIs) || foreign(fcWas)) ? fcIs : fcWas;
  // The writer's own formatting suggestion that names a change someone made meanwhile (both made the
  // same word bold): kept without the part that is already so; any other mismatch is refused.
  let redundant = false;
  const ownMark = opening.get(FORMAT_CHANGE);
  const wroteOwnMark = !!ownMark && own((ownMark.content as Y.ContentFormat).value, writer);
  if (writer.onlySuggest && b && fcKept === fcIs && fcIs !== undefined && !same(fcWas, fcIs) && formatChangeProblem(b, fcIs, writer)) {
    const trimmed = withoutDone(b, fcIs, writer);
    if (trimmed === undefined) return refused;
    fcKept = trimmed ?? undefined;
    redundant = true;
  }
  for (const key of keys) {
    const was = b ? b.get(key) : undefined;
    const is = a.get(key);
    let want: unknown;
    if (key === FORMAT_CHANGE && writer.onlySuggest) {
      if (same(fcKept, is)) continue;
      want = fcKept ?? null;
      if (redundant) {
        repairs.push({ client: n.id.client, clock: n.id.clock, length: n.length, key, found: is ?? null, value: want });
        continue;
      }
    } else if (!MARK_KEYS.has(key)) {
      if (!writer.onlySuggest || !b || own(b.get(INSERTION), writer)) continue;
      if (SUGGESTIBLE.has(key)) {
        const present = expectedPresent(key, b, fcKept, writer);
        if (present === (is !== undefined)) continue;
        // Formatting its own mark names that the update did not even write: a mark that does not
        // match the change (what a concurrent change can undo, the update must at least have made).
        if (!opening.has(key)) return refused;
        want = present ? (was ?? {}) : null;
      } else {
        if (same(was, is)) continue;
        want = was ?? null;
      }
    } else if (!writer.onlySuggest) {
      if (is === undefined || (b && same(was, is)) || own(is, writer)) continue;
      want = b ? was ?? null : null;
    } else if (key === INSERTION) {
      if (b ? same(was, is) : own(is, writer)) continue;
      // New text that does not carry the person's insertion mark here, though the update marks its
      // own new text as theirs elsewhere: it gets that mark (it is theirs whatever it reads as).
      if (!b && ownInsertion === undefined) return refused;
      want = b ? was ?? null : ownInsertion;
    } else {
      // A deletion mark: one's own may come and go, someone else's may be replaced by one's own.
      const foreign = (v: unknown) => v !== undefined && !own(v, writer);
      if (b ? same(was, is) || !(foreign(is) || (foreign(was) && is === undefined)) : !foreign(is)) continue;
      want = b ? was ?? null : null;
    }
    // The update's own first format of the attribute; or, from a person who may only suggest, its
    // deleting someone else's suggestion mark (accepting or rejecting it).
    // Formatting over someone else's formatting suggestion (only one fits a character: two people
    // formatting the same words at once), or formatting of characters the update's own formatting
    // suggestion does not cover (text inserted meanwhile inside its range, whose marks someone set), is
    // set back to what it was, whoever's format item it is.
    const setBack = writer.onlySuggest && (key === FORMAT_CHANGE || SUGGESTIBLE.has(key)) && (foreign(fcWas) || (SUGGESTIBLE.has(key) && wroteOwnMark && !(fcKept !== undefined && own(fcKept, writer))));
    const from = source.get(key);
    if (!setBack && from && isNew(from) && opening.get(key) === from) return refused;
    const gone = b && writer.onlySuggest && MARK_KEYS.has(key) ? sourceBefore.get(key) : undefined;
    if (gone?.deleted && (gone.content as Y.ContentFormat).value && !own((gone.content as Y.ContentFormat).value, writer)) return refused;
    repairs.push({ client: n.id.client, clock: n.id.clock, length: n.length, key, found: is ?? null, value: want });
  }
  return repairs.length ? { problem, explicit: false, repairs } : refused;
}

function setAttr(attrs: Attrs, key: string, value: unknown): void {
  if (value === null || value === undefined) attrs.delete(key);
  else attrs.set(key, value);
}

/** Checks one run: `b` its formatting before (null: it did not exist), `a` after (null: deleted). */
function checkRun(b: Attrs | null, a: Attrs | null, writer: Writer): string | null {
  if (!writer.onlySuggest) {
    if (!a) return null;
    for (const key of MARK_KEYS) {
      const value = a.get(key);
      if (value !== undefined && !(b && same(b.get(key), value)) && !own(value, writer)) return `${key === INSERTION ? "an insertion" : key === DELETION ? "a deletion" : "a formatting suggestion"} in someone else's name`;
    }
    return null;
  }
  if (b && a) {
    if (!same(b.get(INSERTION), a.get(INSERTION))) return "a suggestion changed someone's suggested insertion";
    const db = b.get(DELETION);
    const da = a.get(DELETION);
    if (!same(db, da)) {
      // Marking for deletion, or taking one's own mark back (or both: marking anew). Someone else's
      // deletion mark is never taken away; it may be replaced by one's own (two people suggesting the
      // same deletion at once: Yjs keeps one of the two marks, and the text is still only suggested
      // for deletion).
      if (da !== undefined && !own(da, writer)) return "a deletion in someone else's name";
      if (db !== undefined && !own(db, writer) && da === undefined) return "a suggestion took away someone else's suggested deletion";
    }
    return formattingProblem(b, a, writer);
  }
  if (b) {
    // Deleted: only one's own suggested insertion.
    return own(b.get(INSERTION), writer) ? null : "a suggestion deleted text directly";
  }
  if (a) {
    if (!own(a.get(INSERTION), writer)) return "text inserted without an insertion mark in the writer's name";
    const da = a.get(DELETION);
    if (da !== undefined && !own(da, writer)) return "a deletion in someone else's name";
    const fa = a.get(FORMAT_CHANGE);
    if (fa !== undefined && !own(fa, writer)) return "a formatting suggestion in someone else's name";
  }
  return null;
}

/**
 * For a person who may only suggest, a kept run (`b` before, `a` after): its formatting may change
 * only as a formatChange mark of their own on it after says (ADR 043), or back to what it was before
 * their own formatting suggestion (taking it back), or freely on their own suggested insertion;
 * someone else's formatting suggestion is not changed.
 */
function formattingProblem(b: Attrs, a: Attrs, writer: Writer): string | null {
  const fb = b.get(FORMAT_CHANGE);
  const fa = a.get(FORMAT_CHANGE);
  // Their own suggested insertion is theirs to format until it is accepted.
  if (own(b.get(INSERTION), writer) && (fa === undefined || own(fa, writer))) return null;
  if (same(fb, fa)) return sameFormatting(b, a) ? null : "a suggestion changed the formatting directly";
  if (fa !== undefined && !own(fa, writer)) return "a formatting suggestion in someone else's name";
  if (fb !== undefined && !own(fb, writer)) return "a suggestion changed someone else's formatting suggestion";
  if (fa !== undefined) {
    const problem = formatChangeProblem(b, fa, writer);
    if (problem) return problem;
  }
  for (const key of new Set([...b.keys(), ...a.keys()])) {
    if (MARK_KEYS.has(key)) continue;
    if (SUGGESTIBLE.has(key) ? expectedPresent(key, b, fa, writer) !== a.has(key) : !same(b.get(key), a.get(key))) return "a suggestion changed the formatting other than its formatting suggestion says";
  }
  for (const key of SUGGESTIBLE) if (!b.has(key) && !a.has(key) && expectedPresent(key, b, fa, writer)) return "a suggestion changed the formatting other than its formatting suggestion says";
  return null;
}

/**
 * Whether the formatChange mark `fa` a kept run carries after an update (in the writer's name) says
 * what changed: only formatting that can be suggested, something added or removed, each added one
 * absent and each removed one present before the writer's own formatting suggestions on the run.
 */
function formatChangeProblem(b: Attrs, fa: unknown, writer: Writer): string | null {
  const add = named(fa, "add");
  const remove = named(fa, "remove");
  if (add.length + remove.length === 0) return "a formatting suggestion that changes nothing";
  for (const key of [...add, ...remove]) if (!SUGGESTIBLE.has(key)) return "a formatting suggestion of formatting that cannot be suggested";
  const original = (key: string) => expectedPresent(key, b, undefined, writer);
  if (add.some((key) => original(key) || remove.includes(key)) || remove.some((key) => !original(key))) return "a formatting suggestion that does not match the change";
  return null;
}

/**
 * `fa` (the writer's own formatChange on a kept run after an update) without the names whose change
 * was already made before the update (by someone else, concurrently): the mark as it should stay
 * (null: none), or undefined when that does not make it match (a forged or otherwise wrong mark).
 */
function withoutDone(b: Attrs, fa: unknown, writer: Writer): unknown {
  const add = named(fa, "add");
  const remove = named(fa, "remove");
  if ([...add, ...remove].some((key) => !SUGGESTIBLE.has(key)) || add.some((key) => remove.includes(key))) return undefined;
  const original = (key: string) => expectedPresent(key, b, undefined, writer);
  const add2 = add.filter((key) => !original(key));
  const remove2 = remove.filter((key) => original(key));
  if (add2.length + remove2.length === add.length + remove.length) return undefined;
  return add2.length + remove2.length ? { ...(fa as Record<string, unknown>), add: add2.join(","), remove: remove2.join(",") } : null;
}

/**
 * Whether formatting `key` (bold, italic) is to be on a kept run after an update: as before the
 * writer's own formatting suggestion on it (`b`'s formatChange taken back), then as the
 * formatChange `fa` it carries after says, when that is the writer's own.
 */
function expectedPresent(key: string, b: Attrs, fa: unknown, writer: Writer): boolean {
  let present = b.has(key);
  const fb = b.get(FORMAT_CHANGE);
  if (fb !== undefined && own(fb, writer)) {
    if (named(fb, "add").includes(key)) present = false;
    else if (named(fb, "remove").includes(key)) present = true;
  }
  if (fa !== undefined && own(fa, writer)) {
    if (named(fa, "add").includes(key)) return true;
    if (named(fa, "remove").includes(key)) return false;
  }
  return present;
}

/** Whether a mark's attributes name `writer` (as the session knows them). */
function own(value: unknown, writer: Writer): boolean {
  if (!value || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return v.userId === writer.userId && (v.organisationId ?? null) === writer.organisationId && v.name === writer.name && (v.organisation ?? null) === writer.organisation;
}

/** Two attribute values alike (Yjs keeps them as plain JSON: objects of scalars, or scalars). */
function same(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (!x || !y || typeof x !== "object" || typeof y !== "object") return false;
  const kx = Object.keys(x as object);
  const ky = Object.keys(y as object);
  if (kx.length !== ky.length) return false;
  for (const k of kx) if ((x as Record<string, unknown>)[k] !== (y as Record<string, unknown>)[k]) return false;
  return true;
}

/** The same formatting apart from the suggestion marks. */
function sameFormatting(b: Attrs, a: Attrs): boolean {
  for (const [k, v] of b) if (!MARK_KEYS.has(k) && !same(v, a.get(k))) return false;
  for (const [k, v] of a) if (!MARK_KEYS.has(k) && !same(v, b.get(k))) return false;
  return true;
}

/** One character as a person reads it: the character, its formatting, and its suggestion marks. */
interface Char {
  c: string;
  formatting: string;
  insertion: unknown;
  deletion: unknown;
  formatChange: unknown;
}

/**
 * Whether `text` reads, after the update, as its writer may have made it (the check of the text as a
 * whole): for a person who may only suggest, the text without their own suggested insertions is the
 * same before and after, character by character, apart from deletion marks in their own name; for an
 * editor, the characters carrying each suggestion of someone else are, after, some of those that
 * carried it before (accepting or rejecting part of it), never new ones.
 */
function sameReading(text: Y.XmlText, tr: Y.Transaction, writer: Writer, isNew: (item: Y.Item) => boolean): boolean {
  const before: Char[] = [];
  const after: Char[] = [];
  const attrsBefore: Attrs = new Map();
  const attrsAfter: Attrs = new Map();
  for (let n = (text as unknown as { _start: Y.Item | null })._start; n !== null; n = n.right as Y.Item | null) {
    const fresh = isNew(n);
    const aliveAfter = !n.deleted;
    const aliveBefore = !fresh && (aliveAfter || Y.isDeleted(tr.deleteSet, n.id));
    if (n.content instanceof Y.ContentFormat) {
      if (aliveBefore) setAttr(attrsBefore, n.content.key, n.content.value);
      if (aliveAfter) setAttr(attrsAfter, n.content.key, n.content.value);
      continue;
    }
    if (!n.countable) continue;
    const str = n.content instanceof Y.ContentString ? n.content.str : "\ufffc".repeat(n.length);
    if (aliveBefore) push(before, str, attrsBefore);
    if (aliveAfter) push(after, str, attrsAfter);
  }
  if (writer.onlySuggest) {
    const b = before.filter((ch) => !own(ch.insertion, writer));
    const a = after.filter((ch) => !own(ch.insertion, writer));
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const x = b[i];
      const y = a[i];
      if (x.c !== y.c || x.formatting !== y.formatting || !same(x.insertion, y.insertion) || !same(x.formatChange, y.formatChange)) return false;
      if (!same(x.deletion, y.deletion)) {
        if (y.deletion !== undefined && !own(y.deletion, writer)) return false;
        if (x.deletion !== undefined && !own(x.deletion, writer) && y.deletion === undefined) return false;
      }
    }
    return true;
  }
  // An editor: each suggestion of someone else keeps a subsequence of its characters.
  const valueOf = (ch: Char, key: string) => (key === INSERTION ? ch.insertion : key === DELETION ? ch.deletion : ch.formatChange);
  for (const key of MARK_KEYS) {
    const was = new Map<string, string>();
    for (const ch of before) {
      const v = valueOf(ch, key);
      if (v !== undefined) was.set(keyOf(v), (was.get(keyOf(v)) ?? "") + ch.c);
    }
    const is = new Map<string, string>();
    for (const ch of after) {
      const v = valueOf(ch, key);
      if (v !== undefined && !own(v, writer)) is.set(keyOf(v), (is.get(keyOf(v)) ?? "") + ch.c);
    }
    for (const [k, chars] of is) if (!subsequence(chars, was.get(k) ?? "")) return false;
  }
  return true;
}

function push(out: Char[], str: string, attrs: Attrs): void {
  let formatting = "";
  for (const [k, v] of [...attrs].sort(([x], [y]) => (x < y ? -1 : 1))) if (!MARK_KEYS.has(k)) formatting += `${k}=${keyOf(v)};`;
  const insertion = attrs.get(INSERTION);
  const deletion = attrs.get(DELETION);
  const formatChange = attrs.get(FORMAT_CHANGE);
  for (const c of str) out.push({ c, formatting, insertion, deletion, formatChange });
}

/** A value as a string (marks' attributes are flat objects of scalars). */
function keyOf(v: unknown): string {
  if (!v || typeof v !== "object") return JSON.stringify(v) ?? "";
  return JSON.stringify(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1)));
}

/** Whether `part` is `whole` with some characters left out. */
function subsequence(part: string, whole: string): boolean {
  let j = 0;
  for (const c of part) {
    j = whole.indexOf(c, j);
    if (j < 0) return false;
    j += c.length;
  }
  return true;
}

/**
 * Sets right what `repairs` name, in one transaction on `doc` (the server's change after the update
 * that needed them): each run of characters still carrying the value the update left gets the value
 * the rules allow; characters deleted or changed since are left as they are.
 */
export function applyRepairs(doc: Y.Doc, repairs: readonly Repair[]): void {
  const byText = new Map<Y.XmlText, Repair[]>();
  for (const r of repairs) {
    let item: Y.Item | Y.GC;
    try {
      item = Y.getItem(doc.store, Y.createID(r.client, r.clock));
    } catch {
      continue; // not in this document (yet)
    }
    if (!(item instanceof Y.Item) || !(item.parent instanceof Y.XmlText)) continue;
    const list = byText.get(item.parent);
    if (list) list.push(r);
    else byText.set(item.parent, [r]);
  }
  if (byText.size === 0) return;
  doc.transact(() => {
    for (const [text, list] of byText) {
      const formats: [number, number, string, unknown][] = [];
      const attrs: Attrs = new Map();
      let index = 0;
      for (let n = (text as unknown as { _start: Y.Item | null })._start; n !== null; n = n.right as Y.Item | null) {
        if (n.content instanceof Y.ContentFormat) {
          if (!n.deleted) setAttr(attrs, n.content.key, n.content.value);
          continue;
        }
        if (!n.countable || n.deleted) continue;
        for (const r of list) {
          if (n.id.client !== r.client) continue;
          const from = Math.max(n.id.clock, r.clock);
          const to = Math.min(n.id.clock + n.length, r.clock + r.length);
          if (from < to && same(attrs.get(r.key) ?? null, r.found)) formats.push([index + from - n.id.clock, to - from, r.key, r.value]);
        }
        index += n.length;
      }
      for (const [at, length, key, value] of formats) text.format(at, length, { [key]: value });
    }
  });
}
