/**
 * A tagged PDF's structure tree as a reader (a screen reader, a PDF/UA checker) walks it, read with
 * pdf.js: each element's role with its children, the marked text each content item stands for, and
 * `[annotation]` where an element holds an annotation (a link).
 */
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

export interface StructNode {
  role: string;
  children: (StructNode | string)[];
}

type RawNode = { role?: string; type?: string; id?: string; children?: RawNode[] };

/** The structure tree of every page, in page order, with the text of each marked content. */
export async function pdfStructure(body: Buffer): Promise<StructNode[]> {
  const pdf = await getDocument({ data: new Uint8Array(body), useSystemFonts: false, isEvalSupported: false }).promise;
  try {
    const pages: StructNode[] = [];
    for (let i = 1; i <= pdf.numPages; i++) {
      const page = await pdf.getPage(i);
      const content = await page.getTextContent({ includeMarkedContent: true });
      const text = new Map<string, string>();
      let current: string | null = null;
      for (const item of content.items as { type?: string; id?: string; str?: string }[]) {
        if (item.type === "beginMarkedContentProps") current = item.id ?? null;
        else if (item.type === "endMarkedContent") current = null;
        else if (item.str !== undefined && current) text.set(current, (text.get(current) ?? "") + item.str);
      }
      const walk = (node: RawNode): StructNode | string => {
        if (node.type === "content") return (text.get(node.id ?? "") ?? "").trim();
        if (node.type === "annotation" || node.type === "object") return "[annotation]";
        return { role: node.role ?? "?", children: (node.children ?? []).map(walk) };
      };
      const tree = (await page.getStructTree()) as RawNode | null;
      pages.push(tree ? (walk(tree) as StructNode) : { role: "none", children: [] });
    }
    return pages;
  } finally {
    await pdf.destroy();
  }
}

/** The elements of a tree in reading order as "Role: text" lines (text of an element's direct content). */
export function outline(nodes: (StructNode | string)[], depth = 0): string[] {
  const lines: string[] = [];
  for (const node of nodes) {
    if (typeof node === "string") continue;
    const own = node.children.filter((c): c is string => typeof c === "string" && c !== "[annotation]").join(" ").trim();
    lines.push(`${"  ".repeat(depth)}${node.role}${own ? `: ${own}` : ""}`);
    lines.push(...outline(node.children, depth + 1));
  }
  return lines;
}
