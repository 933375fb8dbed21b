/** The formats the agenda can be downloaded in (server and pages agree on these). */
export const EXPORT_FORMATS = ["pdf", "odt", "docx", "html", "md"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
