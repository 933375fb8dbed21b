/**
 * The collab server's hooks: what features add to it without editing it (Hocuspocus's model). Each
 * kind is a list run in order. A hook that throws (or rejects) is logged and the next one still runs:
 * one feature's failure must not keep another from hearing about a change.
 */
import type { DeniedReason } from "../../app/shared/collab";
import type { Logger } from "../log";
import type { Connection } from "./connection";

/** Called after changes to a section were stored by this node (not for changes other nodes stored). */
export type AfterStoreHook = (sectionId: string) => void | Promise<void>;

/**
 * Called for a stateless message (protocol.ts, MessageStateless) of a connection, with its payload.
 * The connection carries the identity (from the session) and its rights as of the last check; a hook
 * decides with server/policy.ts and rejects by throwing (StatelessRefused tells the client why).
 */
export type StatelessHook = (connection: Connection, payload: string) => void | Promise<void>;

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
 * Runs the onStateless hooks in order, each after the previous one finished; the first that throws
 * stops the others. StatelessRefused is a refusal (counted like a refused change); anything else is
 * also logged.
 */
export async function runStateless(hooks: readonly StatelessHook[], connection: Connection, payload: string, log: Logger): Promise<void> {
  for (let i = 0; i < hooks.length; i++) {
    try {
      await hooks[i](connection, payload);
    } catch (error) {
      if (!(error instanceof StatelessRefused)) log.error("a collab onStateless hook failed; the message is refused", { ...connection.who, error: String(error) });
      if (!connection.closed) connection.refuse(error instanceof StatelessRefused ? error.reason : undefined);
      return;
    }
  }
}
