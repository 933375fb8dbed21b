/**
 * Single files of issued publication packages (issue 17, ADR 030): every package download is audited
 * (`publication.packaged`) with its files' SHA-256 and, per section, the SHA-256 of the section's
 * text as read back from the package's own HTML and DOCX and from the Markdown export. The public
 * /verify page looks a loose file up there: the very file of a package Overleg issued, or not; and
 * for an HTML, DOCX or Markdown file that is not, which sections of the publication whose section
 * titles it carries read differently.
 *
 * The section text is read the same way at packaging and at checking (the same functions), so an
 * unchanged section hashes the same: headings and text, whitespace collapsed; a section runs from
 * its title's heading to the next heading of its level or above.
 */
import { createHash } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import MarkdownIt from "markdown-it";
import { zipSync } from "fflate";
import type { Database } from "../../../db/index";
import { readZip } from "../imports/zip";
import { agendaMarkdown } from "../exports/markdown";
import type { Agenda } from "../exports/model";
import type { Manifest } from "./package";

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

/** The formats whose section text is compared: the package's HTML and DOCX, and the Markdown export. */
export type TextFormat = "html" | "docx" | "md";

/** As the Markdown import reads it: raw HTML off, so HTML in the file stays text. */
const markdown = new MarkdownIt("default", { html: false, xhtmlOut: true, linkify: false, typographer: false });

/** A section's text hash in one format, as recorded at packaging. */
export interface SectionTextHash {
  id: string;
  title: string;
  sha256: string;
}

/** What `publication.packaged` records besides the file hashes, for the loose-file check. */
export interface IssuedRecord {
  workspaceTitle: string | null;
  publication: { at: string; by: string | null };
  /** The last sign-off that stands (not reopened), over all sections. */
  signedOff: { at: string; by: string | null } | null;
  sectionTexts: Partial<Record<TextFormat, SectionTextHash[]>>;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, code: string) => {
    if (code[0] === "#") {
      const n = code[1] === "x" || code[1] === "X" ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
      return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : whole;
    }
    return ENTITIES[code.toLowerCase()] ?? whole;
  });
}

const collapse = (s: string) => s.replace(/\s+/g, " ").trim();

/** HTML as a sequence of headings (level, text) and runs of text, without head, style and script. */
function htmlBlocks(html: string): { heading: number | null; text: string }[] {
  const blocks: { heading: number | null; text: string }[] = [];
  let skip: string | null = null;
  let heading: number | null = null;
  let buffer = "";
  const flush = () => {
    const text = collapse(decodeEntities(buffer));
    if (text || heading !== null) blocks.push({ heading, text });
    buffer = "";
  };
  const pattern = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>|<!--[\s\S]*?-->|([^<]+)/g;
  for (const m of html.matchAll(pattern)) {
    const [, closing, rawTag, text] = m;
    if (text !== undefined) {
      if (!skip) buffer += text;
      continue;
    }
    if (!rawTag) continue;
    const tag = rawTag.toLowerCase();
    if (skip) {
      if (closing && tag === skip) skip = null;
      continue;
    }
    if (!closing && (tag === "head" || tag === "style" || tag === "script" || tag === "title")) {
      skip = tag;
      continue;
    }
    const level = /^h([1-6])$/.exec(tag);
    if (level) {
      if (!closing) {
        flush();
        heading = Number(level[1]);
      } else {
        flush();
        heading = null;
      }
      continue;
    }
    // Block boundaries separate words.
    buffer += " ";
  }
  flush();
  return blocks;
}

/**
 * The text of each section named in `titles`, in document order: from a heading whose text is a
 * section's title to the next heading of the same level or above. A title found twice: the first.
 */
export function sectionTextsOfHtml(html: string, titles: string[]): Map<string, string> {
  const wanted = new Set(titles.map(collapse));
  const found = new Map<string, string[]>();
  let current: { title: string; level: number } | null = null;
  for (const block of htmlBlocks(html)) {
    if (block.heading !== null) {
      if (wanted.has(block.text) && !found.has(block.text)) {
        current = { title: block.text, level: block.heading };
        found.set(block.text, []);
        continue;
      }
      if (current && block.heading <= current.level) current = null;
    }
    if (current) found.get(current.title)!.push(block.heading !== null ? `#${block.heading} ${block.text}` : block.text);
  }
  return new Map([...found].map(([title, parts]) => [title, parts.join("\n")]));
}

/** A DOCX's text as HTML (mammoth, as the import reads it); null when it is not a Word document. */
async function docxHtml(data: Uint8Array): Promise<string | null> {
  try {
    const parts = readZip(data);
    if (!parts.has("word/document.xml")) return null;
    const unpacked = zipSync(Object.fromEntries(parts), { level: 0 });
    const { default: mammoth } = await import("mammoth"); // loaded when a Word file is checked, not at start
    const result = await mammoth.convertToHtml({ buffer: Buffer.from(unpacked.buffer, unpacked.byteOffset, unpacked.byteLength) }, { externalFileAccess: false, ignoreEmptyParagraphs: true });
    return result.value;
  } catch {
    return null;
  }
}

/** The file as HTML, per its format; null when it is not readable as that. */
async function asHtml(format: TextFormat, data: Uint8Array): Promise<string | null> {
  if (format === "docx") return docxHtml(data);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    return null;
  }
  return format === "md" ? markdown.render(text.replace(/^\ufeff/, "")) : text;
}

