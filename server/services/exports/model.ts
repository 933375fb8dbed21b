/**
 * The agenda as the exporters see it: a title page, the workspaces and their sections in order (each
 * section's text as blocks of styled runs), and the annex of approvals and sign-offs. Built once by
 * `buildAgenda` (server/views/agenda.ts) with `sectionText` below; every format renders the same
 * model, so every format agrees on:
 *
 * - the outline: every heading carries its rank in the whole document (the title is 1, a workspace 2,
 *   a section 2 or 3, the text's own headings below its section). A section's text that starts with
 *   a heading equal to the section's title does not repeat it.
 * - the language: the document's own (`documentLanguage`), never the downloader's.
 * - the draft marks: a document that is not wholly final says CONCEPT once at its start and as a
 *   watermark; sections not yet final say their status. A final document carries no status labels.
 */
import { acceptedText } from "../../../app/shared/suggestions";
import { Fragment, type Node as PMNode } from "@tiptap/pm/model";
import { TIME_ZONE } from "../../../app/shared/dates";
import type { SectionStatus } from "../../../app/shared/domain";
import { reportUnrenderable, textToMarkdown, UNRENDERABLE_TEXT } from "../../document";
import { isSafeHref } from "../../document-schema";
import { sectionIdOfHref } from "../../../app/shared/section-links";
import { isLocked } from "../../lifecycle";
import { intlLocale } from "../../../app/shared/locales";

export interface Run {
  text: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  strike?: boolean;
  code?: boolean;
  href?: string;
}

export interface TableCell {
  header: boolean;
  blocks: Block[];
}

export type Block =
  /** `level`: the heading's rank in the whole document (the document title is 1). */
  | { kind: "heading"; level: number; runs: Run[] }
  | { kind: "paragraph"; runs: Run[] }
  /** Each item is a list of blocks (its paragraph, then perhaps a nested list). */
  | { kind: "list"; ordered: boolean; start: number; items: Block[][] }
  | { kind: "quote"; blocks: Block[] }
  | { kind: "code"; text: string }
  | { kind: "table"; rows: TableCell[][] }
  | { kind: "rule" };

export interface AgendaDecision {
  organisationName: string | null;
  userName: string | null;
  decision: "approve" | "request_changes";
  contentHash: string;
  at: Date;
}

export interface AgendaSignoff {
  userName: string | null;
  contentHash: string;
  at: Date;
  reopenedAt: Date | null;
  reopenReason: string | null;
}

export interface AgendaSection {
  id: string;
  title: string;
  status: SectionStatus;
  /** The status to show beside the title: only in a draft document, only for a section not yet final. */
  statusLabel: string | null;
  contentHash: string;
  /** The rank of the section's title (2 or 3); its text's headings rank below it. */
  level: number;
  blocks: Block[];
  /** The text as ProseMirror with its headings ranked in the document (at most 6), for the HTML renderer. */
  node: PMNode;
  /** The same, as Markdown. */
  markdown: string;
  decisions: AgendaDecision[];
  signoffs: AgendaSignoff[];
}

export interface AgendaWorkspace {
  id: string;
  title: string;
  description: string;
  /** Whether the workspace's title is a heading of its own (not when the document is the workspace). */
  heading: boolean;
  sections: AgendaSection[];
}

export type DocumentLanguage = "nl" | "en";

export interface Agenda {
  title: string;
  subtitle: string;
  generatedAt: Date;
  /** Not every section is final or published: the document says CONCEPT. */
  draft: boolean;
  /** The document's own language: every generated word, dates, and the language the formats declare. */
  language: DocumentLanguage;
  workspaces: AgendaWorkspace[];
  /**
   * Whether the document ends with the annex of approvals and sign-offs (the agenda's); false for a
   * document that reuses the model for something else (the consultation annex, reactienota).
   */
  approvalsAnnex?: boolean;
}

export const WATERMARK = "CONCEPT";

/**
 * The language a document is written in, and so the language of everything generated around its
 * text. The agenda's language is not stored yet: Dutch, the language of the action agenda.
 */
export function documentLanguage(of?: { language?: string | null } | null): DocumentLanguage {
  return of?.language === "en" ? "en" : "nl";
}

/** The rank of a section's title: below the workspace's when the workspace has a heading of its own. */
export function sectionLevel(workspaceHeading: boolean): number {
  return workspaceHeading ? 3 : 2;
}

