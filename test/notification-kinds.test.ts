/**
 * Every kind of notification says what happened in every language: the test walks the list of kinds
 * the server may send (app/shared/notifications.ts; `NotifyProps.kind` takes only these) and every
 * text key they can use, and fails on one missing in any language.
 */
import { describe, expect, it } from "vitest";
import "../app/i18n/all";
import { createI18n } from "../app/i18n";
import { ACCOUNT_NOTIFICATION_KINDS, NOTIFICATION_KINDS, NOTIFICATION_TEXT_KEYS, notificationTextKey } from "../app/shared/notifications";
import { notificationText } from "../app/components/comments/notification-text";
import type { NotificationView } from "../app/shared/comments";
import { LOCALES } from "../app/shared/locales";

const sample = (kind: string, data: Record<string, unknown> = {}): NotificationView => ({
  id: "n1",
  kind,
  workspaceId: "w1",
  sectionId: "s1",
  threadId: null,
  actor: { id: "u1", name: "Daan Kramer", organisationShortCode: "KGG" },
  sectionTitle: "Aanleiding",
  workspaceTitle: "Toegang tot financiering",
  data: { dueDate: "2027-01-15", organisationName: "FME", ...data },
  readAt: null,
  createdAt: new Date(0).toISOString(),
});

describe("notification texts", () => {
  it("knows a text key for every kind, and every variant a kind can take", () => {
    for (const kind of NOTIFICATION_KINDS) {
      expect(NOTIFICATION_TEXT_KEYS, kind).toContain(notificationTextKey(kind, {}));
    }
    expect(notificationTextKey("review.decided", { decision: "approve" })).toBe("review.approved");
    expect(notificationTextKey("review.decided", { decision: "request_changes" })).toBe("review.changes_requested");
    expect(notificationTextKey("thread.assigned", { organisationName: "FME" })).toBe("thread.assigned_organisation");
    expect(notificationTextKey("no.such.kind", {})).toBe("other");
  });

  for (const locale of LOCALES) {
    it(`has every text in ${locale}, naming who, the section and the workspace`, () => {
      const i18n = createI18n(locale);
      const missing = NOTIFICATION_TEXT_KEYS.filter((key) => !i18n.exists(`comments:notifications.kind.${key}`));
      expect(missing, `missing in ${locale}`).toEqual([]);
      for (const kind of [...NOTIFICATION_KINDS, "no.such.kind"]) {
        const line = notificationText(i18n.t, sample(kind));
        expect(line, kind).not.toMatch(/\{\{|notifications\.kind/);
        if (ACCOUNT_NOTIFICATION_KINDS.includes(kind as (typeof NOTIFICATION_KINDS)[number])) {
          // About the account: it names who did it, no section.
          expect(line, kind).toContain("Daan Kramer (KGG)");
          continue;
        }
        expect(line, kind).toContain("Aanleiding");
        expect(line, kind).toContain("Toegang tot financiering");
      }
      // The outcome of a decision, in words.
      const approved = notificationText(i18n.t, sample("review.decided", { decision: "approve" }));
      const changes = notificationText(i18n.t, sample("review.decided", { decision: "request_changes" }));
      expect(approved).not.toBe(changes);
      expect(changes).toContain("Daan Kramer (KGG)");
      expect(changes).toMatch({ nl: /wijzigingen/, en: /requested changes/, de: /Änderungen/, fr: /modifications/ }[locale]);
    });
  }
});
