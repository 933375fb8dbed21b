/**
 * The agenda as a tagged PDF/A-2a (pdfkit): accessible (EN 301 549) and archivable. The document
 * declares its language and title (shown in the window title), and every piece of text sits in the
 * structure tree in reading order: H1-H6 headings at the model's ranks, P paragraphs, L/LI/Lbl/LBody
 * lists, Table/TR/TH/TD tables, Link elements bound to their link annotations, BlockQuote. Page
 * numbers, rules and the CONCEPT watermark of drafts are artifacts. The fonts are DejaVu, embedded.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import PDFDocument from "pdfkit";
import { blocksText, decisionLine, draftMarker, formatDate, labelsFor, plain, signoffLine, WATERMARK, type Agenda, type Block, type Run } from "./model";
import { intlLocale } from "../../../app/shared/locales";

/**
 * The DejaVu fonts, embedded (only the glyphs used): names of people, places and organisations from
 * partner countries (Łódź, Ελλάδα, Київ) print as written. PDF/A allows no font that is not embedded.
 */
const FONT_DIR = join(dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")), "ttf");
const FONTS = {
  body: "DejaVuSans.ttf",
  bold: "DejaVuSans-Bold.ttf",
  italic: "DejaVuSans-Oblique.ttf",
  boldItalic: "DejaVuSans-BoldOblique.ttf",
  code: "DejaVuSansMono.ttf",
} as const;
type FontName = keyof typeof FONTS;
let fontFiles: Record<FontName, Buffer> | null = null;
/** The font files, read on the first export and kept (about 3 MB). */
function fonts(): Record<FontName, Buffer> {
  fontFiles ??= Object.fromEntries(Object.entries(FONTS).map(([name, file]) => [name, readFileSync(join(FONT_DIR, file))])) as Record<FontName, Buffer>;
  return fontFiles;
}

function font(r: Run): FontName {
  if (r.code) return "code";
  if (r.bold && r.italic) return "boldItalic";
  if (r.bold) return "bold";
  if (r.italic) return "italic";
  return "body";
}

type Doc = PDFKit.PDFDocument;
type Struct = PDFKit.PDFStructureElement;

const INK = "#1b1f24";
const BLUE = "#154273";
const MUTED = "#535a63";
const headingSizes = [24, 18, 14, 12.5, 11.5, 11];

/**
 * pdfkit copies the title into the XMP metadata without escaping it: characters XML gives a meaning
 * are replaced by look-alikes there and in the document information, which must agree.
 */
const metadataSafe = (text: string) => text.replace(/&/g, "＆").replace(/</g, "‹").replace(/>/g, "›");

/** Draws the agenda into `doc` (tagged), in reading order. */
class Writer {
  private readonly left: number;
  private readonly width: number;
  constructor(private readonly doc: Doc) {
    this.left = doc.page.margins.left;
    this.width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  }

  /** Text of one style as a structure element `type` (P, H1 and the like) under `parent`. */
  text(parent: Struct, type: string, value: string, options: { font?: FontName; size?: number; color?: string; align?: "left" | "center"; indent?: number; gap?: number } = {}): void {
    const { doc } = this;
    const indent = options.indent ?? 0;
    parent.add(
      doc.struct(type, {}, () => {
        doc.font(options.font ?? "body").fontSize(options.size ?? 10.5).fillColor(options.color ?? INK);
        doc.text(value, this.left + indent, doc.y, { width: this.width - indent, align: options.align ?? "left" });
      }),
    );
    doc.moveDown(options.gap ?? 0.4);
  }

  heading(parent: Struct, level: number, value: string): void {
    const rank = Math.min(Math.max(level, 1), 6);
    if (rank <= 3) this.doc.moveDown(0.4);
    this.text(parent, `H${rank}`, value, { font: "bold", size: headingSizes[rank - 1], color: rank <= 3 ? BLUE : INK, gap: 0.3 });
  }

  /** A paragraph of styled runs; links are Link elements over their annotations. */
  runs(parent: Struct, type: string, list: Run[], options: { indent?: number; italic?: boolean; size?: number } = {}): void {
    const { doc } = this;
    const indent = options.indent ?? 0;
    const runs = list.filter((r) => r.text.length > 0);
    if (runs.length === 0) {
      doc.moveDown(0.5);
      return;
    }
    const element = doc.struct(type);
    parent.add(element);
    doc.x = this.left + indent;
    runs.forEach((r, i) => {
      const last = i === runs.length - 1;
      const draw = () => {
        doc.font(font(options.italic ? { ...r, italic: true } : r)).fontSize(r.code ? 9.5 : (options.size ?? 10.5)).fillColor(r.href ? "#01689b" : INK);
        const textOptions = { width: this.width - indent, continued: !last, underline: Boolean(r.underline || r.href), strike: Boolean(r.strike), link: r.href ?? null };
        // The first run places the paragraph; the others continue where the text stands.
        if (i === 0) doc.text(r.text, this.left + indent, doc.y, textOptions);
        else doc.text(r.text, textOptions);
      };
      if (r.href) element.add(doc.struct("Link", { alt: r.href }, draw));
      else element.add(draw);
    });
    element.end();
    doc.moveDown(0.4);
  }

  blocks(parent: Struct, list: Block[], indent = 0, italic = false): void {
    for (const b of list) {
      switch (b.kind) {
        case "heading":
          this.heading(parent, b.level, plain(b.runs));
          break;
        case "paragraph":
          this.runs(parent, "P", b.runs, { indent, italic });
          break;
        case "list":
          this.list(parent, b, indent);
          break;
        case "quote": {
          const quote = this.doc.struct("BlockQuote");
          parent.add(quote);
          this.blocks(quote, b.blocks, indent + 18, true);
          quote.end();
          break;
        }
        case "code":
          this.text(parent, "P", b.text, { font: "code", size: 9, indent });
          break;
        case "table":
          this.table(parent, b.rows, indent);
          break;
        case "rule": {
          const { doc } = this;
          doc.markContent("Artifact", { type: "Layout" });
          doc.moveTo(this.left + indent, doc.y).lineTo(this.left + this.width, doc.y).lineWidth(0.5).strokeColor("#999999").stroke();
          doc.endMarkedContent();
          doc.moveDown(0.6);
          break;
        }
      }
    }
  }

  private list(parent: Struct, b: Extract<Block, { kind: "list" }>, indent: number): void {
    const { doc } = this;
    const list = doc.struct("L");
    parent.add(list);
    b.items.forEach((item, index) => {
      const li = doc.struct("LI");
      list.add(li);
      const label = b.ordered ? `${b.start + index}.` : "•";
      const y = doc.y;
      li.add(
        doc.struct("Lbl", {}, () => {
          doc.font("body").fontSize(10.5).fillColor(INK);
          doc.text(label, this.left + indent, y, { width: 16, align: "right", lineBreak: false });
        }),
      );
      doc.y = y;
      const body = doc.struct("LBody");
      li.add(body);
      this.blocks(body, item, indent + 22);
      body.end();
      li.end();
    });
    list.end();
  }

  private table(parent: Struct, rows: Extract<Block, { kind: "table" }>["rows"], indent: number): void {
    const { doc } = this;
    if (rows.length === 0) return;
    const columns = Math.max(...rows.map((r) => r.length));
    doc.font("body").fontSize(9.5).fillColor(INK);
    doc.x = this.left + indent;
    doc.table({
      // pdfkit tags the table (Table, TR, TH with scope, TD) under the given parent.
      ...({ structParent: parent } as object),
      position: { x: this.left + indent, y: doc.y },
      maxWidth: this.width - indent,
      defaultStyle: { border: 0.5, borderColor: "#cfd6de", padding: 4 },
      data: rows.map((row) =>
        Array.from({ length: columns }, (_, i) => {
          const cell = row[i];
          return {
            text: cell ? blocksText(cell.blocks) : "",
            type: cell?.header ? ("TH" as const) : ("TD" as const),
            font: { src: cell?.header ? "bold" : "body" },
          };
        }),
      ),
    });
    doc.x = this.left;
    doc.moveDown(0.6);
  }
}

export async function agendaPdf(agenda: Agenda): Promise<Buffer> {
  const l = labelsFor(agenda.language);
  const language = intlLocale(agenda.language);
  const title = metadataSafe(agenda.title);
  const doc = new PDFDocument({
    size: "A4",
    margin: 56,
    pdfVersion: "1.7",
    subset: "PDF/A-2a",
    tagged: true,
    lang: language,
    displayTitle: true,
    // Never the standard Helvetica: PDF/A allows only embedded fonts.
    font: join(FONT_DIR, FONTS.body),
    info: { Title: title, Subject: metadataSafe(agenda.subtitle), Creator: "Overleg", Producer: "Overleg" },
    bufferPages: true,
  });
  for (const [name, data] of Object.entries(fonts())) doc.registerFont(name, data);
  doc.font("body");
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const w = new Writer(doc);
  const root = doc.struct("Document");
  doc.addStructure(root);

  // Title page
  doc.moveDown(8);
  w.text(root, "H1", agenda.title, { font: "bold", size: headingSizes[0], color: BLUE, align: "center" });
  w.text(root, "P", agenda.subtitle, { size: 14, align: "center" });
  w.text(root, "P", `${l.generated} ${formatDate(agenda.generatedAt, agenda.language)}`, { align: "center" });
  if (agenda.draft) {
    doc.moveDown(2);
    w.text(root, "P", draftMarker(agenda.language), { font: "bold", color: "#b3261e", align: "center" });
  }

  let first = true;
  for (const ws of agenda.workspaces) {
    if (first || ws.heading) doc.addPage();
    first = false;
    const part = doc.struct("Sect");
    root.add(part);
    if (ws.heading) w.heading(part, 2, ws.title);
    if (ws.description) w.text(part, "P", ws.description, { font: "italic" });
    for (const s of ws.sections) {
      const section = doc.struct("Sect");
      part.add(section);
      w.heading(section, s.level, s.title);
      if (s.statusLabel) w.text(section, "P", s.statusLabel, { font: "italic", size: 9, color: MUTED });
      w.blocks(section, s.blocks);
      section.end();
    }
    part.end();
  }

  if (agenda.approvalsAnnex !== false) {
    doc.addPage();
    const annex = doc.struct("Sect");
    root.add(annex);
    w.heading(annex, 2, l.annex);
    for (const ws of agenda.workspaces) {
      for (const s of ws.sections) {
        w.heading(annex, 3, `${ws.title}: ${s.title}`);
        w.text(annex, "P", `${l.hash}: ${s.contentHash}`, { font: "code", size: 8 });
        w.text(annex, "P", `${l.approvals}:`, { font: "bold", size: 10 });
        if (s.decisions.length === 0) w.text(annex, "P", l.noApprovals, { size: 10 });
        else w.blocks(annex, [{ kind: "list", ordered: false, start: 1, items: s.decisions.map((d) => [{ kind: "paragraph", runs: [{ text: decisionLine(d, agenda.language) }] }]) }]);
        if (s.signoffs.length === 0) w.text(annex, "P", l.noSignoff, { size: 10 });
        for (const so of s.signoffs) w.text(annex, "P", signoffLine(so, agenda.language), { size: 10 });
      }
    }
    annex.end();
  }
  root.end();

  // Page numbers and, for drafts, the watermark on every page: artifacts, outside the structure.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    if (agenda.draft) {
      doc.markContent("Artifact", { type: "Layout" });
      doc.save();
      doc.rotate(-35, { origin: [doc.page.width / 2, doc.page.height / 2] });
      doc.font("bold").fontSize(110).fillColor("#b3261e").fillOpacity(0.12);
      doc.text(WATERMARK, 0, doc.page.height / 2 - 60, { width: doc.page.width, align: "center", lineBreak: false });
      doc.restore();
      doc.fillOpacity(1);
      doc.endMarkedContent();
    }
    doc.markContent("Artifact", { type: "Pagination" });
    doc.font("body").fontSize(8).fillColor(MUTED);
    doc.text(String(i + 1), 0, doc.page.height - 36, { width: doc.page.width, align: "center", lineBreak: false });
    doc.endMarkedContent();
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