const labels = {
  nl: {
    title: "Actie-agenda verwerking kritieke grondstoffen",
    subtitle: "Overleg",
    generated: "Gemaakt op",
    draft: "Deze tekst is nog niet definitief vastgesteld.",
    annex: "Bijlage: goedkeuringen en vaststelling",
    section: "Sectie",
    hash: "Inhoudshash",
    approvals: "Goedkeuringen",
    noApprovals: "Nog geen goedkeuringen.",
    signoff: "Vastgesteld",
    noSignoff: "Nog niet vastgesteld.",
    approve: "goedgekeurd",
    request_changes: "wijzigingen gevraagd",
    by: "door",
    on: "op",
    reopened: "heropend",
    status: { draft: "Concept", in_review: "In review", approved: "Goedgekeurd", final: "Vastgesteld", published: "Gepubliceerd" },
    contents: "Inhoud",
    page: "Pagina",
  },
  en: {
    title: "Action agenda for processing critical raw materials",
    subtitle: "Overleg",
    generated: "Generated on",
    draft: "This text has not been finally approved.",
    annex: "Annex: approvals and sign-offs",
    section: "Section",
    hash: "Content hash",
    approvals: "Approvals",
    noApprovals: "No approvals yet.",
    signoff: "Signed off",
    noSignoff: "Not signed off yet.",
    approve: "approved",
    request_changes: "changes requested",
    by: "by",
    on: "on",
    reopened: "reopened",
    status: { draft: "Draft", in_review: "In review", approved: "Approved", final: "Final", published: "Published" },
    contents: "Contents",
    page: "Page",
  },
} as const;

export function labelsFor(language: DocumentLanguage) {
  return labels[language];
}

/** The one draft marker a draft document carries at its start: "CONCEPT — <why>". */
export function draftMarker(language: DocumentLanguage): string {
  return `${WATERMARK} — ${labelsFor(language).draft}`;
}

/** A moment in the document's own language (not the reader's: an export reads as one text), e.g. "1 december 2026 om 14:05". */
export function formatDate(date: Date, language: DocumentLanguage): string {
  return new Intl.DateTimeFormat(intlLocale(language), {
    dateStyle: "long",
    timeStyle: "short",
    timeZone: TIME_ZONE,
  }).format(date);
}

/** One line of the annex for a decision, in the document's language. */
export function decisionLine(d: AgendaDecision, language: DocumentLanguage): string {
  const l = labelsFor(language);
  return `${d.organisationName ?? "—"}: ${l[d.decision]} ${l.by} ${d.userName ?? "—"} ${l.on} ${formatDate(d.at, language)} (${l.hash} ${d.contentHash})`;
}

export function signoffLine(s: AgendaSignoff, language: DocumentLanguage): string {
  const l = labelsFor(language);
  const base = `${l.signoff} ${l.by} ${s.userName ?? "—"} ${l.on} ${formatDate(s.at, language)} (${l.hash} ${s.contentHash})`;
  return s.reopenedAt ? `${base}; ${l.reopened} ${formatDate(s.reopenedAt, language)}: ${s.reopenReason ?? ""}` : base;
}

/** The status label a section shows: only in a draft document, only while the section is not final. */
export function statusLabel(status: SectionStatus, draft: boolean, language: DocumentLanguage): string | null {
  return draft && !isLocked(status) ? labelsFor(language).status[status] : null;
}

/** The plain text of runs. */
export const plain = (runs: Run[]) => runs.map((r) => r.text).join("");

const normalise = (text: string) => text.replace(/\s+/g, " ").trim().toLocaleLowerCase();

/** A heading's level as stored (1 to 6), or null when it cannot be read. */
function headingLevel(node: PMNode): number | null {
  try {
    const level = Number(node.attrs.level ?? 1);
    return Number.isInteger(level) && level >= 1 && level <= 6 ? level : null;
  } catch {
    return null;
  }
}

/** The highest rank (lowest level) of the headings in a text, or null when it has none. */
function topHeadingLevel(node: PMNode): number | null {
  let top: number | null = null;
  node.descendants((child) => {
    if (child.type.name === "heading") {
      const level = headingLevel(child);
      if (level !== null) top = top === null ? level : Math.min(top, level);
    }
    return true;
  });
  return top;
}

/** A copy of `node` with each heading's level replaced by `levelOf(level)`. */
function withHeadingLevels(node: PMNode, levelOf: (level: number) => number): PMNode {
  if (node.type.name === "heading") {
    const level = headingLevel(node);
    return level === null ? node : node.type.create({ ...node.attrs, level: levelOf(level) }, node.content, node.marks);
  }
  if (node.isLeaf || node.isTextblock) return node;
  const children: PMNode[] = [];
  node.forEach((child) => children.push(withHeadingLevels(child, levelOf)));
  return node.copy(Fragment.from(children));
}

/**
 * A section's text as every format renders it, below a title of rank `level`: without a leading
 * heading that only repeats the section's title, its own headings shifted to rank below the title
 * (their order among themselves kept).
 */
