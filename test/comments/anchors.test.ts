/**
 * Anchors follow their text: a thread made on a phrase (by a commenter, on their own copy, as the
 * editor makes it) still points at exactly that phrase after other people's concurrent edits before,
 * inside and after it, over the real collab server (a property test with random edits); and when the
 * phrase is deleted the anchor reports its text removed.
 */
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { connectProvider, synced, until, type ProviderClient } from "../collab/helpers";
import { startTestServer, type TestServer } from "../support/server";
import { anchorOf, textAt } from "./helpers";
import { WS } from "../support/fixtures";

const WORKSPACE = WS.crossBorder;
const PHRASE = "ALPHA_BETA";

/** A small seeded random generator, so a failure can be replayed from its seed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The paragraph holding the phrase (its only text node), in one client's copy. */
function phraseText(doc: Y.Doc): Y.XmlText {
  for (const node of doc.getXmlFragment(FRAGMENT).toArray()) {
    // By shape rather than instanceof: the provider's copy of yjs may be another module instance.
    const first = "nodeName" in node && node.nodeName === "paragraph" ? (node as Y.XmlElement).get(0) : null;
    if (first && !("nodeName" in first) && first.toString().includes("_")) return first as Y.XmlText;
  }
  throw new Error("no phrase paragraph");
}

/** Where the phrase's first and last characters are now: the first and last capital letter or "_". */
function bounds(text: string): { first: number; last: number } {
  const first = text.search(/[A-Z_]/);
  let last = -1;
  for (let i = text.length - 1; i >= 0; i--) {
    if (/[A-Z_]/.test(text[i])) {
      last = i;
      break;
    }
  }
  return { first, last };
}

const word = (rnd: () => number) => Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => "abcdefghij"[Math.floor(rnd() * 10)]).join("");

/** One random edit by one client: insert before / inside / after the phrase, or delete outside it. */
function randomEdit(doc: Y.Doc, rnd: () => number): void {
  const text = phraseText(doc);
  const s = text.toString();
  const { first, last } = bounds(s);
  const kind = Math.floor(rnd() * 5);
  if (kind === 0) text.insert(Math.floor(rnd() * (first + 1)), word(rnd)); // before (up to right before it)
  else if (kind === 1) text.insert(first + 1 + Math.floor(rnd() * (last - first)), word(rnd)); // inside
  else if (kind === 2) text.insert(last + 1 + Math.floor(rnd() * (s.length - last)), word(rnd)); // after (from right after it)
  else if (kind === 3 && first > 1) {
    const at = Math.floor(rnd() * (first - 1));
    text.delete(at, Math.min(1 + Math.floor(rnd() * 3), first - at));
  } else if (kind === 4 && s.length - last > 2) {
    const at = last + 1 + Math.floor(rnd() * (s.length - last - 2));
    text.delete(at, Math.min(1 + Math.floor(rnd() * 3), s.length - at));
  } else text.insert(0, word(rnd));
}

