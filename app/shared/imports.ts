/**
 * Bringing a file into a section (ADR 030): which files, and how large. Both sides need these: the
 * browser to offer the right files and say the limit, the server to enforce it.
 */

/** The formats a section's text can be imported from, by file extension. */
export const IMPORT_FORMATS = ["docx", "odt", "md"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** What the file picker offers (extensions and media types). */
export const IMPORT_ACCEPT =
  ".docx,.odt,.md,.markdown,.txt,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.oasis.opendocument.text,text/markdown";

export const ImportLimits = {
  /** Largest file accepted (bytes), as uploaded. */
  maxFileBytes: 10 * 1024 * 1024,
  /** Most bytes a DOCX or ODT may unpack to, all its parts together (a zip bomb stops here). */
  maxUnpackedBytes: 64 * 1024 * 1024,
  /** Most parts a DOCX or ODT may hold. */
  maxZipEntries: 2000,
  /** Most characters of text the imported section may hold. */
  maxTextChars: 1_000_000,
} as const;

/** The stable codes an import is refused with (the browser translates them). */
export const IMPORT_ERROR_CODES = [
  "import_too_large",
  "import_unsupported",
  "import_unreadable",
  "import_encrypted",
  "import_empty",
] as const;
export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number];

/** The format named by a file's name, or null. `.markdown` and `.txt` are read as Markdown. */
export function importFormatOf(filename: string): ImportFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(filename.trim())?.[1]?.toLowerCase();
  if (ext === "docx" || ext === "odt" || ext === "md") return ext;
  if (ext === "markdown" || ext === "txt") return "md";
  return null;
}
