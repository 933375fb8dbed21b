/**
 * The per-account sign-in limit. better-auth's own limit counts attempts per client address, which
 * does nothing against guesses spread over many addresses. This one counts attempts per email
 * address: the first `after` come freely; from then on each attempt sets a wait that doubles, from
 * `firstWaitMs` up to `maxWaitMs`, during which the account's sign-in is refused (429 with
 * Retry-After) without checking the password. A successful sign-in starts the account afresh, and
 * an account nobody tried for `forgetAfterMs` is forgotten. So the rightful person is kept out for at
 * most `maxWaitMs` after the last wrong guess, and a guesser gets a handful of tries an hour.
 *
 * Attempts are counted before the password is checked (and kept when it was wrong), so parallel
 * guesses cannot slip in between a check and a count. The counters live in memory on a single node
 * and in Redis with several (server/scale), keyed by a hash of the email address.
 */
import { createHash } from "node:crypto";

/** The code of the refusal while an account waits (429, with Retry-After). */
export const ACCOUNT_LOCKED_CODE = "TOO_MANY_ATTEMPTS_FOR_ACCOUNT";

export interface AccountLimitRule {
  /** Attempts without a wait. */
  after: number;
  /** The wait set by attempt number `after`, doubled by each later one. */
  firstWaitMs: number;
  maxWaitMs: number;
  /** An account without attempts for this long starts afresh. */
  forgetAfterMs: number;
}

export const DEFAULT_ACCOUNT_LIMIT: AccountLimitRule = {
  after: 5,
  firstWaitMs: 15_000,
  maxWaitMs: 5 * 60_000,
  forgetAfterMs: 60 * 60_000,
};

export type AttemptVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface AccountLimitStore {
  /** Counts an attempt for this account, or refuses it while the account must wait (atomically). */
  attempt(key: string, rule: AccountLimitRule, now: number): Promise<AttemptVerdict>;
  /** The account signed in: it starts afresh. */
  reset(key: string): Promise<void>;
}

/** The wait after attempt number `n` (0 before `after`). */
export function waitAfter(n: number, rule: AccountLimitRule): number {
  if (n < rule.after) return 0;
  return Math.min(rule.maxWaitMs, rule.firstWaitMs * 2 ** Math.min(n - rule.after, 30));
}

/** The counter's key for an email address: a hash, so that no address is stored with it. */
export function accountKey(email: string): string {
  return createHash("sha256").update(email.trim().toLowerCase()).digest("hex");
}

/** Counters in this process: one node, or a node whose Redis does not answer. */
export function memoryAccountLimits(limit = 100_000): AccountLimitStore {
  const entries = new Map<string, { n: number; until: number; expiresAt: number }>();
  return {
    async attempt(key, rule, now) {
      let entry = entries.get(key);
      if (entry && entry.expiresAt <= now) {
        entries.delete(key);
        entry = undefined;
      }
      if (entry && entry.until > now) return { allowed: false, retryAfterMs: entry.until - now };
      if (!entry) {
        if (entries.size >= limit) for (const [k, e] of entries) if (e.expiresAt <= now) entries.delete(k);
        entry = { n: 0, until: 0, expiresAt: 0 };
        entries.set(key, entry);
      }
      entry.n += 1;
      const wait = waitAfter(entry.n, rule);
      if (wait > 0) entry.until = now + wait;
      entry.expiresAt = now + wait + rule.forgetAfterMs;
      return { allowed: true };
    },
    async reset(key) {
      entries.delete(key);
    },
  };
}

/**
 * The same rule as one Redis script, so that every node counts on one counter and a check and its
 * count cannot be split by another node's attempt. KEYS[1]: the account's hash; ARGV: now, after,
 * firstWaitMs, maxWaitMs, forgetAfterMs. Returns {1, 0} when allowed, {0, retryAfterMs} when not.
 */
export const REDIS_ATTEMPT = `local now = tonumber(ARGV[1])
local wait_until = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if wait_until > now then return {0, wait_until - now} end
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
local after = tonumber(ARGV[2])
local wait = 0
if n >= after then
  wait = tonumber(ARGV[3]) * 2 ^ math.min(n - after, 30)
  if wait > tonumber(ARGV[4]) then wait = tonumber(ARGV[4]) end
  redis.call('HSET', KEYS[1], 'until', now + wait)
end
redis.call('PEXPIRE', KEYS[1], wait + tonumber(ARGV[5]))
return {1, 0}`;
