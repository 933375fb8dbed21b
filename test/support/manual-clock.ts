/**
 * A clock the test ticks itself, for the periodic re-check of sessions (startServer's
 * `sessionCheck.clock`): nothing happens between ticks, and `tick()` resolves once the round it
 * started has finished.
 */
import type { Clock } from "../../server/services/access";

export interface ManualClock extends Clock {
  /** Fires every timer now (whatever its interval); resolves when their rounds have finished. */
  tick(): Promise<void>;
}

export function manualClock(): ManualClock {
  const timers = new Set<() => Promise<void>>();
  return {
    every(_ms, fire) {
      timers.add(fire);
      return () => timers.delete(fire);
    },
    async tick() {
      await Promise.all([...timers].map((fire) => fire()));
    },
  };
}
