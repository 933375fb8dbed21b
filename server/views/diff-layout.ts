/**
 * The word diff laid out as the text is: one line per block (heading with its level, bullet or
 * numbered list item, paragraph), bold and italic kept on each piece. The word diff itself stays the
 * plain-text one (server/views/versions.ts, `diffDocs`): this only reads, for each character of it,
 * the block and the marks it has in the version it comes from (the newer one for kept and added text,
 * the older one for removed text), so a heading still reads as a heading and a list as a list.
 */
import type { Node as PMNode } from "@tiptap/pm/model";
import type { DiffPart } from "./versions";

export type DiffBlock = { kind: "heading"; level: number } | { kind: "bullet" } | { kind: "ordered" } | { kind: "paragraph" };

export interface DiffPiece {
  op: DiffPart["op"];
  text: string;
  bold?: true;
  italic?: true;
  /** For an added piece: who wrote it. */
  authors?: string[];
}

export interface DiffLine {
  block: DiffBlock;
  pieces: DiffPiece[];
}

interface TextLine {
  block: DiffBlock;
  /** Per character: [bold, italic]. */
  marks: [boolean, boolean][];
}

/** The text blocks of a document, in the order plainText reads them, with their block and marks. */
export function textLines(doc: PMNode): TextLine[] {
  const lines: TextLine[] = [];
  doc.descendants((node, pos) => {
    if (!node.isTextblock) return true;
    let block: DiffBlock = node.type.name === "heading" ? { kind: "heading", level: Number(node.attrs.level) || 1 } : { kind: "paragraph" };
    if (block.kind === "paragraph") {
      const $pos = doc.resolve(pos + 1);
      for (let d = $pos.depth; d > 0; d--) {
        const name = $pos.node(d).type.name;
        if (name === "bulletList") block = { kind: "bullet" };
        else if (name === "orderedList") block = { kind: "ordered" };
        else continue;
        break;
      }
    }
    const marks: [boolean, boolean][] = [];
    node.forEach((inline) => {
      if (!inline.isText || !inline.text) return;
      const bold = inline.marks.some((m) => m.type.name === "bold");
      const italic = inline.marks.some((m) => m.type.name === "italic");
      for (let i = 0; i < inline.text.length; i++) marks.push([bold, italic]);
    });
    lines.push({ block, marks });
    return false;
  });
  return lines;
}

/** The diff's parts as lines of formatted pieces (older and newer as ProseMirror documents). */
export function layoutDiff(parts: (DiffPart & { authors?: string[] })[], older: PMNode, newer: PMNode): DiffLine[] {
  const a = textLines(older);
  const b = textLines(newer);
  const out: DiffLine[] = [];
  let aLine = 0;
  let aCol = 0;
  let bLine = 0;
  let bCol = 0;
  let pieces: DiffPiece[] = [];
  // The block of the line being built: the newer text's when the line has kept or added text, else the older's.
  let startA = 0;
  let startB = 0;
  let seenNewer = false;
  const endLine = () => {
    const from = seenNewer ? b[startB] : a[startA];
    out.push({ block: from?.block ?? { kind: "paragraph" }, pieces });
    pieces = [];
  };
  for (const part of parts) {
    for (const c of part.text) {
      const newer = part.op !== "removed";
      if (c === "\n") {
        if (part.op !== "added") {
          aLine += 1;
          aCol = 0;
        }
        if (newer) {
          bLine += 1;
          bCol = 0;
        }
        endLine();
        startA = aLine;
        startB = bLine;
        seenNewer = false;
        continue;
      }
      const [bold, italic] = (newer ? b[bLine]?.marks[bCol] : a[aLine]?.marks[aCol]) ?? [false, false];
      if (newer) seenNewer = true;
      if (part.op !== "added") aCol += c.length;
      if (newer) bCol += c.length;
      const last = pieces[pieces.length - 1];
      if (last && last.op === part.op && Boolean(last.bold) === bold && Boolean(last.italic) === italic && last.authors === part.authors) {
        last.text += c;
      } else {
        pieces.push({ op: part.op, text: c, ...(bold ? { bold: true as const } : {}), ...(italic ? { italic: true as const } : {}), ...(part.authors ? { authors: part.authors } : {}) });
      }
    }
  }
  endLine();
  return out;
}
