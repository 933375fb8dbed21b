/**
 * The rules of mail that need no database: when a reminder is due, working days, the Dutch day's
 * start, signed unsubscribe links, and the defaults per kind.
 */
import { describe, expect, it } from "vitest";
import { MAIL_DEFAULTS } from "../../app/shared/mail";
import { hourInNetherlands, reminderStage, startOfDayInNetherlands, workingDaysBefore } from "../../server/mail/jobs";
import { unsubscribeUrl, verifyUnsubscribe } from "../../server/mail/links";
import { mailsForNotifications } from "../../server/mail/outbox";

const env = { PUBLIC_URL: "https://overleg.example", BETTER_AUTH_SECRET: "s".repeat(40) };
const params = (url: string) => new URL(url).searchParams;

describe("reminders", () => {
  it("counts working days back over a weekend", () => {
    expect(workingDaysBefore("2027-03-17", 2)).toBe("2027-03-15"); // Wednesday → Monday
    expect(workingDaysBefore("2027-03-15", 2)).toBe("2027-03-11"); // Monday → Thursday
    expect(workingDaysBefore("2027-03-16", 2)).toBe("2027-03-12"); // Tuesday → Friday
  });

  it("says which reminder is due on a day", () => {
    const due = "2027-03-15"; // a Monday
    expect(reminderStage("2027-03-10", due)).toBeNull();
    expect(reminderStage("2027-03-11", due)).toBe("soon");
    expect(reminderStage("2027-03-13", due)).toBe("soon"); // a day no node ran is caught up
    expect(reminderStage("2027-03-15", due)).toBe("today");
    expect(reminderStage("2027-03-16", due)).toBe("overdue");
    expect(reminderStage("2027-03-22", due)).toBe("overdue");
    expect(reminderStage("2027-03-23", due)).toBeNull();
    expect(reminderStage("2027-03-16", "not a day")).toBeNull();
  });

  it("knows the Dutch day's start and hour, in winter and summer time", () => {
    expect(startOfDayInNetherlands("2027-01-10").toISOString()).toBe("2027-01-09T23:00:00.000Z");
    expect(startOfDayInNetherlands("2027-07-10").toISOString()).toBe("2027-07-09T22:00:00.000Z");
    expect(hourInNetherlands(new Date("2027-07-10T05:00:00Z"))).toBe(7);
  });
});

describe("unsubscribe links", () => {
  it("accept the link Overleg signed", () => {
    expect(verifyUnsubscribe(env, params(unsubscribeUrl(env, "user-1", "mention")))).toEqual({ userId: "user-1", kind: "mention" });
    expect(verifyUnsubscribe(env, params(unsubscribeUrl(env, "user-1", "all")))).toEqual({ userId: "user-1", kind: "all" });
  });

  it("refuse an altered person or kind, another key, a made-up signature or a kind that does not exist", () => {
    const url = new URL(unsubscribeUrl(env, "user-1", "mention"));
    const altered = (key: string, value: string) => {
      const p = new URLSearchParams(url.search);
      p.set(key, value);
      return p;
    };
    expect(verifyUnsubscribe(env, altered("u", "user-2"))).toBeNull();
    expect(verifyUnsubscribe(env, altered("k", "review_request"))).toBeNull();
    expect(verifyUnsubscribe(env, altered("k", "everything"))).toBeNull();
    expect(verifyUnsubscribe(env, altered("s", "A".repeat(43)))).toBeNull();
    expect(verifyUnsubscribe(env, altered("s", ""))).toBeNull();
    expect(verifyUnsubscribe({ BETTER_AUTH_SECRET: "t".repeat(40) }, url.searchParams)).toBeNull();
  });
});

describe("what mails the notifications stand for", () => {
  it("mentions, review requests and both outcomes of a decision; nothing for the rest", () => {
    const base = { actorId: "a", workspaceId: "w", sectionId: "s" };
    const mails = mailsForNotifications([
      { ...base, userId: "u1", kind: "mention", threadId: "t", data: { excerpt: "hi" } },
      { ...base, userId: "u2", kind: "review.requested", data: { dueDate: "2027-01-01" } },
      { ...base, userId: "u3", kind: "review.decided", data: { decision: "approve" } },
      { ...base, userId: "u3", kind: "review.decided", data: { decision: "request_changes", note: "why" } },
      { ...base, userId: "u4", kind: "reply" },
    ]);
    expect(mails.map((m) => [m.userId, m.kind])).toEqual([
      ["u1", "mention"],
      ["u2", "review_request"],
      ["u3", "approval"],
      ["u3", "changes_requested"],
    ]);
  });

  it("default mentions and review requests to immediately", () => {
    expect(MAIL_DEFAULTS.mention).toBe("immediately");
    expect(MAIL_DEFAULTS.review_request).toBe("immediately");
  });
});