/** The section text hashes of a file, per its format. */
export async function sectionTextHashes(format: TextFormat, data: Uint8Array, sections: { id: string; title: string }[]): Promise<SectionTextHash[]> {
  const html = await asHtml(format, data);
  if (html === null) return [];
  const texts = sectionTextsOfHtml(
    html,
    sections.map((s) => s.title),
  );
  return sections.flatMap((s) => {
    const text = texts.get(collapse(s.title));
    return text === undefined ? [] : [{ id: s.id, title: s.title, sha256: sha256(text) }];
  });
}

/**
 * What the package download records for the loose-file check. `agenda`: the package's model, whose
 * Markdown (the export's, not in the package) is read for its sections too.
 */
export async function issuedRecord(manifest: Manifest, files: Record<string, Uint8Array>, agenda?: Agenda): Promise<IssuedRecord> {
  const standing = manifest.sections.flatMap((s) => s.signoffs.filter((o) => !o.reopenedAt)).sort((a, b) => a.at.localeCompare(b.at));
  const last = standing.at(-1);
  const sections = manifest.sections.map((s) => ({ id: s.id, title: s.title }));
  return {
    workspaceTitle: manifest.workspace?.title ?? null,
    publication: { at: manifest.publication.at, by: manifest.publication.by },
    signedOff: last ? { at: last.at, by: last.person } : null,
    sectionTexts: {
      html: files["document.html"] ? await sectionTextHashes("html", files["document.html"], sections) : [],
      docx: files["document.docx"] ? await sectionTextHashes("docx", files["document.docx"], sections) : [],
      md: agenda ? await sectionTextHashes("md", new TextEncoder().encode(agendaMarkdown(agenda)), sections) : [],
    },
  };
}

type PackagedData = { files?: { name: string; sha256: string }[]; issued?: IssuedRecord };

export type LooseVerdict =
  | { state: "issued"; file: string; workspace: string | null; publishedAt: string; publishedBy: string | null; signedOff: { at: string; by: string | null } | null }
  | {
      state: "notIssued";
      /** For an HTML or DOCX file that carries a publication's section titles: each of those sections, the same or not. */
      closest: { workspace: string | null; publishedAt: string; sections: { title: string; same: boolean }[]; missing: number } | null;
    };

async function packagedEvents(database: Database): Promise<PackagedData[]> {
  const { db, t } = database;
  const rows = await db.select({ data: t.auditEvents.data }).from(t.auditEvents).where(eq(t.auditEvents.action, "publication.packaged")).orderBy(desc(t.auditEvents.seq));
  return rows.map((r) => (typeof r.data === "string" ? JSON.parse(r.data) : r.data) as PackagedData);
}

function formatOf(data: Uint8Array): TextFormat | null {
  if (data[0] === 0x50 && data[1] === 0x4b) return "docx";
  const head = new TextDecoder().decode(data.subarray(0, 512)).trimStart().toLowerCase();
  if (head.startsWith("%pdf-")) return null;
  if (head.startsWith("<!doctype html") || head.startsWith("<html") || head.includes("<body") || head.includes("<h1")) return "html";
  // Other text: Markdown (a file that is not UTF-8 text is not read as anything).
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008]/.test(head) ? null : "md";
}

/**
 * A loose file: the very file of a package this installation issued (by SHA-256), or not; for a text
 * file that is not, which sections of the nearest publication (the most of its section titles) differ.
 */
export async function verifyLooseFile(database: Database, data: Uint8Array): Promise<LooseVerdict> {
  const hash = sha256(data);
  const events = await packagedEvents(database);
  for (const event of events) {
    const file = event.files?.find((f) => f.sha256 === hash);
    if (file && event.issued) {
      return { state: "issued", file: file.name, workspace: event.issued.workspaceTitle, publishedAt: event.issued.publication.at, publishedBy: event.issued.publication.by, signedOff: event.issued.signedOff };
    }
  }
  const format = formatOf(data);
  if (!format) return { state: "notIssued", closest: null };
  const html = await asHtml(format, data);
  if (html === null) return { state: "notIssued", closest: null };
  let best: { event: IssuedRecord; recorded: SectionTextHash[]; found: Map<string, string> } | null = null;
  const seen = new Set<string>();
  for (const event of events) {
    const recorded = event.issued?.sectionTexts[format];
    if (!event.issued || !recorded?.length) continue;
    // One check per publication (its newest download; every download of it records the same text).
    const key = `${event.issued.workspaceTitle}|${event.issued.publication.at}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const found = sectionTextsOfHtml(
      html,
      recorded.map((r) => r.title),
    );
    if (found.size > 0 && (!best || found.size > best.found.size)) best = { event: event.issued, recorded, found };
  }
  if (!best) return { state: "notIssued", closest: null };
  const present = best.recorded.filter((r) => best.found.has(collapse(r.title)));
  return {
    state: "notIssued",
    closest: {
      workspace: best.event.workspaceTitle,
      publishedAt: best.event.publication.at,
      sections: present.map((r) => ({ title: r.title, same: sha256(best.found.get(collapse(r.title))!) === r.sha256 })),
      missing: best.recorded.length - present.length,
    },
  };
}

/** Whether an upload is a publication package (a ZIP with a signed manifest) rather than a loose file. */
export function isPackage(data: Uint8Array): boolean {
  if (!(data[0] === 0x50 && data[1] === 0x4b)) return false;
  try {
    return readZip(data).has("manifest.json");
  } catch {
    return false;
  }
}
