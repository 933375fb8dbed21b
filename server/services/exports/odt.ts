/**
 * The agenda as an OpenDocument text (ODT, ODF 1.3), written from the model: the open standard the
 * Dutch government requires for revisable documents. No well-kept JavaScript library writes ODF, so
 * the package is written here (ADR 023): content.xml with the text, styles.xml with named styles (Title,
 * Heading 1 … 6 in the outline, list styles, table cell styles, link style, the footer with the page
 * number and, on drafts, the CONCEPT watermark in the header), meta.xml with the title and language,
 * zipped with fflate (the `mimetype` entry first and stored, as ODF requires).
 */
import { strToU8, zipSync, type Zippable } from "fflate";
import { isSafeHref } from "../../document-schema";
import { decisionLine, draftMarker, formatDate, labelsFor, signoffLine, WATERMARK, type Agenda, type Block, type Run } from "./model";
import { intlLocale } from "../../../app/shared/locales";

export const ODT_MIME = "application/vnd.oasis.opendocument.text";

const NS = [
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"',
  'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"',
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"',
  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
  'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"',
  'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"',
  'xmlns:xlink="http://www.w3.org/1999/xlink"',
  'xmlns:dc="http://purl.org/dc/elements/1.1/"',
  'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"',
  'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"',
  'xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"',
].join(" ");

