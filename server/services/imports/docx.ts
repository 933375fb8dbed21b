/**
 * A Word document (DOCX) into a section (ADR 030): the package is read and bounded here first
 * (readZip: a zip bomb or an encrypted file stops there), then mammoth turns the parts it was given
 * into simple HTML (Word's heading styles to h1-h6, lists, tables, links, bold and italic; images
 * left out, no access to files outside the package), which the shared builder reads.
 */
import { zipSync } from "fflate";
import mammoth from "mammoth";
import { refuse } from "./errors";
import { buildDocument, type Built } from "./tree";
import { htmlTree } from "./xml";
import { readZip } from "./zip";

const STYLE_MAP = ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => p:fresh"];

export async function readDocx(data: Uint8Array): Promise<Built> {
  const parts = readZip(data);
  if (!parts.has("word/document.xml") || !parts.has("[Content_Types].xml")) {
    throw refuse("import_unreadable", "The file is not a Word document (DOCX): it has no Word text in it.");
  }
  const decoder = new TextDecoder();
  for (const [name, bytes] of parts) {
    if (name.endsWith(".xml") || name.endsWith(".rels")) {
      if (/<!DOCTYPE|<!ENTITY/i.test(decoder.decode(bytes.subarray(0, 4096)))) {
        throw refuse("import_unreadable", "The file declares a document type or entities, which are not read here.");
      }
    }
  }
  // mammoth is given the parts as read here (stored, uncompressed), never the file itself: what it
  // reads is what was counted.
  const unpacked = zipSync(Object.fromEntries(parts), { level: 0 });
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(unpacked.buffer, unpacked.byteOffset, unpacked.byteLength) },
      {
        styleMap: STYLE_MAP,
        externalFileAccess: false,
        ignoreEmptyParagraphs: true,
        convertImage: mammoth.images.imgElement(async () => ({ src: "" })),
      },
    );
    html = result.value;
  } catch {
    throw refuse("import_unreadable", "The file is not a Word document (DOCX) that can be read.");
  }
  return buildDocument(htmlTree(html, "Word text"));
}
