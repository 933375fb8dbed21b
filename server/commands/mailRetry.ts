/**
 * An admin sends a failed mail again (the Outbox page): it is queued with its tries counted afresh.
 * A mail whose link was dropped after its last try (an invitation, a password reset) cannot be sent
 * again; the inviter makes a new invitation, the person asks for a new link.
 */
import { and, eq } from "drizzle-orm";
import { authorize, type Actor } from "../policy";
import { NotFound } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import { CommandError } from "../services/errors";
import { SECRET_KINDS, type OutboxKind } from "../mail/outbox";
import { runCommand, type CommandDeps } from "./run";

export interface RetryMailProps {
  /** Who asks; from the session. Must be an admin. */
  actor: Actor;
  /** The failed outbox row. */
  mailId: string;
}

export async function retryMail(deps: CommandDeps, props: RetryMailProps): Promise<void> {
  const { database } = deps;
  const { t } = database;
  await runCommand(deps, {
    load: async () => undefined,
    authorize: () => authorize(props.actor, "admin.mail"),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx) => {
      const [row] = await tx.select().from(t.mailOutbox).where(eq(t.mailOutbox.id, props.mailId)).limit(1);
      if (!row) throw new NotFound("mail", props.mailId);
      if (row.status !== "failed") throw new CommandError("mail_not_failed", "Only a failed mail can be sent again.", 409);
      if (SECRET_KINDS.includes(row.kind as OutboxKind)) {
        throw new CommandError("mail_link_gone", "This mail's link was dropped after its last try: make a new invitation or ask for a new link.", 409);
      }
      await tx
        .update(t.mailOutbox)
        .set({ status: "queued", attempts: 0, nextAttemptAt: null, lastError: null })
        .where(and(eq(t.mailOutbox.id, row.id), eq(t.mailOutbox.status, "failed")));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "mail.retried",
        subjectType: "mail",
        subjectId: row.id,
        data: { kind: row.kind, to: row.toAddress, attempts: row.attempts, lastError: row.lastError },
      });
      return { result: undefined };
    },
    emit: () => deps.events.emit("mail.queued", { count: 1 }),
  });
}
