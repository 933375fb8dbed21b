/**
 * The cost of the collab server's check of one keystroke (ADR 011, 027), in process, one core: an
 * editor's plain keystroke and a suggester's (text with an insertion mark in their own name), each
 * through the schema guard's scratch copy (apply + schema check + suggestion check), in sections of
 * 50, 1000 and 10 000 paragraphs. Run: npx tsx bench/micro/suggestion-check.ts
 */
import * as Y from "yjs";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { INSERTION } from "../../app/shared/suggestions";
import { SchemaGuard } from "../../server/collab/schema-guard";
import { blocks, writeDocument } from "../../server/document";

const KEYS = 3000;
const writer = { userId: "u-1", organisationId: "o-1", name: "Pieter", organisation: "BE", onlySuggest: false };

function measure(paragraphs: number, suggest: boolean, checkWriter = true): { usPerKey: number; base: number } {
  const base = new Y.Doc();
  writeDocument(base, Array.from({ length: paragraphs }, (_, i) => blocks.paragraph(`Alinea ${i}: industriële clusters beperken zich niet tot de landsgrenzen, daarom werken we samen met de buren.`)));
  const guard = new SchemaGuard(base, () => []);
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(base));
  const updates: Uint8Array[] = [];
  client.on("update", (u: Uint8Array) => updates.push(u));
  const target = client.getXmlFragment(FRAGMENT).get(Math.floor(paragraphs / 2)) as Y.XmlElement;
  const text = target.get(0) as Y.XmlText;
  const mark = { id: "s1", userId: "u-1", organisationId: "o-1", name: "Pieter", organisation: "BE", time: "2026-12-01T10:00:00.000Z" };
  for (let i = 0; i < KEYS; i++) text.insert(40 + i, "x", suggest ? { [INSERTION]: mark } : {});
  guard.check(new Uint8Array([0, 0])); // builds the copy outside the measurement
  const start = process.cpuUsage();
  for (const u of updates) {
    const problem = guard.check(u, checkWriter ? { ...writer, onlySuggest: suggest } : undefined);
    if (problem) throw new Error(String(typeof problem === "string" ? problem : problem.suggestion));
  }
  const used = process.cpuUsage(start);
  return { usPerKey: (used.user + used.system) / updates.length, base: paragraphs };
}

// Warm up every path first.
for (let i = 0; i < 2; i++) {
  measure(50, false, false);
  measure(50, false);
  measure(50, true);
}
for (const paragraphs of [50, 1000, 10_000]) {
  const plain = measure(paragraphs, false, false);
  const edit = measure(paragraphs, false);
  const suggest = measure(paragraphs, true);
  console.log(
    `${paragraphs} paragraphs: schema check only ${plain.usPerKey.toFixed(1)} µs; editing keystroke ${edit.usPerKey.toFixed(1)} µs; ` +
      `suggesting keystroke ${suggest.usPerKey.toFixed(1)} µs (${(suggest.usPerKey / edit.usPerKey).toFixed(2)}× editing)`,
  );
}
