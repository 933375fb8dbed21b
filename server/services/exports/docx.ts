/** The agenda as a Word document (docx): title page, sections, annex; drafts say CONCEPT in every header. */
import {
  AlignmentType,
  Document,
  ExternalHyperlink,
  Footer,
  Header,
  HeadingLevel,
  PageBreak,
  PageNumber,
  Packer,
  Paragraph,
  TextRun,
  type ParagraphChild,
} from "docx";
import { isSafeHref } from "../../document-schema";
import { decisionLine, formatDate, labelsFor, signoffLine, WATERMARK, type Agenda, type Block, type Run } from "./model";

const headingLevels = [HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6];

function runs(list: Run[]): ParagraphChild[] {
  return list.map((r) => {
    const run = new TextRun({
      text: r.text,
      bold: r.bold,
      italics: r.italic,
      underline: r.underline ? {} : undefined,
      strike: r.strike,
      font: r.code ? "Courier New" : undefined,
      style: r.href ? "Hyperlink" : undefined,
    });
    return isSafeHref(r.href) ? new ExternalHyperlink({ link: r.href, children: [run] }) : run;
  });
}

function paragraphs(blocks: Block[]): Paragraph[] {
  return blocks.map((b) => {
    switch (b.kind) {
      case "heading":
        return new Paragraph({ heading: headingLevels[Math.min(Math.max(b.level - 1, 0), 3)], children: runs(b.runs) });
      case "paragraph":
        return new Paragraph({ children: runs(b.runs) });
      case "item":
        return new Paragraph({
          indent: { left: 360 * (b.depth + 1), hanging: 260 },
          children: [new TextRun(b.ordered ? `${b.number}.\t` : "•\t"), ...runs(b.runs)],
        });
      case "quote":
        return new Paragraph({ indent: { left: 720 }, children: runs(b.runs.map((r) => ({ ...r, italic: true }))) });
      case "code":
        return new Paragraph({ children: [new TextRun({ text: b.text, font: "Courier New" })] });
      case "row":
        return new Paragraph({ children: [new TextRun({ text: b.cells.join(" | "), bold: b.header })] });
      case "rule":
        return new Paragraph({ border: { bottom: { style: "single", size: 6, color: "999999", space: 1 } }, children: [] });
    }
  });
}

export async function agendaDocx(agenda: Agenda): Promise<Buffer> {
  const l = labelsFor(agenda.locale);
  const body: Paragraph[] = [];
  // Title page
  if (agenda.draft) {
    body.push(new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: WATERMARK, bold: true, size: 96, color: "B00000" })] }));
    body.push(new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: l.draft, color: "B00000" })] }));
  }
  body.push(new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, spacing: { before: 2400 }, children: [new TextRun(agenda.title)] }));
  body.push(new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun(agenda.subtitle)] }));
  body.push(new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun(`${l.generated} ${formatDate(agenda.generatedAt, agenda.locale)}`)] }));
  body.push(new Paragraph({ children: [new PageBreak()] }));
  for (const ws of agenda.workspaces) {
    body.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(ws.title)] }));
    if (ws.description) body.push(new Paragraph({ children: [new TextRun({ text: ws.description, italics: true })] }));
    for (const s of ws.sections) {
      body.push(new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(s.title)] }));
      body.push(new Paragraph({ children: [new TextRun({ text: l.status[s.status], italics: true, color: "555555" })] }));
      body.push(...paragraphs(s.blocks));
    }
  }
  body.push(new Paragraph({ children: [new PageBreak()] }));
  body.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(l.annex)] }));
  for (const ws of agenda.workspaces) {
    for (const s of ws.sections) {
      body.push(new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(`${ws.title}: ${s.title}`)] }));
      body.push(new Paragraph({ children: [new TextRun(`${l.hash}: `), new TextRun({ text: s.contentHash, font: "Courier New", size: 16 })] }));
      body.push(new Paragraph({ children: [new TextRun({ text: `${l.approvals}:`, bold: true })] }));
      if (s.decisions.length === 0) body.push(new Paragraph({ children: [new TextRun(l.noApprovals)] }));
      for (const d of s.decisions) body.push(new Paragraph({ bullet: { level: 0 }, children: [new TextRun(decisionLine(d, agenda.locale))] }));
      if (s.signoffs.length === 0) body.push(new Paragraph({ children: [new TextRun(l.noSignoff)] }));
      for (const so of s.signoffs) body.push(new Paragraph({ children: [new TextRun(signoffLine(so, agenda.locale))] }));
    }
  }
  const doc = new Document({
    title: agenda.title,
    creator: "Overleg",
    sections: [
      {
        headers: agenda.draft
          ? { default: new Header({ children: [new Paragraph({ alignment: AlignmentType.RIGHT, children: [new TextRun({ text: WATERMARK, bold: true, color: "B00000" })] })] }) }
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
