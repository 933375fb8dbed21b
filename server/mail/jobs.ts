/**
 * The mail jobs one node runs at a time (a lease in `job_leases`): due-date reminders and the daily
 * digests. Each reminder and digest also has a dedupe key, so even two runs cannot write one twice.
 *
 * Reminders go out from 07:00 in the Netherlands: two working days before a due date (or later, if no
 * node ran that day), on the day, and once when overdue (in the week after). A review's reminders go
 * to the members of the required organisations that have not decided; a workspace's deadline
 * reminders to its owners and editors while some section is not signed off.
 */
import { and, asc, eq, isNotNull, isNull, lt, or } from "drizzle-orm";
import type { Database } from "../../db/index";
import { addDays, daysBetween, parseDay, TIME_ZONE, todayInNetherlands } from "../../app/shared/dates";
import { membersToTell } from "../commands/reviewSupport";
import { isLocked } from "../lifecycle";
import { enqueueMail, type MailIntent } from "./outbox";

/** The hour (in the Netherlands) from which the day's reminders and digests go out. */
export const MAIL_HOUR = 7;

/** How long an overdue reminder may still be sent after the due date (days). */
const OVERDUE_WINDOW = 7;

// The Intl tags below are fixed on purpose: their output is parsed (an hour, a UTC offset), never read by
// a person, so they do not follow the reader's language (mails format their dates in render.ts).
export function hourInNetherlands(now: Date): number {
  return Number(new Intl.DateTimeFormat("en-GB", { timeZone: TIME_ZONE, hour: "2-digit", hourCycle: "h23" }).format(now));
}

/** Midnight at the start of `day` in the Netherlands, as an instant. */
export function startOfDayInNetherlands(day: string): Date {
  const utcMidnight = parseDay(day)!;
  const offset = new Intl.DateTimeFormat("en-US", { timeZone: TIME_ZONE, timeZoneName: "shortOffset" })
    .formatToParts(utcMidnight)
    .find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-])(\d{1,2})(?::(\d{2}))?/.exec(offset);
  const minutes = m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) : 0;
  return new Date(utcMidnight.getTime() - minutes * 60_000);
}

