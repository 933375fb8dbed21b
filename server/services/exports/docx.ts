/**
 * The agenda as a Word document (docx): title page, sections, annex. Headings use Word's built-in
 * heading styles (Heading 1 … 6, shown in Word's navigation pane), ranked as the model says (the
 * document title is the Title style); lists are Word lists, tables Word tables. Drafts say CONCEPT
 * once on the title page and in every page header.
 */
import {
  AlignmentType,
  Document,
  ExternalHyperlink,
  Footer,
  Header,
  HeadingLevel,
  LevelFormat,
  PageBreak,
  PageNumber,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ILevelsOptions,
  type ParagraphChild,
} from "docx";
import { isSafeHref } from "../../document-schema";
import { decisionLine, draftMarker, formatDate, labelsFor, signoffLine, WATERMARK, type Agenda, type Block, type Run } from "./model";
import { intlLocale } from "../../../app/shared/locales";

const headingLevels = [HeadingLevel.TITLE, HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6];
/** The Word style of a heading of rank `level` (1 = the document title). */
const headingStyle = (level: number) => headingLevels[Math.min(Math.max(level, 1), headingLevels.length) - 1];

function runs(list: Run[]): ParagraphChild[] {
  return list.map((r) => {
    const run = new TextRun({
      text: r.text,
      bold: r.bold,
      italics: r.italic,
      underline: r.underline ? {} : undefined,
      strike: r.strike,
      font: r.code ? "DejaVu Sans Mono" : undefined,
      style: r.href ? "Hyperlink" : undefined,
    });
    return isSafeHref(r.href) ? new ExternalHyperlink({ link: r.href, children: [run] }) : run;
  });
}

/** The numbering of ordered lists: one definition per start number, a new instance per list. */
class Lists {
  readonly starts = new Set<number>([1]);
  private instance = 0;
  reference(start: number): string {
    this.starts.add(start);
    return `ordered-${start}`;
  }
  next(): number {
    this.instance += 1;
    return this.instance;
  }
  config() {
    return [...this.starts].map((start) => ({
      reference: `ordered-${start}`,
      levels: Array.from({ length: 9 }, (_, level): ILevelsOptions => ({
        level,
        format: LevelFormat.DECIMAL,
        text: `%${level + 1}.`,
        start: level === 0 ? start : 1,
        alignment: AlignmentType.LEFT,
        style: { paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } },
      })),
    }));
  }
}

/** A header cell's paragraphs, bold. */
const boldBlocks = (list: Block[]): Block[] => list.map((b) => (b.kind === "paragraph" ? { ...b, runs: b.runs.map((r) => ({ ...r, bold: true })) } : b));

function blocks(list: Block[], lists: Lists, depth = 0, inQuote = false): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [];
  for (const b of list) {
    switch (b.kind) {
      case "heading":
        out.push(new Paragraph({ heading: headingStyle(b.level), children: runs(b.runs) }));
        break;
      case "paragraph":
        out.push(new Paragraph({ indent: inQuote ? { left: 720 } : undefined, children: runs(inQuote ? b.runs.map((r) => ({ ...r, italic: true })) : b.runs) }));
        break;
      case "list": {
        const instance = lists.next();
        const reference = lists.reference(b.start);
        for (const item of b.items) {
          item.forEach((part, index) => {
            if (index === 0 && part.kind === "paragraph") {
              out.push(
                new Paragraph({
                  ...(b.ordered ? { numbering: { reference, level: Math.min(depth, 8), instance } } : { bullet: { level: Math.min(depth, 8) } }),
                  children: runs(part.runs),
                }),
              );
            } else if (part.kind === "list") out.push(...blocks([part], lists, depth + 1, inQuote));
            else if (part.kind === "paragraph") out.push(new Paragraph({ indent: { left: 720 * (depth + 1) }, children: runs(part.runs) }));
            else out.push(...blocks([part], lists, depth, inQuote));
          });
        }
        break;
      }
      case "quote":
        out.push(...blocks(b.blocks, lists, depth, true));
        break;
      case "code":
        for (const line of b.text.split("\n")) out.push(new Paragraph({ children: [new TextRun({ text: line, font: "DejaVu Sans Mono", size: 18 })] }));
        break;
      case "table":
        if (b.rows.length === 0) break;
        out.push(
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: b.rows.map(
              (row, index) =>
                new TableRow({
                  // Only the header row says so: docx writes <w:tblHeader w:val="false"/> for `false`,
                  // which Word ignores but other readers (mammoth) take as a header row.
                  ...(index === 0 && row.every((c) => c.header) ? { tableHeader: true } : {}),
                  children: row.map((cell) => {
                    const content = blocks(cell.header ? boldBlocks(cell.blocks) : cell.blocks, lists, 0);
                    return new TableCell({ children: content.length ? content : [new Paragraph({ children: [] })] });
                  }),
                }),
            ),
          }),
        );
        break;
      case "rule":
        out.push(new Paragraph({ border: { bottom: { style: "single", size: 6, color: "999999", space: 1 } }, children: [] }));
        break;
    }
  }
  return out;
}

