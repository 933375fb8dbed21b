/**
 * An OpenDocument text (ODT) into a section (ADR 030), read from its content.xml: headings
 * (text:h and its outline level; the Title style ranks with level 1), paragraphs, spans whose
 * style is bold, italic, underlined or struck through, links, lists (numbered or bulleted by their
 * list style), tables (header rows as header cells), line breaks. Tracked deletions, notes,
 * annotations and frames (images) are left out. The package is read and bounded first (readZip).
 */
import { ImportLimits } from "../../../app/shared/imports";
import { refuse } from "./errors";
import { buildDocument, el, type Built, type El, type Node } from "./tree";
import { parseXml } from "./xml";
import { readZip } from "./zip";

const NS = {
  office: "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
  text: "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
  table: "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
  style: "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
  fo: "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
  xlink: "http://www.w3.org/1999/xlink",
};
const ODT_MIME = "application/vnd.oasis.opendocument.text";

interface TextStyle {
  parent: string | null;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  strike?: boolean;
}

/** Styles by name: text formatting, paragraph parents, and list styles (ordered per level). */
class Styles {
  readonly text = new Map<string, TextStyle>();
  readonly lists = new Map<string, boolean[]>();
  /** The text's own automatic styles (direct formatting), whose formatting a whole paragraph takes. */
  readonly automatic = new Set<string>();

  read(doc: Document, own: boolean): void {
    const styles = doc.getElementsByTagNameNS(NS.style, "style");
    for (let i = 0; i < styles.length; i++) {
      const s = styles[i];
      const name = s.getAttributeNS(NS.style, "name");
      if (!name) continue;
      const style: TextStyle = { parent: s.getAttributeNS(NS.style, "parent-style-name") || null };
      const props = s.getElementsByTagNameNS(NS.style, "text-properties")[0];
      if (props) {
        const weight = props.getAttributeNS(NS.fo, "font-weight");
        if (weight) style.bold = weight === "bold" || Number(weight) >= 600;
        const fontStyle = props.getAttributeNS(NS.fo, "font-style");
        if (fontStyle) style.italic = fontStyle === "italic" || fontStyle === "oblique";
        const underline = props.getAttributeNS(NS.style, "text-underline-style");
        if (underline) style.underline = underline !== "none";
        const strike = props.getAttributeNS(NS.style, "text-line-through-style");
        if (strike) style.strike = strike !== "none";
      }
      this.text.set(name, style);
      if (own && (s.parentNode as Element | null)?.localName === "automatic-styles") this.automatic.add(name);
    }
    const lists = doc.getElementsByTagNameNS(NS.text, "list-style");
    for (let i = 0; i < lists.length; i++) {
      const l = lists[i];
      const name = l.getAttributeNS(NS.style, "name");
      if (!name) continue;
      const ordered: boolean[] = [];
      for (let c = l.firstChild; c; c = c.nextSibling) {
        if (c.nodeType !== 1) continue;
        const level = Number((c as Element).getAttributeNS(NS.text, "level") || "1");
        if (level >= 1 && level <= 10) ordered[level - 1] = (c as Element).localName === "list-level-style-number";
      }
      this.lists.set(name, ordered);
    }
  }

  /** A style's formatting, its parents' included. */
  format(name: string | null): Required<Omit<TextStyle, "parent">> {
    const out = { bold: false, italic: false, underline: false, strike: false };
    const seen = new Set<string>();
    const chain: TextStyle[] = [];
    for (let n = name; n && !seen.has(n) && seen.size < 20; ) {
      seen.add(n);
      const s = this.text.get(n);
      if (!s) break;
      chain.push(s);
      n = s.parent;
    }
    for (const s of chain.reverse()) {
      for (const key of ["bold", "italic", "underline", "strike"] as const) if (s[key] !== undefined) out[key] = s[key]!;
    }
    return out;
  }

  /** Whether the style or one of its parents is `wanted` (e.g. Title). */
  is(name: string | null, wanted: string): boolean {
    const seen = new Set<string>();
    for (let n = name; n && !seen.has(n) && seen.size < 20; n = this.text.get(n)?.parent ?? null) {
      if (n === wanted) return true;
      seen.add(n);
    }
    return false;
  }
}

