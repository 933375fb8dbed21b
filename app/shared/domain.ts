/**
 * The domain vocabulary both sides use: people's roles in a workspace, kinds of organisation, the
 * statuses a section goes through and who may see a comment thread. The database columns are typed
 * with it (db/schema.*.ts), the policy module (server/policy.ts) decides with it, and the web app shows
 * it. Dependency-free, so the browser bundle can hold it.
 */

export type Role = "owner" | "editor" | "commenter" | "viewer";
export type OrganisationKind = "ministry" | "industry" | "institute" | "partner-country" | "minister-office";
export type SectionStatus = "draft" | "in_review" | "approved" | "final" | "published";
export type Visibility = "all" | "organisation";
/** The language an agenda's text is written in (and its exports speak), independent of a reader's interface. */
export type DocumentLanguage = "nl" | "en";

export const ROLES: readonly Role[] = ["owner", "editor", "commenter", "viewer"];
export const SECTION_STATUSES: readonly SectionStatus[] = ["draft", "in_review", "approved", "final", "published"];
export const DOCUMENT_LANGUAGES: readonly DocumentLanguage[] = ["nl", "en"];
