/**
 * The domain event channel between nodes (server/scale/events.ts) on a real Redis: an event emitted on
 * one node's bus arrives on the other's, marked as replayed there; a node does not receive its own;
 * events that are not forwarded, and messages that are not the channel's, change nothing.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainEventBus } from "../../server/events";
import { createLogger } from "../../server/log";
import { createEventChannel, type EventChannel } from "../../server/scale/events";
import { poll } from "../collab/helpers";
import { SHARED_REDIS_URL, skipReason, startOwnRedis } from "./support";

const reason = await skipReason();

describe.skipIf(reason !== null)(`the domain event channel${reason ? ` (${reason})` : ""}`, () => {
  const prefix = `test-${randomUUID()}`;
  const log = createLogger("silent");
  const a = new DomainEventBus();
  const b = new DomainEventBus();
  let channelA: EventChannel;
  let channelB: EventChannel;
  const seenA: string[] = [];
  const seenB: { userId: string; replaying: boolean }[] = [];

  beforeAll(async () => {
    channelA = createEventChannel(SHARED_REDIS_URL, a, log, { prefix });
    channelB = createEventChannel(SHARED_REDIS_URL, b, log, { prefix });
    await Promise.all([channelA.ready(), channelB.ready()]);
    a.on("person.revoked", ({ userId }) => void seenA.push(userId));
    b.on("person.revoked", ({ userId }) => void seenB.push({ userId, replaying: channelB.replaying() }));
  });
  afterAll(async () => {
    await channelA?.close();
    await channelB?.close();
  });

  it("carries an access event from one node to the other, once, marked as replayed there", async () => {
    a.emit("person.revoked", { userId: "u-1" });
    await poll(() => seenB.length === 1, "the event on node B");
    expect(seenB).toEqual([{ userId: "u-1", replaying: true }]);
    // Node A heard it once (its own emit), not again from Redis.
    expect(seenA).toEqual(["u-1"]);
    expect(channelB.replaying()).toBe(false);
  });

  it("ignores foreign messages and events it does not forward; the next real event still arrives", async () => {
    const seenThreads: string[] = [];
    b.on("thread.changed", ({ threadId }) => void seenThreads.push(threadId));
    const raw = new Redis(SHARED_REDIS_URL);
    try {
      await raw.publish(`${prefix}:events`, "not json");
      await raw.publish(`${prefix}:events`, JSON.stringify({ v: 1, node: "elsewhere", name: "thread.changed", payload: { threadId: "t" } }));
      await raw.publish(`${prefix}:events`, JSON.stringify({ v: 1, node: "elsewhere", name: "person.revoked", payload: null }));
    } finally {
      raw.disconnect();
    }
    a.emit("thread.changed", { workspaceId: "w", sectionId: "s", threadId: "t2" });
    a.emit("person.revoked", { userId: "u-2" });
    await poll(() => seenB.length === 2, "the second event on node B");
    expect(seenB.map((s) => s.userId)).toEqual(["u-1", "u-2"]);
    expect(seenThreads).toEqual([]);
  });
});

describe.skipIf(reason !== null)(`the channel's round trip and epoch, which the collab access cache relies on${reason ? ` (${reason})` : ""}`, () => {
  const log = createLogger("silent");

  it("has emitted every event another node published before its round trip once that round trip answers", async () => {
    const prefix = `test-${randomUUID()}`;
    const a = new DomainEventBus();
    const b = new DomainEventBus();
    const channelA = createEventChannel(SHARED_REDIS_URL, a, log, { prefix });
    const channelB = createEventChannel(SHARED_REDIS_URL, b, log, { prefix });
    try {
      await Promise.all([channelA.ready(), channelB.ready()]);
      const seen: string[] = [];
      b.on("membership.changed", ({ userId }) => void seen.push(userId));
      // Both connections of node A up (the first event arrives), then each event is followed at once by B's round trip.
      a.emit("membership.changed", { workspaceId: "w", userId: "warm-up", role: null });
      await poll(() => seen.includes("warm-up"), "the first event on node B");
      for (let i = 0; i < 20; i++) {
        a.emit("membership.changed", { workspaceId: "w", userId: `u-${i}`, role: null });
        expect(await channelB.barrier()).toBe(true);
        expect(seen).toContain(`u-${i}`);
      }
    } finally {
      await channelA.close();
      await channelB.close();
    }
  });

  it("is untrusted (no epoch, round trips answer false) while Redis is down, and under a new epoch once it is back", async () => {
    const redis = await startOwnRedis();
    const channel = createEventChannel(redis.url, new DomainEventBus(), log);
    try {
      await channel.ready();
      const first = channel.epoch();
      expect(first).not.toBeNull();
      expect(await channel.barrier()).toBe(true);
      await redis.stop();
      await poll(() => channel.epoch() === null, "the channel to notice that Redis is gone");
      expect(await channel.barrier()).toBe(false);
      await redis.start();
      await poll(() => channel.epoch() !== null, "the channel to be subscribed again", 15_000);
      expect(channel.epoch()).not.toBe(first);
      expect(await channel.barrier()).toBe(true);
    } finally {
      await channel.close();
      await redis.stop();
    }
  }, 40_000);
});
