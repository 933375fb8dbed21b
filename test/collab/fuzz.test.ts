/**
 * Property-based fuzzing (fast-check) of what an editor's client can send the collab server, over a
 * real WebSocket to a real test server: random and mutated frames, and crafted Yjs updates (unknown
 * nodes and marks, attributes of the wrong type or size, text and plain values where blocks belong,
 * deep nesting, byte-level mutations of all of these). Whatever arrives, the server never throws out
 * of a connection, never stores a text it cannot render (after every run the stored section is inside
 * the editor's schema, y-prosemirror reads it, and the API serves it with 200), takes every update
 * that is inside the schema, and stays responsive: two honest clients still edit and sync.
 *
 * The runs are bounded (a few seconds) and seeded; on failure fast-check prints the seed and path,
 * and FUZZ_SEED=<seed> repeats the run.
 */
import { yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import fc from "fast-check";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CloseCode } from "../../app/shared/collab";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { documentProblem, documentSchema } from "../../server/document-schema";
import { loadStoredDoc } from "../../server/services/section-text";
import { startTestServer, type TestServer } from "../support/server";
import { appendParagraph, hasAll, msg, paragraphUpdate, sessionClients, synced } from "./helpers";

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

let server: TestServer;
const { cookies, raw, provider, closeAll } = sessionClients(() => server);
let sectionId: string;

// ── what a client sends ─────────────────────────────────────────────────────────────────────────

type Spec =
  | { k: "el"; name: string; attrs: Record<string, unknown>; children: Spec[] }
  | { k: "text"; text: string; marks: Record<string, unknown>; embed: boolean }
  | { k: "value"; value: unknown }
  | { k: "map" };

const NODE_NAMES = ["paragraph", "heading", "blockquote", "bulletList", "orderedList", "listItem", "codeBlock", "horizontalRule", "hardBreak", "table", "tableRow", "tableCell", "tableHeader"];
const BAD_NAMES = ["doc", "text", "script", "", "__proto__", "constructor", "p"];

const attrValue = fc.oneof(
  fc.integer({ min: -3, max: 8 }),
  fc.constantFrom(1e9, -1e12, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);
const markValue = fc.oneof(
  { weight: 4, arbitrary: fc.constant({}) },
  { weight: 2, arbitrary: fc.record({ href: fc.constantFrom("https://example.org", "javascript:alert(1)", "mailto:a@b.c") }) },
  { weight: 1, arbitrary: attrValue },
);
const marks = fc.dictionary(fc.constantFrom("bold", "italic", "code", "link", "strike", "evil", "link--abcdefgh", "ychange"), markValue, { maxKeys: 2 });

const { node: specArb } = fc.letrec<{ node: Spec; el: Spec }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 3, arbitrary: fc.record({ k: fc.constant("text" as const), text: fc.string({ minLength: 1, maxLength: 6 }), marks, embed: fc.constantFrom(false, false, false, true) }) },
    { weight: 5, arbitrary: tie("el") },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("value" as const), value: fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null)) }) },
    { weight: 1, arbitrary: fc.constant({ k: "map" as const }) },
  ),
  el: fc.record({
    k: fc.constant("el" as const),
    name: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...NODE_NAMES) }, { weight: 1, arbitrary: fc.constantFrom(...BAD_NAMES) }),
    attrs: fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(fc.constantFrom("level", "start", "colspan", "colwidth", "language", "type", "x"), attrValue, { maxKeys: 2 }) }),
    children: fc.array(tie("node"), { maxLength: 3 }),
  }),
}));

/** A chain of `depth` nested blocks around a paragraph. */
const deep = fc.integer({ min: 1, max: 200 }).map((depth): Spec => {
  let spec: Spec = { k: "el", name: "paragraph", attrs: {}, children: [{ k: "text", text: "diep", marks: {}, embed: false }] };
  for (let i = 0; i < depth; i++) spec = { k: "el", name: "blockquote", attrs: {}, children: [spec] };
  return spec;
});

