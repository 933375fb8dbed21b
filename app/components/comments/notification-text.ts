import type { TFunction } from "i18next";
import type { NotificationView } from "../../shared/comments";

const KNOWN = new Set(["mention", "reply", "resolved", "review.requested", "review.decided", "signoff"]);

/** One line saying what a notification is about, in the reader's language (unknown kinds fall back). */
export function notificationText(t: TFunction, n: NotificationView): string {
  const actor = n.actor?.name ?? t("comments:notifications.system");
  const section = typeof n.data.sectionTitle === "string" ? n.data.sectionTitle : "";
  const kind = KNOWN.has(n.kind) ? n.kind : "other";
  return t(`comments:notifications.kind.${kind}`, { actor, section });
}

/** Where a notification leads: the thread in its section, or the section, or the workspace. */
export function notificationHref(n: NotificationView): string {
  if (n.sectionId) return `/s/${n.sectionId}${n.threadId ? `?thread=${encodeURIComponent(n.threadId)}` : ""}`;
  if (n.workspaceId) return `/w/${n.workspaceId}`;
  return "/notifications";
}
