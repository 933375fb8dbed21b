/**
 * The sender: on every node, a loop that claims due outbox rows and sends them (ADR 020).
 *
 * Claiming is one UPDATE that moves rows from `queued` (due) or `sending` with an expired lease to
 * `sending`, with this node's id and a lease: on PostgreSQL the rows are picked with
 * `FOR UPDATE SKIP LOCKED`, so two nodes never wait on or take the same row; on SQLite the one
 * statement is atomic. A sent row becomes `sent`; a failure is retried with backoff, and `failed`
 * after the last attempt (the admin Outbox page shows it). A node that dies while sending leaves its
 * rows to be claimed again when their lease ends; the Message-ID stays the same on every attempt.
 *
 * The jobs (reminders, digests; server/mail/jobs.ts) run under a lease in `job_leases`: one node at
 * a time.
 */
import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Database } from "../../db/index";
import type { Env } from "../env";
import type { DomainEventBus } from "../events";
import type { Logger } from "../log";
import { queueDigests, queueReminders } from "./jobs";
import { SECRET_KINDS, type OutboxKind } from "./outbox";
import { renderMail } from "./render";
import { createTransport, type MailTransport } from "./transport";

/** Time for the mail loop: real, or (tests) a clock the test sets and ticks. */
export interface MailClock {
  now(): Date;
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => Promise<void>): () => void;
}