/** Blocks as the editor makes them (inside the schema), so that valid updates are sent as often as not. */
const plainText = fc.record({ k: fc.constant("text" as const), text: fc.string({ minLength: 1, maxLength: 6 }), marks: fc.dictionary(fc.constantFrom("bold", "italic", "strike"), fc.constant({}), { maxKeys: 2 }), embed: fc.constant(false) });
const el = (name: string, children: fc.Arbitrary<Spec[]>): fc.Arbitrary<Spec> => children.map((c) => ({ k: "el" as const, name, attrs: {}, children: c }));
const paragraph = el("paragraph", fc.array(plainText, { maxLength: 2 }));
const { block: validBlock } = fc.letrec<{ block: Spec }>((tie) => ({
  block: fc.oneof(
    { depthSize: "small" },
    { weight: 4, arbitrary: paragraph },
    { weight: 1, arbitrary: el("heading", fc.array(plainText, { maxLength: 2 })) },
    { weight: 1, arbitrary: el("codeBlock", fc.array(plainText.map((t) => ({ ...t, marks: {} })), { maxLength: 1 })) },
    { weight: 1, arbitrary: el("horizontalRule", fc.constant([])) },
    { weight: 1, arbitrary: el("blockquote", fc.array(tie("block"), { minLength: 1, maxLength: 2 })) },
    { weight: 1, arbitrary: el("bulletList", fc.array(el("listItem", fc.tuple(paragraph, fc.array(tie("block"), { maxLength: 1 })).map(([p, rest]) => [p, ...rest])), { minLength: 1, maxLength: 2 })) },
    { weight: 1, arbitrary: el("table", fc.array(el("tableRow", fc.array(el("tableCell", fc.array(paragraph, { minLength: 1, maxLength: 1 })), { minLength: 1, maxLength: 2 })), { minLength: 1, maxLength: 2 })) },
  ),
}));

const crafted = fc.record({
  top: fc.oneof(
    { weight: 3, arbitrary: fc.array(validBlock, { minLength: 1, maxLength: 3 }) },
    { weight: 3, arbitrary: fc.array(specArb, { minLength: 1, maxLength: 3 }) },
    { weight: 1, arbitrary: deep.map((d) => [d]) },
  ),
  /** Byte flips applied to the encoded update (position as a fraction of its length, new value). */
  flips: fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }) }),
  asSyncStep2: fc.boolean(),
});

/** fast-check makes objects without a prototype; a client's values (JSON) have one. */
const plain = (v: unknown): unknown =>
  v && typeof v === "object" ? (Array.isArray(v) ? v.map(plain) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))) : v;

function build(spec: Spec, embeds: Y.XmlText[]): unknown {
  switch (spec.k) {
    case "el": {
      const el = new Y.XmlElement(spec.name);
      for (const [key, value] of Object.entries(spec.attrs)) el.setAttribute(key, plain(value) as string);
      el.insert(0, spec.children.map((c) => build(c, embeds)) as Y.XmlElement[]);
      return el;
    }
    case "text": {
      const text = new Y.XmlText();
      text.insert(0, spec.text, plain(spec.marks) as Record<string, unknown>);
      if (spec.embed) embeds.push(text);
      return text;
    }
    case "value":
      return spec.value;
    case "map":
      return new Y.Map();
  }
}

/** The update a client would send for these top-level parts, inserted at the start of the text. */
function encode(top: Spec[]): Uint8Array {
  const doc = new Y.Doc();
  const embeds: Y.XmlText[] = [];
  doc.getXmlFragment(FRAGMENT).insert(0, top.map((s) => build(s, embeds)) as Y.XmlElement[]);
  for (const t of embeds) t.insertEmbed(0, { image: "x" });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/** Whether ProseMirror itself (node.check()) takes these parts, with plain attributes and marks. */
function plainlyValid(top: Spec[]): boolean {
  const plain = (s: Spec, depth: number): boolean => {
    if (depth > 64) return false;
    if (s.k === "el") return Object.keys(s.attrs).length === 0 && s.children.every((c) => plain(c, depth + 1));
    if (s.k === "text") return !s.embed && Object.entries(s.marks).every(([m, v]) => m !== "ychange" && !m.includes("--") && JSON.stringify(v) === "{}");
    return false;
  };
  if (!top.every((s) => plain(s, 1))) return false;
  const json = (s: Spec): unknown =>
    s.k === "el"
      ? { type: s.name, content: s.children.map(json) }
      : { type: "text", text: (s as { text: string }).text, marks: Object.keys((s as { marks: object }).marks).map((type) => ({ type })) };
  try {
    documentSchema().nodeFromJSON({ type: "doc", content: top.map(json) }).check();
    return true;
  } catch {
    return false;
  }
}

/** Frames a client could send: valid ones, random bytes, and valid ones cut, extended or flipped. */
const validFrame = fc.constantFrom(
  msg.syncStep1(),
  msg.syncStep1(Uint8Array.of(1, 200, 1, 5)),
  msg.update(paragraphUpdate(null, "geldig")),
  msg.syncStep2(paragraphUpdate(null, "ook geldig")),
  msg.awareness([{ clientId: 42, clock: 1, state: { cursor: null } }]),
  msg.queryAwareness(),
  Uint8Array.of(2, 0, 3, 97, 98, 99),
);
/** A sync update whose declared length (a varuint) is far larger than what follows. */
const hugeLength = fc.tuple(fc.constantFrom(0, 1, 2), fc.bigInt({ min: 1n << 20n, max: (1n << 53n) - 1n })).map(([sub, n]) => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, sub);
  encoding.writeVarUint(e, Number(n));
  encoding.writeUint8Array(e, Uint8Array.of(1, 2, 3));
  return encoding.toUint8Array(e);
});
/** A Yjs update (in a sync message) whose counts of clients and structs are absurd. */
const hugeCounts = fc.tuple(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 2 ** 31 })).map(([clients, structs]) => {
  const u = encoding.createEncoder();
  encoding.writeVarUint(u, clients);
  encoding.writeVarUint(u, structs);
  encoding.writeVarUint(u, 7);
  encoding.writeVarUint(u, 0);
  return msg.update(encoding.toUint8Array(u));
});
const frame = fc.oneof(
  validFrame,
  fc.uint8Array({ maxLength: 64 }),
  hugeLength,
  hugeCounts,
  fc.tuple(validFrame, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 })).map(([f, flips]) => {
    const copy = Uint8Array.from(f);
    for (const [at, value] of flips) copy[at % copy.length] = value;
    return copy;
  }),
  fc.tuple(validFrame, fc.nat()).map(([f, n]) => f.slice(0, n % f.length)),
  fc.tuple(validFrame, fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([f, tail]) => Uint8Array.from([...f, ...tail])),
);

