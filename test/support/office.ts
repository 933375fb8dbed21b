/**
 * Reading documents back the way their readers do: LibreOffice (headless `soffice`, Debian's
 * libreoffice-writer-nogui, installed by .ci/run) for ODT and DOCX, and poppler's `pdfinfo` for a
 * PDF's metadata. Only tests use them. Without them a test that needs one skips with a message
 * saying what to install; in CI (CI=true) a missing tool fails instead, so CI never skips silently.
 *
 * LibreOffice starts for seconds each time: it reads documents back in `npm run test:office`
 * (vitest.office.config.ts sets OVERLEG_READ_BACK=1, .ci/run runs it), and `npm test` skips those
 * steps with a message. pdfinfo is quick and runs wherever it is installed.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

function which(tool: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const path = join(dir, tool);
    if (dir && existsSync(path)) return path;
  }
  return null;
}

/** The tool's path, or null (locally) when it is not installed; in CI a missing tool is an error. */
export function tool(name: "soffice" | "pdfinfo"): string | null {
  if (name === "soffice" && !readBack) return null;
  const path = which(name);
  if (!path && process.env.CI) throw new Error(`${name} is not installed; .ci/run installs it (apt-get install libreoffice-writer-nogui poppler-utils)`);
  return path;
}

/** Whether this run reads documents back with LibreOffice (`npm run test:office`). */
export const readBack = process.env.OVERLEG_READ_BACK === "1";

export const missing = (name: string, pkg: string) =>
  name === "soffice" && !readBack
    ? "LibreOffice reads documents back in `npm run test:office` (CI runs it): skipped here"
    : `${name} is not installed here: skipped (apt-get install ${pkg}; CI installs it)`;

/** A LibreOffice profile of this test process: concurrent soffice runs with one profile fail. */
let profile: string | null = null;

/** The text LibreOffice reads from a document (converted to plain text, UTF-8). */
export function officeText(body: Buffer, ext: "odt" | "docx"): Promise<string> {
  return officeConvert(body, ext, "txt");
}

/** The document as LibreOffice reads it, saved as plain text or as HTML (to see its headings, lists and tables). */
export async function officeConvert(body: Buffer, ext: "odt" | "docx", as: "txt" | "html"): Promise<string> {
  const soffice = tool("soffice");
  if (!soffice) throw new Error(missing("soffice", "libreoffice-writer-nogui"));
  profile ??= mkdtempSync(join(tmpdir(), "overleg-lo-profile-"));
  const dir = mkdtempSync(join(tmpdir(), "overleg-lo-"));
  try {
    const input = join(dir, `document.${ext}`);
    writeFileSync(input, body);
    const out = join(dir, "out");
    mkdirSync(out);
    await run(soffice, [`-env:UserInstallation=file://${profile}`, "--headless", "--norestore", "--convert-to", as === "txt" ? "txt:Text (encoded):UTF8" : "html:HTML (StarWriter)", "--outdir", out, input], { timeout: 120_000 });
    const text = join(out, `document.${as}`);
    if (!existsSync(text)) throw new Error(`LibreOffice could not open the ${ext} file`);
    return readFileSync(text, "utf8").replace(/^\ufeff/, "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** pdfinfo's fields (Tagged, Title, …) of a PDF. */
export async function pdfInfo(body: Buffer): Promise<Record<string, string>> {
  const pdfinfo = tool("pdfinfo");
  if (!pdfinfo) throw new Error(missing("pdfinfo", "poppler-utils"));
  const dir = mkdtempSync(join(tmpdir(), "overleg-pdf-"));
  try {
    const input = join(dir, "document.pdf");
    writeFileSync(input, body);
    const { stdout } = await run(pdfinfo, ["-meta", input], { timeout: 60_000 });
    const { stdout: fields } = await run(pdfinfo, [input], { timeout: 60_000 });
    const info: Record<string, string> = { metadata: stdout };
    for (const line of fields.split("\n")) {
      const m = /^([^:]+):\s*(.*)$/.exec(line);
      if (m) info[m[1].trim()] = m[2].trim();
    }
    return info;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A document LibreOffice writes: the HTML given, opened by LibreOffice and saved as ODT or DOCX
 * (Word 2007-365). For import tests: files made by an office suite, not by Overleg, not downloaded.
 */
export async function officeMake(html: string, as: "odt" | "docx"): Promise<Buffer> {
  const soffice = tool("soffice");
  if (!soffice) throw new Error(missing("soffice", "libreoffice-writer-nogui"));
  profile ??= mkdtempSync(join(tmpdir(), "overleg-lo-profile-"));
  const dir = mkdtempSync(join(tmpdir(), "overleg-lo-"));
  try {
    const input = join(dir, "fixture.html");
    writeFileSync(input, html);
    const out = join(dir, "out");
    mkdirSync(out);
    const filter = as === "odt" ? "odt:writer8" : "docx:MS Word 2007 XML";
    await run(soffice, [`-env:UserInstallation=file://${profile}`, "--headless", "--norestore", "--infilter=HTML (StarWriter)", "--convert-to", filter, "--outdir", out, input], { timeout: 120_000 });
    const file = join(out, `fixture.${as}`);
    if (!existsSync(file)) throw new Error(`LibreOffice could not write the ${as} file`);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