/** The day `count` working days (Monday to Friday) before `day`. */
export function workingDaysBefore(day: string, count: number): string {
  let current = day;
  let left = count;
  while (left > 0) {
    current = addDays(current, -1)!;
    const weekday = parseDay(current)!.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return current;
}

export type ReminderStage = "soon" | "today" | "overdue";

/** Which reminder is due on `today` for something due on `due`, or null. */
export function reminderStage(today: string, due: string): ReminderStage | null {
  const until = daysBetween(today, due);
  if (until === null) return null;
  if (until === 0) return "today";
  if (until > 0) return today >= workingDaysBefore(due, 2) ? "soon" : null;
  return -until <= OVERDUE_WINDOW ? "overdue" : null;
}

/** Writes the reminders due at `now` (once each, whoever runs it). Returns how many were queued. */
export async function queueReminders(database: Database, now: Date): Promise<number> {
  if (hourInNetherlands(now) < MAIL_HOUR) return 0;
  const { db, t } = database;
  const today = todayInNetherlands(now);
  const intents: MailIntent[] = [];
  const rounds = await db
    .select({ id: t.reviewRounds.id, dueDate: t.reviewRounds.dueDate, required: t.reviewRounds.requiredOrganisationIds, sectionId: t.sections.id, workspaceId: t.sections.workspaceId })
    .from(t.reviewRounds)
    .innerJoin(t.sections, eq(t.sections.id, t.reviewRounds.sectionId))
    .where(and(isNull(t.reviewRounds.closedAt), isNotNull(t.reviewRounds.dueDate), eq(t.sections.status, "in_review")));
  for (const round of rounds) {
    const stage = round.dueDate ? reminderStage(today, round.dueDate) : null;
    if (!stage) continue;
    const decided = await db.select({ organisationId: t.reviewDecisions.organisationId }).from(t.reviewDecisions).where(eq(t.reviewDecisions.roundId, round.id));
    const done = new Set(decided.map((d) => d.organisationId));
    const required = (typeof round.required === "string" ? JSON.parse(round.required) : round.required) as string[];
    const pending = required.filter((id) => !done.has(id));
    if (!pending.length) continue;
    for (const userId of await membersToTell(db, database, round.workspaceId, { organisationIds: pending }, "")) {
      intents.push({
        kind: "reminder",
        userId,
        data: { subject: "review", stage, dueDate: round.dueDate, workspaceId: round.workspaceId, sectionId: round.sectionId },
        dedupeKey: `reminder:review:${round.id}:${stage}:${userId}`,
      });
    }
  }
  const workspaces = await db.select({ id: t.workspaces.id, deadline: t.workspaces.deadline }).from(t.workspaces).where(isNotNull(t.workspaces.deadline));
  for (const ws of workspaces) {
    const stage = ws.deadline ? reminderStage(today, ws.deadline) : null;
    if (!stage) continue;
    const sections = await db.select({ status: t.sections.status }).from(t.sections).where(eq(t.sections.workspaceId, ws.id));
    if (sections.length && sections.every((s) => isLocked(s.status))) continue;
    const members = await db
      .select({ userId: t.memberships.userId, role: t.memberships.role })
      .from(t.memberships)
      .where(and(eq(t.memberships.workspaceId, ws.id), or(eq(t.memberships.role, "owner"), eq(t.memberships.role, "editor"))));
    for (const m of members) {
      intents.push({
        kind: "reminder",
        userId: m.userId,
        data: { subject: "workspace", stage, dueDate: ws.deadline, workspaceId: ws.id },
        dedupeKey: `reminder:workspace:${ws.id}:${ws.deadline}:${stage}:${m.userId}`,
      });
    }
  }
  if (!intents.length) return 0;
  return database.transaction((tx) => enqueueMail(tx, database, intents));
}

/**
 * From 07:00, gathers each person's digest items from before today into one mail (once per person
 * and day). Returns how many digests were queued.
 */
export async function queueDigests(database: Database, now: Date): Promise<number> {
  if (hourInNetherlands(now) < MAIL_HOUR) return 0;
  const { db, t } = database;
  const today = todayInNetherlands(now);
  const cutoff = startOfDayInNetherlands(today);
  const waiting = await db
    .select({ id: t.mailOutbox.id, userId: t.mailOutbox.userId, toAddress: t.mailOutbox.toAddress })
    .from(t.mailOutbox)
    .where(and(eq(t.mailOutbox.status, "digest"), lt(t.mailOutbox.createdAt, cutoff)))
    .orderBy(asc(t.mailOutbox.createdAt));
  const byUser = new Map<string, { to: string; ids: string[] }>();
  for (const item of waiting) {
    if (!item.userId) continue;
    const entry = byUser.get(item.userId) ?? { to: item.toAddress, ids: [] };
    entry.ids.push(item.id);
    byUser.set(item.userId, entry);
  }
  let queued = 0;
  for (const [userId, { ids }] of byUser) {
    queued += await database.transaction(async (tx) => {
      const digestId = crypto.randomUUID();
      const [person] = await tx.select({ email: t.user.email, disabledAt: t.user.disabledAt }).from(t.user).where(eq(t.user.id, userId)).limit(1);
      const inserted =
        person && !person.disabledAt
          ? await tx
              .insert(t.mailOutbox)
              .values({ id: digestId, kind: "digest", userId, toAddress: person.email, data: { itemIds: ids, day: today }, status: "queued", dedupeKey: `digest:${userId}:${today}`, createdAt: new Date() })
              .onConflictDoNothing()
              .returning({ id: t.mailOutbox.id })
          : [];
      const moved = inserted.length ? { status: "digested", digestId } : { status: "dropped" };
      // Items that came in after another run's digest of today wait for tomorrow's.
      if (inserted.length || !person || person.disabledAt) {
        for (const id of ids) await tx.update(t.mailOutbox).set(moved).where(and(eq(t.mailOutbox.id, id), eq(t.mailOutbox.status, "digest")));
      }
      return inserted.length;
    });
  }
  return queued;
}