export const realMailClock: MailClock = {
  now: () => new Date(),
  every(ms, tick) {
    const timer = setInterval(() => void tick(), ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export interface MailerOptions {
  clock?: MailClock;
  /** Where mails go; by default SMTP_URL, else the log. */
  transport?: MailTransport;
  /** How often the outbox is looked at besides the wake-ups after a commit (default 5 s). */
  intervalMs?: number;
  /** How often the jobs run (default 60 s). */
  jobsIntervalMs?: number;
  /** Sends per mail before it is `failed` (default 6). */
  maxAttempts?: number;
  /** The wait after the n-th failed attempt (default 30 s × 4^(n-1), at most 6 hours). */
  backoffMs?: (attempt: number) => number;
  /** How long a claimed mail is this node's (default 2 minutes). */
  leaseMs?: number;
}

export interface Mailer {
  nodeId: string;
  transport: MailTransport;
  /** Sends every due mail now; resolves when none is left (with the number sent). */
  deliver(): Promise<number>;
  /** Runs the reminder and digest jobs if this node gets the lease, then delivers. */
  runJobs(): Promise<void>;
  close(): Promise<void>;
}

const BATCH = 20;
const JOBS_LEASE = "mail.jobs";

export function defaultBackoff(attempt: number): number {
  return Math.min(30_000 * 4 ** Math.max(attempt - 1, 0), 6 * 60 * 60 * 1000);
}

/** Takes (or renews) the lease `name` until `now + ms`; true when this owner holds it. */
export async function acquireLease(database: Database, name: string, owner: string, now: Date, ms: number): Promise<boolean> {
  const { db, t } = database;
  const until = new Date(now.getTime() + ms);
  const inserted = await db.insert(t.jobLeases).values({ name, owner, until }).onConflictDoNothing().returning({ name: t.jobLeases.name });
  if (inserted.length) return true;
  const taken = await db
    .update(t.jobLeases)
    .set({ owner, until })
    .where(and(eq(t.jobLeases.name, name), or(lt(t.jobLeases.until, now), eq(t.jobLeases.owner, owner))))
    .returning({ name: t.jobLeases.name });
  return taken.length > 0;
}

export function startMailer(
  services: { database: Database; env: Env; log: Logger; events: DomainEventBus },
  options: MailerOptions = {},
): Mailer {
  const { database, env } = services;
  const log = services.log.child("mail");
  const { db, t } = database;
  const clock = options.clock ?? realMailClock;
  const transport = options.transport ?? createTransport(env, services.log);
  const maxAttempts = options.maxAttempts ?? 6;
  const backoff = options.backoffMs ?? defaultBackoff;
  const leaseMs = options.leaseMs ?? 120_000;
  const nodeId = randomUUID();
  let closed = false;

  /** Moves up to BATCH due rows to `sending` for this node, atomically; returns them. */
  const claim = async () => {
    const now = clock.now();
    const due = or(
      and(eq(t.mailOutbox.status, "queued"), or(isNull(t.mailOutbox.nextAttemptAt), lte(t.mailOutbox.nextAttemptAt, now))),
      and(eq(t.mailOutbox.status, "sending"), lt(t.mailOutbox.leaseUntil, now)),
    );
    let pick = db.select({ id: t.mailOutbox.id }).from(t.mailOutbox).where(due).orderBy(asc(t.mailOutbox.createdAt)).limit(BATCH);
    if (database.dialect === "pg") {
      // The PostgreSQL builder behind the shared type: skip rows another node is claiming right now.
      pick = (pick as unknown as { for(strength: "update", config: { skipLocked: true }): typeof pick }).for("update", { skipLocked: true });
    }
    return db
      .update(t.mailOutbox)
      .set({ status: "sending", leaseOwner: nodeId, leaseUntil: new Date(now.getTime() + leaseMs), attempts: sql`${t.mailOutbox.attempts} + 1` })
      .where(and(inArray(t.mailOutbox.id, pick), due))
      .returning();
  };

  const mine = (id: string) => and(eq(t.mailOutbox.id, id), eq(t.mailOutbox.leaseOwner, nodeId), eq(t.mailOutbox.status, "sending"));
  const withoutSecret = (kind: string, data: unknown) =>
    SECRET_KINDS.includes(kind as OutboxKind) ? { ...((typeof data === "string" ? JSON.parse(data) : data) as object), url: null, redacted: true } : undefined;

  const sendOne = async (row: Awaited<ReturnType<typeof claim>>[number]) => {
    let mail;
    try {
      mail = await renderMail(database, env, row, clock.now());
    } catch (error) {
      log.error("a mail could not be written", { mailId: row.id, kind: row.kind, error: String(error) });
      mail = undefined;
    }
    if (mail === null) {
      await db.update(t.mailOutbox).set({ status: "dropped", leaseOwner: null, leaseUntil: null, data: withoutSecret(row.kind, row.data) }).where(mine(row.id));
      log.debug("mail not sent: no longer for its recipient", { mailId: row.id, kind: row.kind });
      return false;
    }
    try {
      if (!mail) throw new Error("the mail could not be written");
      await transport.send({ id: row.id, secret: SECRET_KINDS.includes(row.kind as OutboxKind), ...mail });
      // Without SMTP, outside production, the admin Outbox page shows what would have been sent.
      const preview = transport.kind === "log" && env.NODE_ENV !== "production" ? { preview: { subject: mail.subject, text: mail.text } } : null;
      const data = preview ? { ...(withoutSecret(row.kind, row.data) ?? ((typeof row.data === "string" ? JSON.parse(row.data) : row.data) as object)), ...preview } : withoutSecret(row.kind, row.data);
      await db
        .update(t.mailOutbox)
        .set({ status: "sent", sentAt: clock.now(), leaseOwner: null, leaseUntil: null, lastError: null, data })
        .where(mine(row.id));
      log.info("mail sent", { mailId: row.id, kind: row.kind, transport: transport.kind });
      return true;
    } catch (error) {
      const last = row.attempts >= maxAttempts;
      const message = error instanceof Error ? error.message : String(error);
      await db
        .update(t.mailOutbox)
        .set(
          last
            ? { status: "failed", leaseOwner: null, leaseUntil: null, lastError: message.slice(0, 1000), data: withoutSecret(row.kind, row.data) }
            : { status: "queued", leaseOwner: null, leaseUntil: null, lastError: message.slice(0, 1000), nextAttemptAt: new Date(clock.now().getTime() + backoff(row.attempts)) },
        )
        .where(mine(row.id));
      (last ? log.error : log.warn)(last ? "mail failed after the last attempt" : "mail not sent, will retry", { mailId: row.id, kind: row.kind, attempt: row.attempts, error: message });
      return false;
    }
  };

  const deliverRound = async (): Promise<number> => {
    let sent = 0;
    for (;;) {
      if (closed) return sent;
      const rows = await claim();
      for (const row of rows) if (await sendOne(row)) sent += 1;
      if (rows.length < BATCH) return sent;
    }
  };

  let running: Promise<number> | null = null;
  let again = false;
  const deliver = (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    const run = (async () => {
      let total = 0;
      do {
        again = false;
        total += await deliverRound();
      } while (again && !closed);
      return total;
    })();
    running = run.finally(() => {
      running = null;
    });
    return running;
  };
  const safeDeliver = () =>
    deliver().then(
      () => undefined,
      (error: unknown) => log.error("mail delivery round failed", { error: String(error) }),
    );

  let jobs: Promise<void> | null = null;
  const runJobs = (): Promise<void> => {
    jobs ??= (async () => {
      try {
        const now = clock.now();
        if (await acquireLease(database, JOBS_LEASE, nodeId, now, Math.max((options.jobsIntervalMs ?? 60_000) - 5_000, 1_000))) {
          const reminders = await queueReminders(database, now);
          const digests = await queueDigests(database, now);
          if (reminders || digests) log.info("mail jobs queued", { reminders, digests });
        }
      } catch (error) {
        log.error("mail jobs failed", { error: String(error) });
      }
      await safeDeliver();
    })().finally(() => {
      jobs = null;
    });
    return jobs;
  };

  const stopDeliver = clock.every(options.intervalMs ?? 5_000, safeDeliver);
  const stopJobs = clock.every(options.jobsIntervalMs ?? 60_000, runJobs);
  const offQueued = services.events.on("mail.queued", () => {
    if (!closed) setImmediate(() => void safeDeliver());
  });
  // Whatever waited while no node ran (a restart), at once.
  setImmediate(() => void (closed ? undefined : safeDeliver()));

  return {
    nodeId,
    transport,
    deliver,
    runJobs,
    async close() {
      closed = true;
      stopDeliver();
      stopJobs();
      offQueued();
      await Promise.allSettled([running, jobs]);
      transport.close();
    },
  };
}