class Reader {
  constructor(private readonly styles: Styles) {}

  private cells = 0;

  blocks(parent: Element, depth: number, list?: { style: string | null; level: number }): Node[] {
    if (depth > 200) throw refuse("import_unreadable", "The file's structure is nested too deeply to be a section's text.");
    const out: Node[] = [];
    for (let c = parent.firstChild; c; c = c.nextSibling) {
      if (c.nodeType !== 1) continue;
      const e = c as Element;
      const ns = e.namespaceURI;
      const name = e.localName;
      if (ns === NS.text && name === "h") {
        const level = Math.min(6, Math.max(1, Number.parseInt(e.getAttributeNS(NS.text, "outline-level") || "1", 10) || 1));
        out.push(el(`h${level}`, this.inline(e, depth + 1)));
      } else if (ns === NS.text && name === "p") {
        const style = e.getAttributeNS(NS.text, "style-name") || null;
        out.push(el(this.styles.is(style, "Title") ? "h1" : "p", this.paragraphInline(e, style, depth + 1)));
      } else if (ns === NS.text && name === "list") {
        const style = e.getAttributeNS(NS.text, "style-name") || list?.style || null;
        const level = (list?.level ?? 0) + 1;
        const ordered = (style && this.styles.lists.get(style)?.[Math.min(level, 10) - 1]) ?? false;
        const items: Node[] = [];
        for (let i = e.firstChild; i; i = i.nextSibling) {
          if (i.nodeType !== 1) continue;
          const item = i as Element;
          if (item.namespaceURI === NS.text && (item.localName === "list-item" || item.localName === "list-header")) {
            items.push(el("li", this.blocks(item, depth + 1, { style, level })));
          }
        }
        const start = e.firstChild && (e.getElementsByTagNameNS(NS.text, "list-item")[0]?.getAttributeNS(NS.text, "start-value") || "");
        out.push(el(ordered ? "ol" : "ul", items, ordered && start ? { start } : {}));
      } else if (ns === NS.table && name === "table") {
        out.push(this.table(e, depth + 1));
      } else if (ns === NS.text && (name === "section" || name === "index-body" || name === "table-of-content" || name === "alphabetical-index" || name === "illustration-index")) {
        if (name === "section") out.push(...this.blocks(e, depth + 1, list));
        // An index repeats the headings: left out.
      } else if (ns === NS.text && name === "soft-page-break") {
        continue;
      }
      // tracked-changes (deleted text), sequence-decls, variable-decls, forms, frames: left out.
    }
    return out;
  }

  private table(t: Element, depth: number): El {
    const rows: Node[] = [];
    const addRows = (parent: Element, header: boolean, d: number) => {
      if (d > 50) return;
      for (let c = parent.firstChild; c; c = c.nextSibling) {
        if (c.nodeType !== 1 || (c as Element).namespaceURI !== NS.table) continue;
        const e = c as Element;
        if (e.localName === "table-header-rows") addRows(e, true, d + 1);
        else if (e.localName === "table-rows" || e.localName === "table-row-group") addRows(e, header, d + 1);
        else if (e.localName === "table-row") rows.push(this.row(e, header, depth));
      }
    };
    addRows(t, false, 0);
    return el("table", rows);
  }

  private row(r: Element, header: boolean, depth: number): El {
    const cells: Node[] = [];
    for (let c = r.firstChild; c; c = c.nextSibling) {
      if (c.nodeType !== 1 || (c as Element).namespaceURI !== NS.table || (c as Element).localName !== "table-cell") continue;
      const e = c as Element;
      const content = this.blocks(e, depth + 1);
      // Repeated empty cells (a spreadsheet habit) count once; a repeated cell with content up to 64 times.
      const repeat = content.length ? Math.min(64, Math.max(1, Number.parseInt(e.getAttributeNS(NS.table, "number-columns-repeated") || "1", 10) || 1)) : 1;
      for (let i = 0; i < repeat; i++) {
        if (++this.cells > 100_000) throw refuse("import_too_large", "The file's tables hold too many cells.");
        cells.push(el(header ? "th" : "td", content));
      }
    }
    return el("tr", cells);
  }