export async function agendaDocx(agenda: Agenda): Promise<Buffer> {
  const l = labelsFor(agenda.language);
  const language = intlLocale(agenda.language);
  const lists = new Lists();
  const body: (Paragraph | Table)[] = [];
  // Title page
  body.push(new Paragraph({ heading: headingStyle(1), alignment: AlignmentType.CENTER, spacing: { before: 2400 }, children: [new TextRun(agenda.title)] }));
  body.push(new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun(agenda.subtitle)] }));
  body.push(new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun(`${l.generated} ${formatDate(agenda.generatedAt, agenda.language)}`)] }));
  if (agenda.draft) {
    body.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 480 }, children: [new TextRun({ text: draftMarker(agenda.language), bold: true, color: "B3261E" })] }));
  }
  body.push(new Paragraph({ children: [new PageBreak()] }));
  for (const ws of agenda.workspaces) {
    if (ws.heading) body.push(new Paragraph({ heading: headingStyle(2), children: [new TextRun(ws.title)] }));
    if (ws.description) body.push(new Paragraph({ children: [new TextRun({ text: ws.description, italics: true })] }));
    for (const s of ws.sections) {
      body.push(new Paragraph({ heading: headingStyle(s.level), children: [new TextRun(s.title)] }));
      if (s.statusLabel) body.push(new Paragraph({ children: [new TextRun({ text: s.statusLabel, italics: true, color: "535A63" })] }));
      body.push(...blocks(s.blocks, lists));
    }
  }
  if (agenda.approvalsAnnex !== false) {
    body.push(new Paragraph({ children: [new PageBreak()] }));
    body.push(new Paragraph({ heading: headingStyle(2), children: [new TextRun(l.annex)] }));
    for (const ws of agenda.workspaces) {
      for (const s of ws.sections) {
        body.push(new Paragraph({ heading: headingStyle(3), children: [new TextRun(`${ws.title}: ${s.title}`)] }));
        body.push(new Paragraph({ children: [new TextRun(`${l.hash}: `), new TextRun({ text: s.contentHash, font: "DejaVu Sans Mono", size: 16 })] }));
        body.push(new Paragraph({ children: [new TextRun({ text: `${l.approvals}:`, bold: true })] }));
        if (s.decisions.length === 0) body.push(new Paragraph({ children: [new TextRun(l.noApprovals)] }));
        for (const d of s.decisions) body.push(new Paragraph({ bullet: { level: 0 }, children: [new TextRun(decisionLine(d, agenda.language))] }));
        if (s.signoffs.length === 0) body.push(new Paragraph({ children: [new TextRun(l.noSignoff)] }));
        for (const so of s.signoffs) body.push(new Paragraph({ children: [new TextRun(signoffLine(so, agenda.language))] }));
      }
    }
  }
  const doc = new Document({
    title: agenda.title,
    creator: "Overleg",
    styles: { default: { document: { run: { language: { value: language } } } } },
    numbering: { config: lists.config() },
    sections: [
      {
        headers: agenda.draft
          ? { default: new Header({ children: [new Paragraph({ alignment: AlignmentType.RIGHT, children: [new TextRun({ text: WATERMARK, bold: true, color: "B3261E" })] })] }) }
          : undefined,
        footers: {
          default: new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT] })] })] }),
        },
        children: body,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
