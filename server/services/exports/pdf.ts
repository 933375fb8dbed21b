/** The agenda as PDF (pdfkit): title page, sections, annex; drafts carry a CONCEPT watermark on every page. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import PDFDocument from "pdfkit";
import { blocksText, decisionLine, draftMarker, formatDate, labelsFor, plain, signoffLine, WATERMARK, type Agenda, type Block, type Run } from "./model";

/**
 * The DejaVu fonts, embedded (only the glyphs used): names of people, places and organisations from
 * partner countries (Łódź, Ελλάδα, Київ) print as written. PDF's standard fonts know only Western
 * European letters.
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

export async function agendaPdf(agenda: Agenda): Promise<Buffer> {
  const l = labelsFor(agenda.language);
  const doc = new PDFDocument({ size: "A4", margin: 56, info: { Title: agenda.title, Creator: "Overleg" }, bufferPages: true });
  for (const [name, data] of Object.entries(fonts())) doc.registerFont(name, data);
  doc.font("body");
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const text = (value: string, options: { font?: FontName; size?: number; color?: string; align?: "left" | "center"; indent?: number } = {}) => {
    doc.font(options.font ?? "body").fontSize(options.size ?? 11).fillColor(options.color ?? "#1a1a1a");
    doc.text(value, { align: options.align ?? "left", indent: options.indent ?? 0 });
  };
  const runs = (list: Run[], indent = 0, prefix = "") => {
    doc.fontSize(11).fillColor("#1a1a1a");
    const all = prefix ? [{ text: prefix }, ...list] : list;
    if (all.length === 0) {
      doc.moveDown(0.5);
      return;
    }
    all.forEach((r, i) => {
      doc.font(font(r)).text(r.text, { continued: i < all.length - 1, indent: i === 0 ? indent : 0, underline: Boolean(r.underline), strike: Boolean(r.strike) });
    });
    doc.moveDown(0.4);
  };

  const body = (list: Block[], depth = 0): void => {
    for (const b of list) {
      switch (b.kind) {
        case "heading":
          text(plain(b.runs), { font: "bold", size: Math.max(10, 18 - 2 * b.level) });
          break;
        case "paragraph":
          runs(b.runs, 14 * depth);
          break;
        case "list":
          b.items.forEach((item, index) => {
            const [first, ...rest] = item;
            if (first?.kind === "paragraph") runs(first.runs, 14 * (depth + 1), b.ordered ? `${b.start + index}. ` : "• ");
            else if (first) body([first], depth + 1);
            body(rest, depth + 1);
          });
          break;
        case "quote":
          body(b.blocks.map((q) => (q.kind === "paragraph" ? { ...q, runs: q.runs.map((r) => ({ ...r, italic: true })) } : q)), depth + 1);
          break;
        case "code":
          text(b.text, { font: "code", size: 9 });
          break;
        case "table":
          for (const row of b.rows) text(row.map((c) => blocksText(c.blocks)).join(" | "), { font: row.every((c) => c.header) ? "bold" : "body", size: 10 });
          break;
        case "rule":
          doc.moveDown(0.5);
          break;
      }
    }
  };

  // Title page
  doc.moveDown(8);
  text(agenda.title, { font: "bold", size: 24, color: "#154273", align: "center" });
  doc.moveDown(1);
  text(agenda.subtitle, { size: 14, align: "center" });
  text(`${l.generated} ${formatDate(agenda.generatedAt, agenda.language)}`, { size: 11, align: "center" });
  if (agenda.draft) {
    doc.moveDown(2);
    text(draftMarker(agenda.language), { font: "bold", color: "#b3261e", align: "center" });
  }

  for (const ws of agenda.workspaces) {
    doc.addPage();
    if (ws.heading) text(ws.title, { font: "bold", size: 18, color: "#154273" });
    if (ws.description) text(ws.description, { font: "italic" });
    doc.moveDown(0.5);
    for (const s of ws.sections) {
      doc.moveDown(0.5);
      text(s.title, { font: "bold", size: 14, color: "#154273" });
      if (s.statusLabel) text(s.statusLabel, { font: "italic", size: 9, color: "#555555" });
      doc.moveDown(0.3);
      body(s.blocks);
    }
  }

  doc.addPage();
  text(l.annex, { font: "bold", size: 18, color: "#154273" });
  for (const ws of agenda.workspaces) {
    for (const s of ws.sections) {
      doc.moveDown(0.6);
      text(`${ws.title}: ${s.title}`, { font: "bold", size: 12 });
      text(`${l.hash}: ${s.contentHash}`, { font: "code", size: 8 });
      text(`${l.approvals}:`, { font: "bold", size: 10 });
      if (s.decisions.length === 0) text(l.noApprovals, { size: 10 });
      for (const d of s.decisions) text(`• ${decisionLine(d, agenda.language)}`, { size: 10, indent: 10 });
      if (s.signoffs.length === 0) text(l.noSignoff, { size: 10 });
      for (const so of s.signoffs) text(signoffLine(so, agenda.language), { size: 10 });
    }
  }

  // Page numbers and, for drafts, the watermark on every page.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    if (agenda.draft) {
      doc.save();
      doc.rotate(-35, { origin: [doc.page.width / 2, doc.page.height / 2] });
      doc.font("bold").fontSize(110).fillColor("#b00000").fillOpacity(0.12);
      doc.text(WATERMARK, 0, doc.page.height / 2 - 60, { width: doc.page.width, align: "center", lineBreak: false });
      doc.restore();
      doc.fillOpacity(1);
    }
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font("body").fontSize(8).fillColor("#555555");
    doc.text(String(i + 1), 0, doc.page.height - 36, { width: doc.page.width, align: "center", lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