// ── what must hold after every run ──────────────────────────────────────────────────────────────

/** The stored section is inside the schema, y-prosemirror reads it, and the API serves it. */
async function storedIsRenderable(): Promise<void> {
  await server.collab.flush();
  const doc = await loadStoredDoc(server.database, sectionId);
  try {
    expect(documentProblem(doc)).toBeNull();
    yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(FRAGMENT), documentSchema());
  } finally {
    doc.destroy();
  }
  const res = await fetch(`${server.url}/api/v1/sections/${sectionId}`, { headers: { cookie: cookies.get("lead@ez.example")! } });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

/** Two honest clients still edit and sync. */
async function stillResponsive(words: string): Promise<void> {
  const a = provider("lead@ez.example", sectionId);
  const b = provider("drafter@kgg.example", sectionId);
  await Promise.all([synced(a), synced(b)]);
  appendParagraph(a.doc, words);
  await hasAll(b.doc, [words], "the honest edit to arrive");
  a.destroy();
  b.destroy();
}

const options = <T>(what: string): fc.Parameters<T> => ({
  seed: SEED,
  numRuns: RUNS,
  reporter: (details: fc.RunDetails<T>) => {
    if (details.failed) throw new Error(`${what}: fuzzing failed (seed ${details.seed}, path "${details.counterexamplePath}"; repeat with FUZZ_SEED=${details.seed}):\n${fc.defaultReportMessage(details)}\n${String(details.errorInstance)}`);
  },
});

beforeAll(async () => {
  server = await startTestServer({ env: { LOG_LEVEL: process.env.FUZZ_LOG ?? "silent" } });
  for (const email of ["lead@ez.example", "drafter@kgg.example"]) cookies.set(email, (await server.signIn(email)).cookie);
  [sectionId] = await server.sectionIds("Toegang tot financiering");
});
afterEach(() => closeAll());
afterAll(async () => {
  await server?.stop();
});

describe(`fuzzing the collab server (seed ${SEED})`, () => {
  it("survives random and mutated frames", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 5 }), async (frames) => {
        const client = await raw("drafter@kgg.example", sectionId);
        await client.next("sync-step-1", "the connection to be open");
        for (const f of frames) client.send(f);
        await client.roundTrip();
        client.end();
        await storedIsRenderable();
      }),
      options("frames"),
    );
    await stillResponsive("Na de willekeurige berichten.");
  });

  it("stores only updates inside the schema, and takes every update ProseMirror itself takes", async () => {
    const seen = { refused: 0, taken: 0 };
    await fc.assert(
      fc.asyncProperty(crafted, async ({ top, flips, asSyncStep2 }) => {
        const update = encode(top);
        for (const [at, value] of flips) update[Math.floor(at * (update.length - 1))] = value;
        const client = await raw("drafter@kgg.example", sectionId);
        await client.next("sync-step-1", "the connection to be open");
        client.send(asSyncStep2 ? msg.syncStep2(update) : msg.update(update));
        await client.roundTrip();
        const refused = client.close;
        client.end();
        if (refused) expect([CloseCode.Malformed, CloseCode.TooLarge]).toContain(refused.code);
        seen[refused ? "refused" : "taken"]++;
        if (flips.length === 0 && plainlyValid(top)) expect(refused, "a valid update was refused").toBeNull();
        await storedIsRenderable();
      }),
      options("updates"),
    );
    // Both kinds were sent (the generator is not one-sided).
    expect(seen.refused).toBeGreaterThan(RUNS / 10);
    expect(seen.taken).toBeGreaterThan(RUNS / 10);
    await stillResponsive("Na de gemaakte updates.");
  });
});
