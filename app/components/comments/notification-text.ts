import type { TFunction } from "i18next";
import type { NotificationView } from "../../shared/comments";
import { notificationTextKey } from "../../shared/notifications";

const text = (value: unknown) => (typeof value === "string" ? value : "");

/**
 * One line saying what happened and where, in the reader's language: who (with their organisation),
 * the outcome (a decision), the section and the workspace. Unknown kinds fall back to a general line.
 */
export function notificationText(t: TFunction, n: NotificationView): string {
  const name = n.actor?.name ?? t("comments:notifications.system");
  const actor = n.actor?.organisationShortCode ? `${name} (${n.actor.organisationShortCode})` : name;
  const section = n.sectionTitle ?? text(n.data.sectionTitle);
  const workspace = n.workspaceTitle ?? text(n.data.workspaceTitle);
  const key = notificationTextKey(n.kind, n.data);
  return t(`comments:notifications.kind.${key}`, {
    actor,
    section,
    workspace,
    organisation: text(n.data.organisationName),
    dueDate: text(n.data.dueDate),
  });
}

/** The words that came with it, shown under the line: a comment's excerpt, a decision's note, a reopening's reason. */
export function notificationDetail(n: NotificationView): string | null {
  for (const field of ["excerpt", "note", "reason"] as const) {
    const value = text(n.data[field]).trim();
    if (value) return value;
  }
  return null;
}

/** Where a notification leads: the thread in its section, the review of a decided section, or the section, or the workspace. */
export function notificationHref(n: NotificationView): string {
  if (n.sectionId && n.threadId) return `/s/${n.sectionId}?thread=${encodeURIComponent(n.threadId)}`;
  if (n.sectionId && (n.kind.startsWith("review.") || n.kind === "section.ready_for_signoff")) return `/s/${n.sectionId}/review`;
  if (n.sectionId) return `/s/${n.sectionId}`;
  if (n.workspaceId) return `/w/${n.workspaceId}`;
  return "/notifications";
}
