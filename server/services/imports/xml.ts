/**
 * XML read without a browser (ADR 030): @xmldom/xmldom (already how mammoth reads Word's XML) parses
 * ODF's content.xml and the XHTML that mammoth and markdown-it write. It neither fetches nor expands
 * entity declarations; a part that declares any is refused before it is parsed, and so is one that
 * does not parse.
 */
import { DOMParser } from "@xmldom/xmldom";
import { refuse } from "./errors";
import { el, type El, type Node } from "./tree";

/** A parsed XML document; throws ImportRefused when it is not well-formed or declares entities. */
export function parseXml(text: string, what: string): Document {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw refuse("import_unreadable", `The file's ${what} declares a document type or entities, which are not read here.`);
  let problem: string | null = null;
  const parser = new DOMParser({
    locator: {},
    errorHandler: {
      warning: () => undefined,
      error: (message: string) => {
        problem ??= message;
      },
      fatalError: (message: string) => {
        problem ??= message;
      },
    },
  });
  let doc: Document;
  try {
    doc = parser.parseFromString(text, "text/xml") as unknown as Document;
  } catch (error) {
    problem ??= String(error);
    doc = null as unknown as Document;
  }
  if (problem || !doc?.documentElement) throw refuse("import_unreadable", `The file's ${what} is damaged (not well-formed XML).`);
  return doc;
}

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;

/** An XHTML fragment (mammoth's or markdown-it's output) as a tree. */
export function htmlTree(xhtml: string, what: string): El {
  const doc = parseXml(`<root>${xhtml}</root>`, what);
  return toTree(doc.documentElement as unknown as globalThis.Element, 0) as El;
}

function toTree(node: globalThis.Node, depth: number): Node | null {
  if (depth > 400) throw refuse("import_unreadable", "The file's structure is nested too deeply to be a section's text.");
  if (node.nodeType === TEXT || node.nodeType === CDATA) return node.nodeValue ?? "";
  if (node.nodeType !== ELEMENT) return null;
  const element = node as globalThis.Element;
  const attrs: Record<string, string> = {};
  for (const name of ["href", "start"]) {
    const value = element.getAttribute(name);
    if (value !== null && value !== "") attrs[name] = value;
  }
  const children: Node[] = [];
  for (let child = element.firstChild; child; child = child.nextSibling) {
    const c = toTree(child, depth + 1);
    if (c !== null) children.push(c);
  }
  return el((element.localName ?? element.nodeName).toLowerCase(), children, attrs);
}
