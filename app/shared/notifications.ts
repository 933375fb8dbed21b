/**
 * Every kind of notification Overleg sends, and the translation keys its text uses. The server may
 * only send these kinds (`NotifyProps.kind` is `NotificationKind`); test/notification-kinds.test.ts
 * fails when a key is missing in Dutch or English. Isomorphic and dependency-free.
 */

export const NOTIFICATION_KINDS = [
  "mention",
  "reply",
  "resolved",
  "review.requested",
  "review.decided",
  "section.ready_for_signoff",
  "section.signed_off",
  "section.reopened",
  "thread.assigned",
  "thread.unassigned",
  "second_factor.reset",
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Kinds about the person's account, not about a section or workspace (their text names no section). */
export const ACCOUNT_NOTIFICATION_KINDS: readonly NotificationKind[] = ["second_factor.reset"];

export function isNotificationKind(kind: string): kind is NotificationKind {
  return (NOTIFICATION_KINDS as readonly string[]).includes(kind);
}

/**
 * The key under `comments:notifications.kind.` that says what happened: a decision says its outcome,
 * an assignment whether it went to me or to my organisation. Unknown kinds (rows older than a rename)
 * fall back to "other".
 */
export function notificationTextKey(kind: string, data: Record<string, unknown>): string {
  if (!isNotificationKind(kind)) return "other";
  switch (kind) {
    case "review.decided":
      return data.decision === "request_changes" ? "review.changes_requested" : "review.approved";
    case "thread.assigned":
      return typeof data.organisationName === "string" ? "thread.assigned_organisation" : "thread.assigned";
    default:
      return kind;
  }
}

/** Every key `notificationTextKey` can answer (what the translation test enumerates). */
export const NOTIFICATION_TEXT_KEYS: readonly string[] = [
  ...NOTIFICATION_KINDS.filter((k) => k !== "review.decided"),
  "review.approved",
  "review.changes_requested",
  "thread.assigned_organisation",
  "other",
];
