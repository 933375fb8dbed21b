/**
 * A clock the test ticks itself, for the periodic re-check of sessions (startServer's
 * `sessionCheck.clock`) and the mail sender (`mail.clock`): nothing happens between ticks, and
 * `tick()` resolves once the round it started has finished. Its `now()` is real time until the test
 * sets it (`set`), then stands still where it was put.
 */
import type { Clock } from "../../server/services/access";
import { hourInNetherlands, startOfDayInNetherlands } from "../../server/mail/jobs";
import type { MailClock } from "../../server/mail/sender";

/** `hour`:`minute` on `day` in the Netherlands, as an instant (also on the two days a year the clocks change). */
export function inNetherlands(day: string, hour: number, minute = 0): Date {
  const guess = new Date(startOfDayInNetherlands(day).getTime() + (hour * 60 + minute) * 60_000);
  return new Date(guess.getTime() + (hour - hourInNetherlands(guess)) * 3_600_000);
}

export interface ManualClock extends Clock, MailClock {
  /** Fires every timer now (whatever its interval); resolves when their rounds have finished. */
  tick(): Promise<void>;
  /** Puts "now" at this moment. */
  set(now: Date): void;
}

export function manualClock(): ManualClock {
  const timers = new Set<() => Promise<void>>();
  let fixed: Date | null = null;
  return {
    every(_ms, fire) {
      timers.add(fire);
      return () => timers.delete(fire);
    },
    async tick() {
      await Promise.all([...timers].map((fire) => fire()));
    },
    now: () => (fixed ? new Date(fixed) : new Date()),
    set(now) {
      fixed = new Date(now);
    },
  };
}
