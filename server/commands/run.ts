/**
 * The one shape of a command (ADR 017): load facts → authorize → (prepare) → transaction { lock,
 * re-check, change (with its version and audit entry), notify, mail } → after the commit, emit.
 *
 * A command module (server/commands/<noun><Verb>.ts) states its steps and `runCommand` runs them in
 * that order, so no command can emit before its commit, tell people outside its transaction, or take
 * its locks in another order than the others (the audit chain first, then a section's log).
 */
import type { Database, Db } from "../../db/index";
import type { Env } from "../env";
import type { DomainEventBus } from "../events";
import { enqueueMail, mailsForNotifications, type MailIntent } from "../mail/outbox";
import { announce, notify, type NotifyProps } from "../services/notifications";

/** What every command needs from the server's services. */
export interface CommandDeps {
  database: Database;
  events: DomainEventBus;
  /** Which defaults the second-factor rules use (server/services/second-factor.ts); production when absent. */
  env?: Pick<Env, "NODE_ENV">;
}

/** What the transaction step hands back: the command's result and whom to notify with it. */
export interface Changed<R> {
  result: R;
  /** Notifications inserted in the same transaction, announced after the commit. */
  notify?: NotifyProps[];
  /**
   * Mails written to the outbox in the same transaction (server/mail), besides those the
   * notifications stand for (mentions, review requests, decisions; `mailsForNotifications`).
   */
  mail?: MailIntent[];
}

export interface CommandSteps<F, R, P = F> {
  /** Reads what the decision needs, before the transaction (throws NotFound for what the actor may not see). */
  load: () => Promise<F>;
  /** Asks server/policy.ts; throws Forbidden or a CommandError when the actor may not do this. */
  authorize: (facts: F) => void | Promise<void>;
  /**
   * Reads that only an authorized actor should cause (who a mention may name, the current text), before
   * the transaction; returns the facts the later steps get. Optional: without it they get `load`'s.
   */
  prepare?: (facts: F) => Promise<P>;
  /** Takes the transaction's locks, in the fixed order: audit chain, then section log. Optional. */
  lock?: (tx: Db, facts: P) => Promise<void>;
  /**
   * In the transaction, after the locks: re-checks what may have changed since `load` (throwing
   * rolls everything back), writes the change, its version and its audit entry.
   */
  change: (tx: Db, facts: P) => Promise<Changed<R>>;
  /** After the commit: the domain events that tell socket.io and the collab server. */
  emit?: (result: R, facts: P) => void;
}

/** Runs a command's steps in the one order; returns the result of its `change`. */
export async function runCommand<F, R, P = F>(deps: CommandDeps, steps: CommandSteps<F, R, P>): Promise<R> {
  const loaded = await steps.load();
  await steps.authorize(loaded);
  // Without a prepare step P is F (its default), so the loaded facts are passed on as they are.
  const facts = steps.prepare ? await steps.prepare(loaded) : (loaded as unknown as P);
  const { database } = deps;
  const { result, created, queued } = await database.transaction(async (tx) => {
    await steps.lock?.(tx, facts);
    const changed = await steps.change(tx, facts);
    const created = await notify(tx, database, changed.notify ?? []);
    const queued = await enqueueMail(tx, database, [...mailsForNotifications(changed.notify ?? []), ...(changed.mail ?? [])]);
    return { result: changed.result, created, queued };
  });
  steps.emit?.(result, facts);
  announce(deps.events, created);
  if (queued) deps.events.emit("mail.queued", { count: queued });
  return result;
}
