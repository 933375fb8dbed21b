// `npm run size`: how many bytes each main page ships to the browser, compressed as the server sends them.
// Builds the app first when the build is missing or older than the sources (scripts/ensure-build.mjs), then
// reads the Remix manifest in build/client: a page loads the entry, the root route and its own route chain
// (their modules, imports and CSS, plus stylesheets the modules link to). "On demand" is what such a page
// may fetch later through dynamic imports (the live editor, loaded after the page is shown). The words of
// the reader's language (app/i18n/bundles, one chunk per language) are fetched before the page hydrates:
// the first load counts the largest language's chunk, and the other languages count nowhere (they are
// fetched only when the reader changes language).
// Prints a table, then each chunk the section page fetches on demand (the editor's parts); exits with 1
// when the section page's first load is over the budget.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { ensureBuild } from "./ensure-build.mjs";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const BUDGET_KB = 300; // the section page's first load, compressed (brotli)

ensureBuild();
const assetsDir = resolve(root, "build/client/assets");
const manifestFile = readdirSync(assetsDir).find((name) => /^manifest-[\w-]+\.js$/.test(name));
if (!manifestFile) throw new Error("No Remix manifest in build/client/assets.");
const source = readFileSync(resolve(assetsDir, manifestFile), "utf8");
const manifest = JSON.parse(source.slice(source.indexOf("{"), source.lastIndexOf("}") + 1));

const PAGES = [
  ["sign-in", "/sign-in", "routes/sign-in"],
  ["dashboard", "/", "routes/_index"],
  ["workspace", "/w/:workspaceId", "routes/w.$workspaceId._index"],
  ["agenda", "/a/:agendaId", "routes/a.$agendaId._index"],
  ["section", "/s/:sectionId", "routes/s.$sectionId"],
  ["review", "/s/:sectionId/review", "routes/s.$sectionId_.review"],
  ["members", "/w/:workspaceId/members", "routes/w.$workspaceId.members"],
  ["admin people", "/admin/people", "routes/admin.people"],
];

const sizes = new Map();
function sizeOf(url) {
  if (!sizes.has(url)) {
    const bytes = readFileSync(resolve(root, "build/client", url.replace(/^\//, "")));
    sizes.set(url, {
      raw: bytes.length,
      // What server/http/compress.ts sends: the `compression` middleware's defaults (gzip level 6 for
      // gzip, brotli quality 4 for br).
      gzip: gzipSync(bytes, { level: 6 }).length,
      brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }).length,
      text: url.endsWith(".js") ? bytes.toString("utf8") : "",
    });
  }
  return sizes.get(url);
}

/** Stylesheets a module links to (root's `links()`), and the chunks it imports on demand. */
function references(url) {
  const { text } = sizeOf(url);
  const css = [...text.matchAll(/"(\/assets\/[\w.-]+\.css)"/g)].map((m) => m[1]);
  const lazy = [];
  const deps = /__vite__mapDeps=[^[]*\[([^\]]*)\]/.exec(text);
  if (deps) lazy.push(...[...deps[1].matchAll(/"(assets\/[\w.-]+)"/g)].map((m) => `/${m[1]}`));
  for (const m of text.matchAll(/import\("\.\/([\w.-]+\.js)"\)/g)) lazy.push(`/assets/${m[1]}`);
  return { css, lazy };
}

function chain(routeId) {
  const ids = [];
  for (let id = routeId; id; id = manifest.routes[id]?.parentId) ids.unshift(id);
  if (!manifest.routes[routeId]) throw new Error(`No route ${routeId} in the manifest.`);
  return ids.map((id) => manifest.routes[id]);
}

function total(urls) {
  let raw = 0, gzip = 0, brotli = 0;
  for (const url of urls) {
    const s = sizeOf(url);
    raw += s.raw;
    gzip += s.gzip;
    brotli += s.brotli;
  }
  return { raw, gzip, brotli };
}

const kb = (n) => `${(n / 1024).toFixed(0)} KB`.padStart(8);
const LANGUAGE_CHUNK = /^\/assets\/(nl|en|de|fr)-[\w-]+\.js$/;
const languageChunks = readdirSync(assetsDir).map((name) => `/assets/${name}`).filter((url) => LANGUAGE_CHUNK.test(url));
const largestLanguage = languageChunks.sort((a, b) => sizeOf(b).brotli - sizeOf(a).brotli)[0];

const rows = [];
let over = false;
for (const [name, path, routeId] of PAGES) {
  const first = new Set([manifest.entry.module, ...manifest.entry.imports, ...manifest.entry.css]);
  for (const route of chain(routeId)) for (const url of [route.module, ...(route.imports ?? []), ...(route.css ?? [])]) first.add(url);
  const later = new Set();
  for (const url of [...first]) {
    if (!url.endsWith(".js")) continue;
    const { css, lazy } = references(url);
    for (const c of css) first.add(c);
    for (const l of lazy) if (existsSync(resolve(root, "build/client", l.slice(1)))) later.add(l);
  }
  if (largestLanguage) first.add(largestLanguage);
  for (const url of [...first, ...languageChunks]) later.delete(url);
  const js = total([...first].filter((u) => u.endsWith(".js")));
  const css = total([...first].filter((u) => u.endsWith(".css")));
  const lazy = total([...later]);
  const all = js.brotli + css.brotli;
  if (name === "section" && all > BUDGET_KB * 1024) over = true;
  rows.push([name, path, js, css, all, js.gzip + css.gzip, lazy, [...later]]);
}

console.log(`Shipped bytes per page (build/client, ${manifestFile}); brotli as sent to browsers, gzip for the rest.\n`);
console.log(
  "page".padEnd(14) + "path".padEnd(26) + "JS raw".padStart(8) + "JS br".padStart(8) + "CSS br".padStart(8) + "first br".padStart(10) + "first gz".padStart(10) + "+ on demand br".padStart(16),
);
for (const [name, path, js, css, all, allGzip, lazy] of rows) {
  console.log(name.padEnd(14) + path.padEnd(26) + kb(js.raw) + kb(js.brotli) + kb(css.brotli) + kb(all).padStart(10) + kb(allGzip).padStart(10) + kb(lazy.brotli).padStart(16));
}
if (largestLanguage) console.log(`\nThe first load includes one language's words: the largest, ${largestLanguage.slice(8)} (${kb(sizeOf(largestLanguage).brotli).trim()}); ${languageChunks.length} languages in all.`);
const section = rows.find(([name]) => name === "section");
console.log("\nOn demand from the section page, per chunk (the editor and its extensions, loaded after the page is shown):\n");
console.log("chunk".padEnd(40) + "raw".padStart(8) + "br".padStart(8) + "gz".padStart(8));
for (const url of [...section[7]].sort((a, b) => sizeOf(b).brotli - sizeOf(a).brotli)) {
  const s = sizeOf(url);
  console.log(url.replace(/^\/assets\//, "").replace(/-[\w-]{8}(\.\w+)$/, "$1").padEnd(40) + kb(s.raw) + kb(s.brotli) + kb(s.gzip));
}
console.log(`\nBudget: the section page's first load under ${BUDGET_KB} KB (brotli): ${over ? "OVER" : "met"}.`);
if (over) process.exitCode = 1;
