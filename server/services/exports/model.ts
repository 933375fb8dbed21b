/**
 * The agenda as the exporters see it: a title page, the workspaces and their sections in order (each
 * section's text as simple blocks of styled runs), and the annex of approvals and sign-offs. Built
 * once by `buildAgenda` (publish.ts); each format renders the same model.
 */
import type { Node as PMNode } from "@tiptap/pm/model";
import { TIME_ZONE } from "../../../app/shared/dates";
import { reportUnrenderable, UNRENDERABLE_TEXT } from "../../document";
import { isSafeHref } from "../../document-schema";
import type { SectionStatus } from "../../../app/shared/domain";

export interface Run {
  text: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  strike?: boolean;
  code?: boolean;
  href?: string;
}

export type Block =
  | { kind: "heading"; level: number; runs: Run[] }
  | { kind: "paragraph"; runs: Run[] }
  | { kind: "item"; ordered: boolean; number: number; depth: number; runs: Run[] }
  | { kind: "quote"; runs: Run[] }
  | { kind: "code"; text: string }
  | { kind: "row"; cells: string[]; header: boolean }
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
  contentHash: string;
  blocks: Block[];
  /** The text as ProseMirror, for the HTML renderer. */
  node: PMNode;
  markdown: string;
  decisions: AgendaDecision[];
  signoffs: AgendaSignoff[];
}

export interface AgendaWorkspace {
  id: string;
  title: string;
  description: string;
  sections: AgendaSection[];
}

export interface Agenda {
  title: string;
  subtitle: string;
  generatedAt: Date;
  /** Not every section is final or published: every page says "CONCEPT". */
  draft: boolean;
  locale: "nl" | "en";
  workspaces: AgendaWorkspace[];
}

export const WATERMARK = "CONCEPT";

const labels = {
  nl: {
    title: "Actie-agenda verwerking kritieke grondstoffen",
    subtitle: "Overleg",
    generated: "Gemaakt op",
    draft: "CONCEPT: deze tekst is nog niet definitief vastgesteld.",
    annex: "Bijlage: goedkeuringen en vaststelling",
    section: "Onderdeel",
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
  },
  en: {
    title: "Action agenda for processing critical raw materials",
    subtitle: "Overleg",
    generated: "Generated on",
    draft: "CONCEPT: this text has not been finally approved.",
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
  },
} as const;

export function labelsFor(locale: "nl" | "en") {
  return labels[locale];
}

export function formatDate(date: Date, locale: "nl" | "en"): string {
  return new Intl.DateTimeFormat(locale === "nl" ? "nl-NL" : "en-GB", {
    dateStyle: "long",
    timeStyle: "short",
    timeZone: TIME_ZONE,
  }).format(date);
}

/** One line of the annex for a decision, in the agenda's language. */
export function decisionLine(d: AgendaDecision, locale: "nl" | "en"): string {
  const l = labelsFor(locale);
  return `${d.organisationName ?? "—"}: ${l[d.decision]} ${l.by} ${d.userName ?? "—"} ${l.on} ${formatDate(d.at, locale)} (${l.hash} ${d.contentHash})`;
}

export function signoffLine(s: AgendaSignoff, locale: "nl" | "en"): string {
  const l = labelsFor(locale);
  const base = `${l.signoff} ${l.by} ${s.userName ?? "—"} ${l.on} ${formatDate(s.at, locale)} (${l.hash} ${s.contentHash})`;
  return s.reopenedAt ? `${base}; ${l.reopened} ${formatDate(s.reopenedAt, locale)}: ${s.reopenReason ?? ""}` : base;
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
        else if (mark.type.name === "link" && isSafeHref(mark.attrs.href)) run.href = mark.attrs.href;
      }
      runs.push(run);
    } else if (child.type.name === "hardBreak") runs.push({ text: "\n" });
  });
  return runs;
}

/** A section's text as simple blocks. */
export function toBlocks(doc: PMNode, sectionId = ""): Block[] {
  const out: Block[] = [];
  const walk = (node: PMNode, depth: number) => {
    node.forEach((child) => {
      switch (child.type.name) {
        case "heading":
          out.push({ kind: "heading", level: Number(child.attrs.level ?? 1), runs: runsOf(child) });
          break;
        case "paragraph":
          out.push({ kind: "paragraph", runs: runsOf(child) });
          break;
        case "blockquote":
          child.forEach((p) => out.push({ kind: "quote", runs: runsOf(p) }));
          break;
        case "codeBlock":
          out.push({ kind: "code", text: child.textContent });
          break;
        case "horizontalRule":
          out.push({ kind: "rule" });
          break;
        case "bulletList":
        case "orderedList": {
          const ordered = child.type.name === "orderedList";
          let number = Number(child.attrs.start ?? 1);
          child.forEach((item) => {
            let first = true;
            item.forEach((part) => {
              if (part.isTextblock) {
                if (first) out.push({ kind: "item", ordered, number, depth, runs: runsOf(part) });
                else out.push({ kind: "paragraph", runs: runsOf(part) });
                first = false;
              } else walk({ forEach: (f: (n: PMNode) => void) => f(part) } as unknown as PMNode, depth + 1);
            });
            number += 1;
          });
          break;
        }
        case "table":
          child.forEach((row) => {
            const cells: string[] = [];
            let header = false;
            row.forEach((cell) => {
              cells.push(cell.textContent);
              if (cell.type.name === "tableHeader") header = true;
            });
            out.push({ kind: "row", cells, header });
          });
          break;
        default:
          if (child.isTextblock) out.push({ kind: "paragraph", runs: runsOf(child) });
          else walk(child, depth);
      }
    });
  };
  // A block the walk fails on is shown as a placeholder; the export goes on.
  doc.forEach((block) => {
    const at = out.length;
    try {
      walk(doc.type.create(null, block), 0);
    } catch (error) {
      out.length = at;
      out.push({ kind: "paragraph", runs: [{ text: UNRENDERABLE_TEXT }] });
      reportUnrenderable(sectionId, "export", String(error));
    }
  });
  return out;
}
