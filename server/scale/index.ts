/**
 * What several Overleg nodes share besides the database, when REDIS_URL is set: the collab RoomBus
 * (server/collab/redis-bus.ts), the sign-in rate-limit counters (better-auth's secondary-storage
 * contract, kept in Redis so a limit holds across nodes), the per-account sign-in counters
 * (server/sign-in-limit.ts), the domain event channel between nodes (./events.ts), socket.io's adapter
 * (./socket-adapter.ts, on connections of its own) and Redis's part of `GET /healthz`.
 *
 * Loaded only when REDIS_URL is set (server/app.ts imports it on demand): a single node never loads
 * ioredis.
 *
 * Redis being down makes a node degraded, not unhealthy: it keeps accepting and storing edits (the
 * database is the source of truth), delivery to other nodes waits until Redis is back, and sign-in
 * attempts are then counted per node. See docs/decisions/005-scale-out-on-postgresql-and-redis.md.
 */
import { Redis } from "ioredis";
import type { AuthOptions } from "../auth";
import { createRedisBus, type RedisBus } from "../collab/redis-bus";
import type { DomainEventBus } from "../events";
import type { Logger } from "../log";
import { createEventChannel, type EventChannel } from "./events";
import { createSocketAdapter, type SocketAdapter } from "./socket-adapter";
import { memoryAccountLimits, REDIS_ATTEMPT, type AccountLimitStore } from "../sign-in-limit";

type SecondaryStorage = NonNullable<AuthOptions["secondaryStorage"]>;

export interface Scale {
  bus: RedisBus;
  /** Domain events between nodes (./events.ts). */
  events: EventChannel;
  /** socket.io's adapter between nodes (./socket-adapter.ts); closed by the realtime server that uses it. */
  socketAdapter: SocketAdapter;
  /** better-auth's secondary storage (rate limits) in Redis. */
  authStorage: SecondaryStorage;
  /** The per-account sign-in counters in Redis (counted on this node while Redis does not answer). */
  accountLimits: AccountLimitStore;
  /** "ok" when Redis answers within a second, else "unavailable". */
  redisHealth(): Promise<"ok" | "unavailable">;
  close(): Promise<void>;
}

export interface ScaleOptions {
  /** Key and channel prefix (default "overleg"). */
  prefix?: string;
}

const INCREMENT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;

export function createScale(redisUrl: string, log: Logger, domainEvents: DomainEventBus, options: ScaleOptions = {}): Scale {
  const prefix = options.prefix ?? "overleg";
  const scaleLog = log.child("scale");
  const bus = createRedisBus(redisUrl, log.child("collab-bus"), { prefix });
  const events = createEventChannel(redisUrl, domainEvents, log.child("events"), { prefix });
  // Fails fast while disconnected (no queue): sign-in must not hang on Redis.
  const kv = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  let kvDown = false;
  kv.on("error", (error: Error) => {
    if (!kvDown) scaleLog.warn("redis unavailable; sign-in attempts are counted on this node until it is back", { error: error.message });
    kvDown = true;
  });
  kv.on("ready", () => {
    if (kvDown) scaleLog.info("redis connected again");
    kvDown = false;
  });
  const key = (k: string) => `${prefix}:auth:${k}`;

  // Per-node counters used only while Redis does not answer, so a limit still holds on each node.
  const local = new Map<string, { n: number; expiresAt: number }>();
  function localIncrement(k: string, ttl: number): number {
    const now = Date.now();
    if (local.size > 10_000) for (const [name, e] of local) if (e.expiresAt <= now) local.delete(name);
    const entry = local.get(k);
    if (!entry || entry.expiresAt <= now) {
      local.set(k, { n: 1, expiresAt: now + ttl * 1000 });
      return 1;
    }
    return ++entry.n;
  }

  const authStorage: SecondaryStorage = {
    async get(k) {
      return kv.get(key(k));
    },
    async set(k, value, ttl) {
      if (ttl && ttl > 0) await kv.set(key(k), value, "EX", Math.ceil(ttl));
      else await kv.set(key(k), value);
    },
    async delete(k) {
      await kv.del(key(k));
    },
    async getAndDelete(k) {
      return kv.getdel(key(k));
    },
    async increment(k, ttl) {
      const seconds = Math.max(1, Math.ceil(ttl));
      try {
        return Number(await kv.eval(INCREMENT, 1, key(k), String(seconds)));
      } catch (error) {
        scaleLog.debug("rate-limit counter in redis unavailable; counted on this node", { error: String(error) });
        return localIncrement(k, seconds);
      }
    },
  };

  const localAccounts = memoryAccountLimits();
  const accountKey = (k: string) => `${prefix}:auth:sign-in-account:${k}`;
  const accountLimits: AccountLimitStore = {
    async attempt(k, rule, now) {
      try {
        const [allowed, retryAfterMs] = (await kv.eval(
          REDIS_ATTEMPT,
          1,
          accountKey(k),
          String(now),
          String(rule.after),
          String(rule.firstWaitMs),
          String(rule.maxWaitMs),
          String(rule.forgetAfterMs),
        )) as [number, number];
        return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs: Number(retryAfterMs) };
      } catch (error) {
        scaleLog.debug("per-account sign-in counter in redis unavailable; counted on this node", { error: String(error) });
        return localAccounts.attempt(k, rule, now);
      }
    },
    async reset(k) {
      await localAccounts.reset(k);
      await kv.del(accountKey(k)).catch(() => undefined);
    },
  };

  return {
    bus,
    events,
    socketAdapter: createSocketAdapter(redisUrl, log.child("realtime")),
    authStorage,
    accountLimits,
    async redisHealth() {
      if (!bus.connected() || kv.status !== "ready") return "unavailable";
      let timer: NodeJS.Timeout | undefined;
      try {
        const pong = await Promise.race([
          kv.ping(),
          new Promise<string>((resolve) => {
            timer = setTimeout(() => resolve("timeout"), 1000);
          }),
        ]);
        return pong === "PONG" ? "ok" : "unavailable";
      } catch {
        return "unavailable";
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      // The bus is closed by the collab server that uses it (collab.close()).
      await events.close();
      await kv.quit().catch(() => undefined);
      kv.disconnect();
    },
  };
}