describe("comment anchors", () => {
  let server: TestServer;
  let sectionId: string;
  const clients: ProviderClient[] = [];
  const open = async (email: string) => {
    const { cookie } = await server.signIn(email);
    const client = connectProvider(server.url, sectionId, { cookie, origin: server.url });
    clients.push(client);
    await synced(client);
    return client;
  };
  const converged = (...all: ProviderClient[]) =>
    Promise.all(
      all.map((c) =>
        until(
          (fn) => {
            const offs = all.map((o) => {
              o.doc.on("update", fn);
              return () => o.doc.off("update", fn);
            });
            return () => offs.forEach((off) => off());
          },
          () => all.every((o) => o.doc.getXmlFragment(FRAGMENT).toString() === c.doc.getXmlFragment(FRAGMENT).toString()),
          "every client to hold the same text",
          10_000,
        ),
      ),
    );

  beforeAll(async () => {
    server = await startTestServer();
    [sectionId] = await server.sectionIds(WORKSPACE);
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server?.stop();
  });

  it("keeps pointing at the phrase through concurrent edits before, inside and after it", async () => {
    const lead = await open("lead@ez.example");
    const drafter = await open("drafter@kgg.example");
    const partner = await open("partner@be.example");

    // The lead writes a paragraph with the phrase; everyone receives it.
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText(`lorem-${PHRASE}-ipsum`)]);
    lead.doc.getXmlFragment(FRAGMENT).push([paragraph]);
    await converged(lead, drafter, partner);

    // The partner (a commenter, who cannot change the text) anchors a thread on the phrase.
    const { anchor, quote } = anchorOf(partner.doc, PHRASE);
    expect(quote).toBe(PHRASE);
    expect(textAt(partner.doc, anchor)).toBe(PHRASE);

    // Right at the edges, at the same moment: typed just before and just after the phrase stays out.
    {
      const a = phraseText(lead.doc);
      const { first, last } = bounds(a.toString());
      a.insert(last + 1, "zz");
      a.insert(first, "yy");
      const b = phraseText(drafter.doc);
      b.insert(bounds(b.toString()).first, "xx");
      b.insert(bounds(b.toString()).last + 1, "ww");
      await converged(lead, drafter, partner);
      expect(textAt(partner.doc, anchor)).toBe(PHRASE);
    }

    const seed = Number(process.env.ANCHOR_SEED ?? Date.now() % 100_000);
    const rnd = random(seed);
    for (let round = 0; round < 25; round++) {
      // Both editors change their own copy before seeing the other's change: concurrent edits.
      for (let n = 0; n < 1 + Math.floor(rnd() * 3); n++) randomEdit(lead.doc, rnd);
      for (let n = 0; n < 1 + Math.floor(rnd() * 3); n++) randomEdit(drafter.doc, rnd);
      await converged(lead, drafter, partner);
      const whole = phraseText(partner.doc).toString();
      const { first, last } = bounds(whole);
      const at = textAt(partner.doc, anchor);
      // Exactly from the phrase's first character to its last: nothing typed around it, all typed inside.
      expect(at, `seed ${seed}, round ${round}: ${whole}`).toBe(whole.slice(first, last + 1));
      expect(at?.replace(/[a-z]/g, ""), `seed ${seed}, round ${round}`).toBe(PHRASE);
    }
    // The anchor resolves the same in every copy.
    expect(textAt(lead.doc, anchor)).toBe(textAt(partner.doc, anchor));
    expect(textAt(drafter.doc, anchor)).toBe(textAt(partner.doc, anchor));

    // The phrase is deleted: the anchor says its text was removed; the quote stays with the thread.
    const text = phraseText(lead.doc);
    const { first, last } = bounds(text.toString());
    text.delete(first, last - first + 1);
    await converged(lead, drafter, partner);
    expect(textAt(partner.doc, anchor)).toBeNull();
  });

  it("resolves an anchor on the very first characters of the text, follows typing before it, and still reports it removed", async () => {
    const lead = await open("lead@ez.example");
    const partner = await open("partner@be.example");
    const first = lead.doc.getXmlFragment(FRAGMENT).get(0) as Y.XmlElement;
    const text = first.get(0) as Y.XmlText;
    const opening = text.toString().slice(0, 12);
    // Made by the partner on their own copy, as the editor makes it: the text's first twelve characters.
    const { anchor, quote } = anchorOf(partner.doc, opening);
    expect(quote).toBe(opening);
    expect(textAt(partner.doc, anchor)).toBe(opening);
    expect(textAt(lead.doc, anchor)).toBe(opening);
    // Typed right before it: stays outside.
    text.insert(0, "Nieuw: ");
    await converged(lead, partner);
    expect(textAt(partner.doc, anchor)).toBe(opening);
    // Deleted: removed.
    text.delete(0, "Nieuw: ".length + opening.length);
    await converged(lead, partner);
    expect(textAt(partner.doc, anchor)).toBeNull();
  });
});
