/**
 * Reading a file to import into a section (ADR 030): its format from its name, its size checked,
 * then the format's reader. Whatever goes wrong inside a reader comes out as an ImportRefused with
 * a clear message; nothing else is thrown. The readers (mammoth, markdown-it, xmldom) are loaded with
 * the first file of their format, not at start.
 */
import { importFormatOf, ImportLimits, type ImportFormat } from "../../../app/shared/imports";
import { ImportRefused, refuse } from "./errors";
import type { Built } from "./tree";

export { ImportRefused };
export type { Built };

/** A compound (OLE) file: an encrypted Office document, or the old binary Word format. */
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP = [0x50, 0x4b];

const startsWith = (data: Uint8Array, magic: number[]) => magic.every((b, i) => data[i] === b);

/** Reads `data`, a file called `filename`, as a section's text. */
export async function readImport(data: Uint8Array, filename: string): Promise<Built & { format: ImportFormat }> {
  const format = importFormatOf(filename);
  if (!format) throw refuse("import_unsupported", "Only Word (.docx), OpenDocument (.odt) and Markdown (.md) files can be imported.");
  if (data.byteLength > ImportLimits.maxFileBytes) {
    throw refuse("import_too_large", `The file is larger than ${Math.round(ImportLimits.maxFileBytes / 1024 / 1024)} MB.`);
  }
  if (data.byteLength === 0) throw refuse("import_empty", "The file is empty.");
  try {
    if (format === "md") {
      if (startsWith(data, ZIP) || startsWith(data, OLE)) throw refuse("import_unreadable", "The file is not Markdown: it is a packaged document. Check its name.");
      const { readMarkdown } = await import("./markdown");
      return { ...readMarkdown(data), format };
    }
    if (startsWith(data, OLE)) {
      throw refuse("import_encrypted", "The file is encrypted (protected with a password) or in an old binary format (.doc). Save it as .docx or .odt without a password and try again.");
    }
    if (!startsWith(data, ZIP)) throw refuse("import_unreadable", `The file is not a${format === "odt" ? "n OpenDocument text (ODT)" : " Word document (DOCX)"}, whatever its name says.`);
    if (format === "docx") return { ...(await (await import("./docx")).readDocx(data)), format };
    return { ...(await import("./odt")).readOdt(data), format };
  } catch (error) {
    if (error instanceof ImportRefused) throw error;
    // A reader failed on something it did not expect: still a file that cannot be imported.
    throw refuse("import_unreadable", "The file cannot be read: it is damaged or not what its name says.");
  }
}
