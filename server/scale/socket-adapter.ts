/**
 * socket.io's adapter between nodes when REDIS_URL is set: @socket.io/redis-adapter on a publisher and
 * a subscriber connection of its own. It carries room broadcasts, room changes and presence queries
 * (server/realtime/index.ts); a Redis outage delays them until it is back.
 */
import { createAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";
import type { Logger } from "../log";

export interface SocketAdapter {
  /** What `io.adapter(…)` takes. */
  adapter: ReturnType<typeof createAdapter>;
  /** Closes the adapter's Redis connections (after socket.io closed its adapter). */
  close(): Promise<void>;
}

export function createSocketAdapter(redisUrl: string, log: Logger): SocketAdapter {
  const pub = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const sub = pub.duplicate();
  for (const [name, client] of [["publisher", pub], ["subscriber", sub]] as const) {
    let down = false;
    client.on("error", (error: Error) => {
      if (!down) log.warn(`redis ${name} unavailable; events reach other nodes once it is back`, { error: error.message });
      down = true;
    });
    client.on("ready", () => {
      if (down) log.info(`redis ${name} connected again`);
      down = false;
    });
  }
  return {
    adapter: createAdapter(pub, sub, { key: "overleg:socket.io", requestsTimeout: 3000 }),
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
