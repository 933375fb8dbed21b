/**
 * The code `npm start` loads is ASCII (ADR 045): V8 keeps every module's source, and one non-ASCII
 * character (an `é` in a Dutch message, a `’`) makes it store the whole module at two bytes per
 * character. Both builds are made by the global setup: the Remix build (Vite, `esbuild.charset`) and
 * the server bundle (esbuild, ASCII by default).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../db/root";

const OUTSIDE_ASCII_TEXT = /[^\t\n\r\x20-\x7e]/; // printable ASCII and the three whitespace controls

/** The JavaScript files under `dir` (recursively) with the first non-ASCII character found in each. */
function nonAsciiFiles(dir: string): { file: string; around: string }[] {
  const found: { file: string; around: string }[] = [];
  let read = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(m?js)$/.test(entry.name)) continue;
    read++;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, "latin1"); // one character per byte: any byte ≥ 0x80 shows
    const at = text.search(OUTSIDE_ASCII_TEXT);
    if (at >= 0) found.push({ file: file.slice(projectRoot.length + 1), around: text.slice(Math.max(0, at - 40), at + 10) });
  }
  if (read === 0) throw new Error(`no JavaScript under ${dir}: the build is missing`);
  return found;
}

describe("the code npm start loads", () => {
  it("is ASCII in the Remix server build, so V8 keeps it at one byte per character", () => {
    expect(nonAsciiFiles(join(projectRoot, "build/server"))).toEqual([]);
  });

  it("is ASCII in the server bundle", () => {
    expect(nonAsciiFiles(join(projectRoot, "build/node"))).toEqual([]);
  });
});
