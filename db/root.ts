/**
 * The folder holding Overleg's package.json: migrations, the web build and fonts are found from it,
 * the same whether the code runs from its sources (tsx, tests) or from the bundle in build/node/.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "overleg") return dir;
    if (dirname(dir) === dir) throw new Error(`Overleg's package.json was not found above ${from}`);
  }
}

export const projectRoot = findRoot(dirname(fileURLToPath(import.meta.url)));