export function sectionText(node: PMNode, options: { sectionId: string; title: string; level: number }): Pick<AgendaSection, "node" | "blocks" | "markdown"> {
  // The agenda carries the text as accepted (what approvals bind to): open suggestions are not in it.
  let doc = acceptedText(node);
  const first = doc.firstChild;
  if (first?.type.name === "heading" && normalise(first.textContent) === normalise(options.title)) {
    const rest: PMNode[] = [];
    doc.forEach((child, _offset, index) => {
      if (index > 0) rest.push(child);
    });
    doc = doc.copy(Fragment.from(rest));
  }
  const top = topHeadingLevel(doc) ?? 1;
  const rank = (level: number) => options.level + 1 + (level - top);
  const blocks = toBlocks(doc, options.sectionId, rank);
  const ranked = withHeadingLevels(doc, (level) => Math.min(6, rank(level)));
  return { node: ranked, blocks, markdown: textToMarkdown(ranked, options.sectionId) };
}

function runsOf(node: PMNode): Run[] {
  const runs: Run[] = [];
  node.forEach((child) => {
    if (child.isText) {
      const run: Run = { text: child.text ?? "" };
      for (const mark of child.marks) {
        if (mark.type.name === "bold") run.bold = true;
        else if (mark.type.name === "italic") run.italic = true;
        else if (mark.type.name === "underline") run.underline = true;
        else if (mark.type.name === "strike") run.strike = true;
        else if (mark.type.name === "code") run.code = true;
        // A file links out only: a link to a section is its title there (resolveSectionLinks), not an address.
        else if (mark.type.name === "link" && isSafeHref(mark.attrs.href) && sectionIdOfHref(mark.attrs.href) === null) run.href = mark.attrs.href;
      }
      runs.push(run);
    } else if (child.type.name === "hardBreak") runs.push({ text: "\n" });
  });
  return runs;
}

/** The blocks of a node's children. */
function blocksOf(node: PMNode, rank: (level: number) => number): Block[] {
  const out: Block[] = [];
  node.forEach((child) => {
    switch (child.type.name) {
      case "heading":
        out.push({ kind: "heading", level: rank(Number(child.attrs.level ?? 1)), runs: runsOf(child) });
        break;
      case "paragraph":
        out.push({ kind: "paragraph", runs: runsOf(child) });
        break;
      case "blockquote":
        out.push({ kind: "quote", blocks: blocksOf(child, rank) });
        break;
      case "codeBlock":
        out.push({ kind: "code", text: child.textContent });
        break;
      case "horizontalRule":
        out.push({ kind: "rule" });
        break;
      case "bulletList":
      case "orderedList": {
        const items: Block[][] = [];
        child.forEach((item) => items.push(blocksOf(item, rank)));
        out.push({ kind: "list", ordered: child.type.name === "orderedList", start: Number(child.attrs.start ?? 1), items });
        break;
      }
      case "table": {
        const rows: TableCell[][] = [];
        child.forEach((row) => {
          const cells: TableCell[] = [];
          row.forEach((cell) => cells.push({ header: cell.type.name === "tableHeader", blocks: blocksOf(cell, rank) }));
          rows.push(cells);
        });
        out.push({ kind: "table", rows });
        break;
      }
      default:
        if (child.isTextblock) out.push({ kind: "paragraph", runs: runsOf(child) });
        else out.push(...blocksOf(child, rank));
    }
  });
  return out;
}

/** A section's text as blocks; `rank` gives a heading of the text its rank in the document. */
export function toBlocks(doc: PMNode, sectionId = "", rank: (level: number) => number = (level) => level): Block[] {
  const out: Block[] = [];
  // A block the walk fails on is shown as a placeholder; the export goes on.
  doc.forEach((block) => {
    try {
      out.push(...blocksOf(doc.type.create(null, block), rank));
    } catch (error) {
      out.push({ kind: "paragraph", runs: [{ text: UNRENDERABLE_TEXT }] });
      reportUnrenderable(sectionId, "export", String(error));
    }
  });
  return out;
}

/** The text of blocks, flattened (for a table cell a format can only show as text). */
export function blocksText(blocks: Block[]): string {
  return blocks
    .map((b) => {
      switch (b.kind) {
        case "heading":
        case "paragraph":
          return plain(b.runs);
        case "list":
          return b.items.map((i) => blocksText(i)).join("\n");
        case "quote":
          return blocksText(b.blocks);
        case "code":
          return b.text;
        case "table":
          return b.rows.map((r) => r.map((c) => blocksText(c.blocks)).join(" | ")).join("\n");
        case "rule":
          return "";
      }
    })
    .join("\n");
}
