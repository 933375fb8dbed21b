/** The formats the agenda can be downloaded in (server and pages agree on these). */
export const EXPORT_FORMATS = ["docx", "pdf", "html", "md"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
