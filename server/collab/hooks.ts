/**
 * The collab server's hooks: what features add to it without editing it (Hocuspocus's model). Each
 * kind is a list run in order. A hook that throws (or rejects) is logged and the next one still runs:
 * one feature's failure must not keep another from hearing about a change.
 */
import type { DeniedReason } from "../../app/shared/collab";
import type { SignedIn } from "../context";
import type { Logger } from "../log";
import { can, type SectionAction, type SectionFacts } from "../policy";
import type { Connection } from "./connection";
import { statelessFrame } from "./protocol";

/** Called after changes to a section were stored by this node (not for changes other nodes stored). */
export type AfterStoreHook = (sectionId: string, updates: readonly Uint8Array[]) => void | Promise<void>;

/**
 * A stateless message (protocol.ts, MessageStateless) as a hook gets it: the sender as the server knows
 * them (identity from the session, the section's facts as of the last check of the connection), never
 * the connection itself, so that a hook cannot write to it, close it or change its rights.
 */
export interface StatelessMessage {
  readonly actor: SignedIn;
  readonly sectionId: string;
  readonly workspaceId: string;
  /** The facts the policy allowed the hook's verb on. */
  readonly facts: SectionFacts;
  /** The payload as sent (a string, JSON by convention; at most `maxStatelessBytes`). */
  readonly payload: string;
  /** Sends a stateless message to the sender only (nothing when its connection has closed meanwhile). */
  reply(payload: string): void;
}

/**
 * A feature's handler of stateless messages. It declares the section verb a sender must hold
 * (server/policy.ts, e.g. `section.suggest` for suggestions); the channel asks the policy before every
 * call, with the connection's facts of that moment, and never calls a hook whose verb is refused. A
 * hook refuses a message itself (bad payload, a rule of its own) by throwing StatelessRefused.
 */
export interface StatelessHook {
  /** What the hook is for, in log lines. */
  readonly name: string;
  readonly verb: SectionAction;
  handle(message: StatelessMessage): void | Promise<void>;
}

export interface CollabHooks {
  afterStore: AfterStoreHook[];
  onStateless: StatelessHook[];
}

/** Thrown by an onStateless hook to refuse a message: the client gets a permission-denied message. */
export class StatelessRefused extends Error {
  constructor(readonly reason?: DeniedReason) {
    super(`stateless message refused${reason ? ` (${reason})` : ""}`);
    this.name = "StatelessRefused";
  }
}

/** The hooks given to createCollab, as lists the server owns (adding one later does not change the caller's). */
export function collabHooks(given: Partial<CollabHooks> = {}): CollabHooks {
  return { afterStore: [...(given.afterStore ?? [])], onStateless: [...(given.onStateless ?? [])] };
}

/** Adds `hook` to `list`; returns the function that removes it. */
export function addHook<H>(list: H[], hook: H): () => void {
  list.push(hook);
  return () => {
    const at = list.indexOf(hook);
    if (at >= 0) list.splice(at, 1);
  };
}

/**
 * Runs `hooks` in order with `run`, each after the previous one finished; a failure is logged with
 * `context` and does not stop the others. Synchronous hooks run before this returns.
 */
export function runHooks<H>(hooks: readonly H[], run: (hook: H) => void | Promise<void>, log: Logger, what: string, context: Record<string, unknown>): Promise<void> | void {
  for (let i = 0; i < hooks.length; i++) {
    let result: void | Promise<void>;
    try {
      result = run(hooks[i]);
    } catch (error) {
      log.error(`a collab ${what} hook failed`, { ...context, error: String(error) });
      continue;
    }
    if (result && typeof (result as Promise<void>).then === "function") return continueAsync(result, i + 1, hooks, run, log, what, context);
  }
}

async function continueAsync<H>(
  pending: Promise<void>,
  from: number,
  hooks: readonly H[],
  run: (hook: H) => void | Promise<void>,
  log: Logger,
  what: string,
  context: Record<string, unknown>,
): Promise<void> {
  try {
    await pending;
  } catch (error) {
    log.error(`a collab ${what} hook failed`, { ...context, error: String(error) });
  }
  for (let i = from; i < hooks.length; i++) {
    try {
      await run(hooks[i]);
    } catch (error) {
      log.error(`a collab ${what} hook failed`, { ...context, error: String(error) });
    }
  }
}


/**
 * Runs the onStateless hooks in order, each after the previous one finished. A hook is called only
 * while the connection is open and the policy allows the sender the hook's verb (asked anew before
 * each hook: rights may change while an earlier one runs). The first that throws stops the others:
 * StatelessRefused is a refusal, anything else is also logged. The client is told (a permission-denied
 * message, counted like a refused change) when a hook refused the message or no hook was allowed it;
 * with no hooks at all the message goes nowhere.
 */
export async function runStateless(hooks: readonly StatelessHook[], connection: Connection, payload: string, log: Logger): Promise<void> {
  let delivered = false;
  for (const hook of hooks) {
    if (connection.closed) return;
    const { actor, facts } = connection;
    if (!can(actor, hook.verb, facts)) continue;
    delivered = true;
    const message: StatelessMessage = {
      actor,
      sectionId: connection.sectionId,
      workspaceId: connection.workspaceId,
      facts,
      payload,
      reply: (answer) => connection.send(statelessFrame(answer)),
    };
    try {
      await hook.handle(message);
    } catch (error) {
      if (!(error instanceof StatelessRefused)) {
        log.error("a collab onStateless hook failed; the message is refused", { ...connection.who, hook: hook.name, error: String(error) });
      }
      if (!connection.closed) connection.refuse(error instanceof StatelessRefused ? error.reason : undefined);
      return;
    }
  }
  if (!delivered && hooks.length > 0 && !connection.closed) connection.refuse();
}
