/**
 * The collab server's hooks: what features add to it without editing it (Hocuspocus's model). Each
 * kind is a list run in order. A hook that throws (or rejects) is logged and the next one still runs:
 * one feature's failure must not keep another from hearing about a change.
 */
import type { Logger } from "../log";

/** Called after changes to a section were stored by this node (not for changes other nodes stored). */
export type AfterStoreHook = (sectionId: string) => void | Promise<void>;

export interface CollabHooks {
  afterStore: AfterStoreHook[];
}

/** The hooks given to createCollab, as lists the server owns (adding one later does not change the caller's). */
export function collabHooks(given: Partial<CollabHooks> = {}): CollabHooks {
  return { afterStore: [...(given.afterStore ?? [])] };
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