/** XML-escapes text for an attribute or element. */
function esc(text: string): string {
  // Characters XML 1.0 cannot hold are dropped.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

/** Text as ODF paragraph content: runs of spaces, tabs and line breaks written as ODF elements. */
function textContent(text: string): string {
  const parts: string[] = [];
  for (const line of text.split("\n").map((l, i) => (i > 0 ? `\n${l}` : l))) {
    let rest = line;
    if (rest.startsWith("\n")) {
      parts.push("<text:line-break/>");
      rest = rest.slice(1);
    }
    rest.split(/(\t| {2,})/).forEach((piece) => {
      if (piece === "\t") parts.push("<text:tab/>");
      else if (/^ {2,}$/.test(piece)) parts.push(` <text:s text:c="${piece.length - 1}"/>`);
      else parts.push(esc(piece));
    });
  }
  return parts.join("");
}

/** The automatic text styles (bold, italic, …) a document uses, named by their combination. */
class SpanStyles {
  private readonly used = new Map<string, string>();
  nameFor(r: Run): string | null {
    const key = [r.bold && "b", r.italic && "i", r.underline && "u", r.strike && "s", r.code && "c"].filter(Boolean).join("");
    if (!key) return null;
    if (!this.used.has(key)) {
      const props = [
        r.bold && 'fo:font-weight="bold" style:font-weight-complex="bold"',
        r.italic && 'fo:font-style="italic" style:font-style-complex="italic"',
        r.underline && 'style:text-underline-style="solid" style:text-underline-width="auto" style:text-underline-color="font-color"',
        r.strike && 'style:text-line-through-style="solid" style:text-line-through-type="single"',
        r.code && 'style:font-name="DejaVu Sans Mono" fo:font-size="9pt"',
      ].filter(Boolean);
      this.used.set(key, `<style:style style:name="T_${key}" style:family="text"><style:text-properties ${props.join(" ")}/></style:style>`);
    }
    return `T_${key}`;
  }
  xml(): string {
    return [...this.used.values()].join("");
  }
}

function runs(list: Run[], spans: SpanStyles): string {
  return list
    .map((r) => {
      const style = spans.nameFor(r);
      const inner = style ? `<text:span text:style-name="${style}">${textContent(r.text)}</text:span>` : textContent(r.text);
      return isSafeHref(r.href) ? `<text:a xlink:type="simple" xlink:href="${esc(r.href)}" text:style-name="Internet_20_link" text:visited-style-name="Visited_20_Internet_20_Link">${inner}</text:a>` : inner;
    })
    .join("");
}

const p = (style: string, content: string) => `<text:p text:style-name="${style}">${content}</text:p>`;
/** A heading of rank `level` (1 = the document title, which is the Title paragraph style). */
function heading(level: number, content: string): string {
  if (level <= 1) return p("Title", content);
  const outline = Math.min(level - 1, 10);
  return `<text:h text:style-name="Heading_20_${Math.min(outline, 6)}" text:outline-level="${outline}">${content}</text:h>`;
}

class Writer {
  readonly spans = new SpanStyles();
  private tables = 0;

  blocks(list: Block[], paragraphStyle = "Text_20_body"): string {
    return list.map((b) => this.block(b, paragraphStyle)).join("");
  }

  private block(b: Block, paragraphStyle: string): string {
    switch (b.kind) {
      case "heading":
        return heading(b.level, runs(b.runs, this.spans));
      case "paragraph":
        return p(paragraphStyle, runs(b.runs, this.spans));
      case "list":
        return this.list(b);
      case "quote":
        return this.blocks(b.blocks, "Quotations");
      case "code":
        return p("Preformatted_20_Text", textContent(b.text));
      case "rule":
        return p("Horizontal_20_Line", "");
      case "table": {
        if (b.rows.length === 0) return "";
        this.tables += 1;
        const width = Math.max(...b.rows.map((r) => r.length));
        const headerRows = b.rows[0].every((c) => c.header) ? 1 : 0;
        const row = (cells: typeof b.rows[number]) =>
          `<table:table-row>${Array.from({ length: width }, (_, i) => {
            const cell = cells[i];
            const style = cell?.header ? "Table_20_Heading" : "Table_20_Contents";
            const content = cell && cell.blocks.length ? this.blocks(cell.blocks, style) : p(style, "");
            return `<table:table-cell table:style-name="Cell" office:value-type="string">${content}</table:table-cell>`;
          }).join("")}</table:table-row>`;
        return [
          `<table:table table:name="${esc(`Tabel${this.tables}`)}" table:style-name="Table">`,
          `<table:table-column table:number-columns-repeated="${width}"/>`,
          headerRows ? `<table:table-header-rows>${row(b.rows[0])}</table:table-header-rows>` : "",
          ...b.rows.slice(headerRows).map(row),
          "</table:table>",
        ].join("");
      }
    }
  }

  private list(b: Extract<Block, { kind: "list" }>): string {
    const style = b.ordered ? "L_ordered" : "L_bullet";
    const items = b.items.map((item, index) => {
      const start = index === 0 && b.ordered && b.start !== 1 ? ` text:start-value="${b.start}"` : "";
      const content = item.map((part) => (part.kind === "list" ? this.list(part) : this.block(part, "List_20_Paragraph"))).join("");
      return `<text:list-item${start}>${content || p("List_20_Paragraph", "")}</text:list-item>`;
    });
    // A nested list names its own style (bullets in numbers, numbers in bullets).
    return `<text:list text:style-name="${style}">${items.join("")}</text:list>`;
  }
}

function listStyle(name: string, ordered: boolean): string {
  const levels = Array.from({ length: 10 }, (_, i) => {
    const level = i + 1;
    const position = `<style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="${(0.635 * (level + 1)).toFixed(3)}cm" fo:text-indent="-0.635cm" fo:margin-left="${(0.635 * (level + 1)).toFixed(3)}cm"/></style:list-level-properties>`;
    return ordered
      ? `<text:list-level-style-number text:level="${level}" text:style-name="Numbering_20_Symbols" style:num-suffix="." style:num-format="1">${position}</text:list-level-style-number>`
      : `<text:list-level-style-bullet text:level="${level}" text:style-name="Bullet_20_Symbols" text:bullet-char="${["•", "◦", "▪"][i % 3]}">${position}</text:list-level-style-bullet>`;
  });
  return `<text:list-style style:name="${name}" style:display-name="${ordered ? "Numbering 123" : "List 1"}">${levels.join("")}</text:list-style>`;
}

function stylesXml(agenda: Agenda): string {
  const [language, country] = intlLocale(agenda.language).split("-");
  const headingSizes = ["18pt", "15pt", "13pt", "12pt", "11pt", "11pt"];
  const headings = headingSizes
    .map(
      (size, i) =>
        `<style:style style:name="Heading_20_${i + 1}" style:display-name="Heading ${i + 1}" style:family="paragraph" style:parent-style-name="Heading" style:next-style-name="Text_20_body" style:default-outline-level="${i + 1}" style:class="text"><style:paragraph-properties fo:margin-top="${i < 2 ? "0.6cm" : "0.4cm"}" fo:margin-bottom="0.2cm"/><style:text-properties fo:font-size="${size}" fo:font-weight="bold" style:font-weight-complex="bold"${i >= 4 ? ' fo:font-style="italic"' : ""}/></style:style>`,
    )
    .join("");
  const outline = Array.from(
    { length: 10 },
    (_, i) => `<text:outline-level-style text:level="${i + 1}" style:num-format=""><style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="nothing"/></style:list-level-properties></text:outline-level-style>`,
  ).join("");
  const watermark = agenda.draft
    ? `<style:style style:name="WatermarkText" style:family="paragraph"><style:text-properties fo:font-size="60pt" fo:font-weight="bold"/></style:style><style:style style:name="Watermark" style:family="graphic"><style:graphic-properties draw:stroke="none" draw:fill="solid" draw:fill-color="#b3261e" draw:opacity="15%" draw:textarea-horizontal-align="center" draw:textarea-vertical-align="middle" style:wrap="run-through" style:run-through="background" style:vertical-pos="center" style:vertical-rel="page" style:horizontal-pos="center" style:horizontal-rel="page"/></style:style>`
    : "";
  const header = agenda.draft
    ? `<style:header><text:p text:style-name="Header"><draw:custom-shape text:anchor-type="paragraph" draw:z-index="0" draw:name="${WATERMARK} watermark" draw:style-name="Watermark" draw:text-style-name="WatermarkText" svg:width="16cm" svg:height="4cm" draw:transform="rotate (0.6) translate (1.5cm 20cm)"><text:p text:style-name="WatermarkText">${WATERMARK}</text:p><draw:enhanced-geometry svg:viewBox="0 0 21600 21600" draw:text-areas="0 0 21600 21600" draw:text-path="true" draw:text-path-mode="shape" draw:text-path-scale="shape" draw:text-path-same-letter-heights="false" draw:type="fontwork-plain-text" draw:enhanced-path="M 0 0 L 21600 0 N M 0 21600 L 21600 21600 N"/></draw:custom-shape>${WATERMARK}</text:p></style:header>`
    : "";
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles ${NS} office:version="1.3">
<office:font-face-decls>
<style:font-face style:name="DejaVu Sans" svg:font-family="'DejaVu Sans'" style:font-family-generic="swiss" style:font-pitch="variable"/>
<style:font-face style:name="DejaVu Sans Mono" svg:font-family="'DejaVu Sans Mono'" style:font-family-generic="modern" style:font-pitch="fixed"/>
</office:font-face-decls>
<office:styles>
<style:default-style style:family="paragraph"><style:paragraph-properties fo:hyphenation-ladder-count="no-limit" style:writing-mode="lr-tb"/><style:text-properties style:font-name="DejaVu Sans" fo:font-size="10.5pt" fo:language="${language}" fo:country="${country}" fo:hyphenate="false"/></style:default-style>
<style:default-style style:family="table"><style:table-properties table:border-model="collapsing"/></style:default-style>
<style:style style:name="Standard" style:family="paragraph" style:class="text"><style:text-properties fo:color="#1b1f24"/></style:style>
<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard" style:class="text"><style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.2cm" fo:line-height="135%"/></style:style>
<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Text_20_body" style:class="text"><style:paragraph-properties fo:keep-with-next="always"/><style:text-properties fo:color="#0b2a4a"/></style:style>
${headings}
<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Heading" style:next-style-name="Subtitle" style:class="chapter"><style:paragraph-properties fo:text-align="center" fo:margin-top="5cm" fo:margin-bottom="0.4cm"/><style:text-properties fo:font-size="26pt" fo:font-weight="bold" fo:color="#154273"/></style:style>
<style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Heading" style:class="chapter"><style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.3cm"/><style:text-properties fo:font-size="14pt"/></style:style>
<style:style style:name="Centered" style:family="paragraph" style:parent-style-name="Text_20_body"><style:paragraph-properties fo:text-align="center"/></style:style>
<style:style style:name="Draft_20_marker" style:display-name="Draft marker" style:family="paragraph" style:parent-style-name="Text_20_body"><style:paragraph-properties fo:text-align="center" fo:margin-top="1cm" fo:padding="0.2cm" fo:border="0.06pt solid #b3261e"/><style:text-properties fo:color="#b3261e" fo:font-weight="bold"/></style:style>
<style:style style:name="Status" style:family="paragraph" style:parent-style-name="Text_20_body"><style:text-properties fo:color="#535a63" fo:font-style="italic" fo:font-size="9pt"/></style:style>
<style:style style:name="Description" style:family="paragraph" style:parent-style-name="Text_20_body"><style:text-properties fo:font-style="italic"/></style:style>
<style:style style:name="List_20_Paragraph" style:display-name="List Paragraph" style:family="paragraph" style:parent-style-name="Text_20_body" style:class="list"><style:paragraph-properties fo:margin-bottom="0.1cm"/></style:style>
<style:style style:name="Quotations" style:family="paragraph" style:parent-style-name="Text_20_body" style:class="html"><style:paragraph-properties fo:margin-left="1cm" fo:margin-right="1cm"/><style:text-properties fo:font-style="italic" fo:color="#535a63"/></style:style>
<style:style style:name="Preformatted_20_Text" style:display-name="Preformatted Text" style:family="paragraph" style:parent-style-name="Standard" style:class="html"><style:text-properties style:font-name="DejaVu Sans Mono" fo:font-size="9pt"/></style:style>
<style:style style:name="Horizontal_20_Line" style:display-name="Horizontal Line" style:family="paragraph" style:parent-style-name="Standard" style:class="html"><style:paragraph-properties fo:margin-bottom="0.3cm" fo:padding="0cm" fo:border-bottom="0.06pt solid #999999"/></style:style>
<style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"/>
<style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph" style:parent-style-name="Table_20_Contents" style:class="extra"><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="Hash" style:family="paragraph" style:parent-style-name="Text_20_body"><style:text-properties style:font-name="DejaVu Sans Mono" fo:font-size="8pt"/></style:style>
<style:style style:name="Header" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:paragraph-properties fo:text-align="end"/><style:text-properties fo:color="#b3261e" fo:font-weight="bold"/></style:style>
<style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="9pt" fo:color="#535a63"/></style:style>
<style:style style:name="Internet_20_link" style:display-name="Internet link" style:family="text"><style:text-properties fo:color="#01689b" style:text-underline-style="solid" style:text-underline-width="auto" style:text-underline-color="font-color"/></style:style>
<style:style style:name="Visited_20_Internet_20_Link" style:display-name="Visited Internet Link" style:family="text"><style:text-properties fo:color="#154273" style:text-underline-style="solid" style:text-underline-width="auto" style:text-underline-color="font-color"/></style:style>
<style:style style:name="Bullet_20_Symbols" style:display-name="Bullet Symbols" style:family="text"/>
<style:style style:name="Numbering_20_Symbols" style:display-name="Numbering Symbols" style:family="text"/>
${listStyle("L_bullet", false)}
${listStyle("L_ordered", true)}
<text:outline-style style:name="Outline">${outline}</text:outline-style>
</office:styles>
<office:automatic-styles>
<style:page-layout style:name="A4"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" style:print-orientation="portrait" fo:margin-top="2cm" fo:margin-bottom="1.5cm" fo:margin-left="2.5cm" fo:margin-right="2.5cm"/><style:header-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-bottom="0.4cm"/></style:header-style><style:footer-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-top="0.4cm"/></style:footer-style></style:page-layout>
${watermark}
</office:automatic-styles>
<office:master-styles>
<style:master-page style:name="Standard" style:page-layout-name="A4">${header}<style:footer><text:p text:style-name="Footer"><text:page-number text:select-page="current">1</text:page-number></text:p></style:footer></style:master-page>
</office:master-styles>
</office:document-styles>`;
}

function metaXml(agenda: Agenda): string {
  const date = agenda.generatedAt.toISOString().replace(/\.\d+Z$/, "");
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta ${NS} office:version="1.3"><office:meta><meta:generator>Overleg</meta:generator><dc:title>${esc(agenda.title)}</dc:title><dc:subject>${esc(agenda.subtitle)}</dc:subject><dc:language>${intlLocale(agenda.language)}</dc:language><meta:creation-date>${date}</meta:creation-date><dc:date>${date}</dc:date></office:meta></office:document-meta>`;
}

const MANIFEST = `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="${ODT_MIME}"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>`;

function contentXml(agenda: Agenda): string {
  const l = labelsFor(agenda.language);
  const w = new Writer();
  const body: string[] = [];
  body.push(heading(1, textContent(agenda.title)), p("Subtitle", textContent(agenda.subtitle)), p("Centered", textContent(`${l.generated} ${formatDate(agenda.generatedAt, agenda.language)}`)));
  if (agenda.draft) body.push(p("Draft_20_marker", textContent(draftMarker(agenda.language))));
  let first = true;
  for (const ws of agenda.workspaces) {
    // Each workspace starts on a new page (the first after the title page).
    const breakBefore = first || ws.heading;
    first = false;
    if (breakBefore) body.push(p("PageBreak", ""));
    if (ws.heading) body.push(heading(2, textContent(ws.title)));
    if (ws.description) body.push(p("Description", textContent(ws.description)));
    for (const s of ws.sections) {
      body.push(heading(s.level, textContent(s.title)));
      if (s.statusLabel) body.push(p("Status", textContent(s.statusLabel)));
      body.push(w.blocks(s.blocks));
    }
  }
  if (agenda.approvalsAnnex !== false) {
    body.push(p("PageBreak", ""), heading(2, textContent(l.annex)));
    for (const ws of agenda.workspaces) {
      for (const s of ws.sections) {
        body.push(heading(3, textContent(`${ws.title}: ${s.title}`)), p("Hash", textContent(`${l.hash}: ${s.contentHash}`)), p("Text_20_body", textContent(`${l.approvals}:`)));
        if (s.decisions.length === 0) body.push(p("Text_20_body", textContent(l.noApprovals)));
        else body.push(`<text:list text:style-name="L_bullet">${s.decisions.map((d) => `<text:list-item>${p("List_20_Paragraph", textContent(decisionLine(d, agenda.language)))}</text:list-item>`).join("")}</text:list>`);
        if (s.signoffs.length === 0) body.push(p("Text_20_body", textContent(l.noSignoff)));
        for (const so of s.signoffs) body.push(p("Text_20_body", textContent(signoffLine(so, agenda.language))));
      }
    }
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content ${NS} office:version="1.3">
<office:font-face-decls>
<style:font-face style:name="DejaVu Sans" svg:font-family="'DejaVu Sans'" style:font-family-generic="swiss" style:font-pitch="variable"/>
<style:font-face style:name="DejaVu Sans Mono" svg:font-family="'DejaVu Sans Mono'" style:font-family-generic="modern" style:font-pitch="fixed"/>
</office:font-face-decls>
<office:automatic-styles>
<style:style style:name="PageBreak" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:break-before="page" fo:margin-top="0cm" fo:margin-bottom="0cm"/><style:text-properties fo:font-size="2pt"/></style:style>
<style:style style:name="Table" style:family="table"><style:table-properties style:width="16cm" table:align="margins" fo:margin-top="0.2cm" fo:margin-bottom="0.3cm"/></style:style>
<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties fo:padding="0.1cm" fo:border="0.5pt solid #cfd6de"/></style:style>
${w.spans.xml()}
</office:automatic-styles>
<office:body><office:text>
${body.join("\n")}
</office:text></office:body>
</office:document-content>`;
}

export function agendaOdt(agenda: Agenda): Buffer {
  const files: Zippable = {
    mimetype: [strToU8(ODT_MIME), { level: 0 }],
    "META-INF/manifest.xml": strToU8(MANIFEST),
    "content.xml": strToU8(contentXml(agenda)),
    "styles.xml": strToU8(stylesXml(agenda)),
    "meta.xml": strToU8(metaXml(agenda)),
  };
  return Buffer.from(zipSync(files, { level: 6, mtime: agenda.generatedAt }));
}
