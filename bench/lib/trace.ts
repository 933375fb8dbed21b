/**
 * A large section for the cold-load scenario: ten paragraphs, each written by a synthetic editing
 * trace shaped like the B4 paper-writing trace (typing runs at a cursor that mostly moves forward,
 * jumps now and then, backspaces and deleted selections), so the document carries B4's fragmentation
 * and delete set, not just text. About 1.7 MB encoded; generated once (seeded) and cached in bench/out.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as Y from "yjs";

const WORDS = "de het een van en in op te dat voor met aan grondstoffen kritieke verwerking keten minister agenda cluster industrie innovatie financiering afspraken beleid ruimte infrastructuur vakmensen".split(" ");

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    s ^= s >>> 12;
    return (s >>> 0) / 4294967296;
  };
}

/** The trace's document as one update, at least `targetBytes` long. */
export function coldDocument(outDir: string, targetBytes = 1_700_000): Uint8Array {
  const file = join(outDir, `cold-${targetBytes}.bin`);
  if (existsSync(file)) return new Uint8Array(readFileSync(file));
  const random = rng(20260412);
  const doc = new Y.Doc({ gc: true });
  const fragment = doc.getXmlFragment("default");
  const texts: Y.XmlText[] = [];
  for (let p = 0; p < 10; p++) {
    const paragraph = new Y.XmlElement("paragraph");
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    fragment.insert(p, [paragraph]);
    texts.push(text);
  }
  const perParagraph = targetBytes / 10;
  for (const text of texts) {
    let cursor = 0;
    // Each paragraph is its own editing session (B4 was written by one author, in many sessions).
    for (let round = 0; Y.encodeStateAsUpdate(doc).byteLength < (texts.indexOf(text) + 1) * perParagraph && round < 200; round++) {
      for (let op = 0; op < 400; op++) {
        const len = text.length;
        const r = random();
        if (r < 0.12 || cursor > len) cursor = Math.floor(random() * (len + 1)); // a jump
        const action = random();
        if (action < 0.72 || len < 20) {
          const word = WORDS[Math.floor(random() * WORDS.length)] + " ";
          // Typed a character at a time; consecutive characters of one run merge into one item.
          for (const ch of word) doc.transact(() => text.insert(cursor++, ch));
        } else if (action < 0.92) {
          const n = Math.min(cursor, 1 + Math.floor(random() * 6)); // backspaces
          for (let i = 0; i < n; i++) doc.transact(() => text.delete(--cursor, 1));
        } else {
          const at = Math.floor(random() * Math.max(1, len - 30));
          text.delete(at, Math.min(len - at, 5 + Math.floor(random() * 25))); // a deleted selection
          cursor = at;
        }
      }
    }
  }
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  writeFileSync(file, update);
  return update;
}
