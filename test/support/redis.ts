/**
 * The local Redis the multi-node tests share (REDIS_URL, or the machine's default), and whether it
 * answers: a suite that needs it skips with a reason instead of failing where no Redis runs.
 */
import { Redis } from "ioredis";

export const SHARED_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** Whether a Redis server answers PING at `url` (one try, at most about a second). */
export async function redisAnswers(url: string = SHARED_REDIS_URL): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
