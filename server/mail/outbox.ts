/**
 * The mail outbox (ADR 020). A command writes its mails in its own transaction (`enqueueMail`, called
 * by runCommand with the notifications), so a mail exists exactly when the change it tells about was
 * committed. Each row says whom and what about, not the words: the sender renders it in the
 * recipient's language when it goes out, asking the policy again (server/mail/render.ts).
 *
 * A person's preference decides at enqueue time: `never` writes nothing, `daily` parks the row as a
 * digest item (server/mail/digest.ts), `immediately` queues it for the sender (server/mail/sender.ts).
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Database, Db } from "../../db/index";
import { MAIL_DEFAULTS, MAIL_KINDS, isMailKind, isMailMode, type MailKind, type MailMode } from "../../app/shared/mail";
import type { NotifyProps } from "../services/notifications";

/** Mails sent whatever the preferences: asked for by the person, or the only way to reach them. */
export type TransactionalKind = "invitation" | "password_reset" | "second_factor_reset" | "digest";
export type OutboxKind = MailKind | TransactionalKind;

export interface MailIntent {
  kind: OutboxKind;
  /** The person it goes to; their address and preference are read here. */
  userId?: string;
  /** An address without an account (invitations). */
  to?: string;
  /** What the mail is about: ids (workspaceId, sectionId, threadId, actorId) and plain facts. */
  data: Record<string, unknown>;
  /** A mail that must exist only once (reminders): a second enqueue with the same key writes nothing. */
  dedupeKey?: string;
}

/** Kinds whose data holds a secret link: it is removed once the mail went out (or finally failed). */
export const SECRET_KINDS: readonly OutboxKind[] = ["invitation", "password_reset"];

/** The mails the notifications of a command stand for (mentions, assignments, review requests, decisions). */
export function mailsForNotifications(list: NotifyProps[]): MailIntent[] {
  const mails: MailIntent[] = [];
  for (const n of list) {
    const about = { workspaceId: n.workspaceId ?? null, sectionId: n.sectionId ?? null, threadId: n.threadId ?? null, actorId: n.actorId };
    const data = n.data ?? {};
    if (n.kind === "mention") mails.push({ kind: "mention", userId: n.userId, data: { ...about, excerpt: data.excerpt ?? "" } });
    else if (n.kind === "thread.assigned") {
      mails.push({ kind: "assignment", userId: n.userId, data: { ...about, excerpt: data.quote ?? "", dueDate: data.dueDate ?? null, organisationName: data.organisationName ?? null } });
    }
    else if (n.kind === "review.requested") mails.push({ kind: "review_request", userId: n.userId, data: { ...about, dueDate: data.dueDate ?? null } });
    else if (n.kind === "review.decided") {
      const kind = data.decision === "approve" ? "approval" : "changes_requested";
      mails.push({ kind, userId: n.userId, data: { ...about, note: data.note ?? "", status: data.status ?? null } });
    }
  }
  return mails;
}

/** A person's choice per kind, defaults filled in. */
export async function mailPreferences(database: Database, userId: string, tx?: Db): Promise<Record<MailKind, MailMode>> {
  const { t } = database;
  const rows = await (tx ?? database.db).select().from(t.mailPreferences).where(eq(t.mailPreferences.userId, userId));
  const chosen: Record<MailKind, MailMode> = { ...MAIL_DEFAULTS };
  for (const row of rows) if (isMailKind(row.kind) && isMailMode(row.mode)) chosen[row.kind] = row.mode;
  return chosen;
}

/** Sets a person's choice for some kinds (the settings page; an unsubscribe link sets `never`). */
export async function setMailPreferences(database: Database, userId: string, choices: Partial<Record<MailKind, MailMode>>): Promise<void> {
  const { t } = database;
  await database.transaction(async (tx) => {
    for (const kind of MAIL_KINDS) {
      const mode = choices[kind];
      if (!mode) continue;
      await tx
        .insert(t.mailPreferences)
        .values({ userId, kind, mode })
        .onConflictDoUpdate({ target: [t.mailPreferences.userId, t.mailPreferences.kind], set: { mode } });
    }
  });
}

/**
 * Writes mails in the caller's transaction. Returns how many were queued to go out now (the caller
 * wakes the sender after its commit when there are any).
 */
export async function enqueueMail(tx: Db, database: Database, intents: MailIntent[]): Promise<number> {
  if (!intents.length) return 0;
  const { t } = database;
  const userIds = [...new Set(intents.map((i) => i.userId).filter((id): id is string => !!id))];
  const people = userIds.length
    ? await tx.select({ id: t.user.id, email: t.user.email, disabledAt: t.user.disabledAt }).from(t.user).where(inArray(t.user.id, userIds))
    : [];
  const byId = new Map(people.map((p) => [p.id, p]));
  const prefs = userIds.length
    ? await tx.select().from(t.mailPreferences).where(inArray(t.mailPreferences.userId, userIds))
    : [];
  const modeOf = (userId: string, kind: MailKind): MailMode => {
    const row = prefs.find((p) => p.userId === userId && p.kind === kind);
    return row && isMailMode(row.mode) ? row.mode : MAIL_DEFAULTS[kind];
  };
  let queued = 0;
  const now = new Date();
  for (const intent of intents) {
    let to = intent.to?.trim().toLowerCase();
    let status = "queued";
    if (intent.userId) {
      const person = byId.get(intent.userId);
      if (!person || person.disabledAt) continue;
      to = person.email;
      if (isMailKind(intent.kind)) {
        const mode = modeOf(intent.userId, intent.kind);
        if (mode === "never") continue;
        if (mode === "daily") status = "digest";
      }
    }
    if (!to) continue;
    const row = {
      id: crypto.randomUUID(),
      kind: intent.kind,
      userId: intent.userId ?? null,
      toAddress: to,
      data: intent.data,
      status,
      dedupeKey: intent.dedupeKey ?? null,
      createdAt: now,
    };
    const inserted = intent.dedupeKey
      ? await tx.insert(t.mailOutbox).values(row).onConflictDoNothing().returning({ id: t.mailOutbox.id })
      : (await tx.insert(t.mailOutbox).values(row), [row]);
    if (inserted.length && status === "queued") queued += 1;
  }
  return queued;
}

/** The people of the minister's office (they sign off), for "ready for sign-off". */
export async function officePeople(tx: Db, database: Database): Promise<string[]> {
  const { t } = database;
  const rows = await tx
    .select({ id: t.user.id, disabledAt: t.user.disabledAt })
    .from(t.user)
    .innerJoin(t.organisations, eq(t.organisations.id, t.user.organisationId))
    .where(and(eq(t.organisations.kind, "minister-office")));
  return rows.filter((r) => !r.disabledAt).map((r) => r.id);
}

/** "Ready for sign-off" to the office, once per person and approved text. */
export async function readyForSignOffMails(
  tx: Db,
  database: Database,
  section: { id: string; workspaceId: string },
  contentHash: string,
): Promise<MailIntent[]> {
  return (await officePeople(tx, database)).map((userId) => ({
    kind: "ready_for_signoff" as const,
    userId,
    data: { workspaceId: section.workspaceId, sectionId: section.id, contentHash },
    dedupeKey: `ready:${section.id}:${contentHash}:${userId}`,
  }));
}
