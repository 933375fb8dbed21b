/**
 * The kinds of mail a person can choose about (server/mail), how they can receive each, and the
 * defaults. Invitations, password resets and digests are not a choice: they are sent when asked for.
 * Dependency-free.
 */

export const MAIL_KINDS = ["review_request", "mention", "assignment", "changes_requested", "approval", "ready_for_signoff", "reminder"] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export const MAIL_MODES = ["immediately", "daily", "never"] as const;
export type MailMode = (typeof MAIL_MODES)[number];

/** What a person gets before they choose: what asks for action comes at once, approvals in the digest. */
export const MAIL_DEFAULTS: Record<MailKind, MailMode> = {
  review_request: "immediately",
  mention: "immediately",
  assignment: "immediately",
  changes_requested: "immediately",
  approval: "daily",
  ready_for_signoff: "immediately",
  reminder: "immediately",
};

export function isMailKind(value: unknown): value is MailKind {
  return typeof value === "string" && (MAIL_KINDS as readonly string[]).includes(value);
}

export function isMailMode(value: unknown): value is MailMode {
  return typeof value === "string" && (MAIL_MODES as readonly string[]).includes(value);
}