  /** A paragraph's content, inside the formatting of its own style (a paragraph style may be bold). */
  private paragraphInline(p: Element, style: string | null, depth: number): Node[] {
    // Only direct formatting (an automatic style's own): a named style's bold (a table heading's, a
    // title's) is how the style looks, not emphasis in the text.
    const own = style && this.styles.automatic.has(style) ? this.styles.text.get(style) : undefined;
    const f = { bold: own?.bold ?? false, italic: own?.italic ?? false, underline: own?.underline ?? false, strike: own?.strike ?? false };
    return this.wrap(f, this.inline(p, depth));
  }

  private wrap(f: { bold: boolean; italic: boolean; underline: boolean; strike: boolean }, children: Node[]): Node[] {
    let out = children;
    if (f.bold) out = [el("strong", out)];
    if (f.italic) out = [el("em", out)];
    if (f.underline) out = [el("u", out)];
    if (f.strike) out = [el("s", out)];
    return out;
  }

  private inline(parent: Element, depth: number): Node[] {
    if (depth > 200) throw refuse("import_unreadable", "The file's structure is nested too deeply to be a section's text.");
    const out: Node[] = [];
    for (let c = parent.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3 || c.nodeType === 4) {
        out.push(c.nodeValue ?? "");
        continue;
      }
      if (c.nodeType !== 1) continue;
      const e = c as Element;
      if (e.namespaceURI !== NS.text) continue; // frames, drawings, annotations (office:)…
      switch (e.localName) {
        case "s": {
          const n = Math.min(100, Math.max(1, Number.parseInt(e.getAttributeNS(NS.text, "c") || "1", 10) || 1));
          out.push(" ".repeat(n));
          break;
        }
        case "tab":
          out.push("\t");
          break;
        case "line-break":
          out.push(el("br"));
          break;
        case "span":
          out.push(...this.wrap(this.styles.format(e.getAttributeNS(NS.text, "style-name") || null), this.inline(e, depth + 1)));
          break;
        case "a": {
          const href = e.getAttributeNS(NS.xlink, "href") || "";
          out.push(el("a", this.inline(e, depth + 1), href ? { href } : {}));
          break;
        }
        case "note":
        case "bookmark":
        case "bookmark-start":
        case "bookmark-end":
        case "reference-mark":
        case "reference-mark-start":
        case "reference-mark-end":
        case "change":
        case "change-start":
        case "change-end":
        case "soft-page-break":
          break;
        default:
          // Fields (page numbers, dates, references…) and meta: their text.
          out.push(...this.inline(e, depth + 1));
      }
    }
    return out;
  }
}

export function readOdt(data: Uint8Array): Built {
  const parts = readZip(data);
  const decoder = new TextDecoder();
  const mimetype = parts.get("mimetype");
  const manifest = parts.get("META-INF/manifest.xml");
  if (manifest && /encryption-data/.test(decoder.decode(manifest))) {
    throw refuse("import_encrypted", "The file is encrypted (protected with a password). Save it without a password and try again.");
  }
  if (!mimetype || decoder.decode(mimetype).trim() !== ODT_MIME || !parts.has("content.xml")) {
    throw refuse("import_unreadable", "The file is not an OpenDocument text (ODT).");
  }
  const styles = new Styles();
  const stylesXml = parts.get("styles.xml");
  if (stylesXml && stylesXml.byteLength <= ImportLimits.maxUnpackedBytes) styles.read(parseXml(decoder.decode(stylesXml), "styles"), false);
  const content = parseXml(decoder.decode(parts.get("content.xml")), "text");
  styles.read(content, true);
  const body = content.getElementsByTagNameNS(NS.office, "text")[0];
  if (!body) throw refuse("import_unreadable", "The file is not an OpenDocument text (ODT): it has no text body.");
  return buildDocument(el("root", new Reader(styles).blocks(body, 0)));
}
