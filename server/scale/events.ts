/**
 * The domain event channel between nodes (REDIS_URL set): the events of one node that change what
 * open connections elsewhere may do or see are published on one Redis pub/sub channel,
 * `<prefix>:events`, and emitted on every other node's DomainEventBus, so that their collab servers
 * and socket.io re-check their own connections.
 *
 * A message is JSON `{ "v": 1, "node": <id>, "name": <event>, "payload": {…} }`; a node drops its own,
 * and ignores (with a warning) names it does not forward and payloads that are not objects. While an
 * event from another node is emitted, `replaying()` is true: listeners that broadcast through the
 * socket.io adapter (which reaches every node already) leave such an event to the node it happened on.
 *
 * Delivery is at most once, like the socket.io adapter this replaces: the publisher queues while
 * Redis reconnects, and the periodic session watch re-checks every connection anyway.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { DomainEventBus, DomainEvents } from "../events";
import type { Logger } from "../log";

/**
 * The events forwarded: those that change what open connections may do or see. Events that only feed
 * socket.io broadcasts need no forwarding, since the adapter carries the broadcast itself.
 */
export const CROSS_NODE_EVENTS: readonly (keyof DomainEvents)[] = [
  "agenda.changed",
  "membership.changed",
  "person.revoked",
  "section.changed",
  "section.created",
  "section.deleted",
  "section.archived",
  "section.moved",
  "session.ended",
  "workspace.changed",
];

export interface EventChannel {
  /** True while an event that came from another node is being emitted here. */
  replaying(): boolean;
  /**
   * Null while the subscription is not confirmed (Redis down, reconnecting); else a number that
   * changes each time the subscriber lost its connection: events published meanwhile may be lost,
   * so what was remembered under an older number is not to be trusted (server/collab/access-cache.ts).
   */
  epoch(): number | null;
  /**
   * A round trip on the subscriber's connection: resolves true once every event Redis sent this node
   * before it has been emitted here (Redis answers in order on one connection), false when the
   * subscription is down or broke meanwhile.
   */
  barrier(): Promise<boolean>;
  /** Resolves once the subscription is confirmed by Redis (events published before may be missed). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface EventChannelOptions {
  /** Channel prefix (default "overleg"). */
  prefix?: string;
}

export function createEventChannel(redisUrl: string, events: DomainEventBus, log: Logger, options: EventChannelOptions = {}): EventChannel {
  const channel = `${options.prefix ?? "overleg"}:events`;
  const node = randomUUID();
  const pub = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const sub = pub.duplicate();
  for (const [name, client] of [["publisher", pub], ["subscriber", sub]] as const) {
    let down = false;
    client.on("error", (error: Error) => {
      if (!down) log.warn(`redis event ${name} unavailable; events reach other nodes once it is back`, { error: error.message });
      down = true;
    });
    client.on("ready", () => {
      if (down) log.info(`redis event ${name} connected again`);
      down = false;
    });
  }

  let replaying = false;
  let closed = false;
  const forwarded = new Set<string>(CROSS_NODE_EVENTS);

  const unsubscribe = CROSS_NODE_EVENTS.map((name) =>
    events.on(name, (payload) => {
      if (replaying || closed) return;
      pub.publish(channel, JSON.stringify({ v: 1, node, name, payload })).catch((error: unknown) => {
        log.warn("could not publish a domain event to the other nodes", { name, error: String(error) });
      });
    }),
  );

  sub.on("message", (from: string, text: string) => {
    if (from !== channel || closed) return;
    let message: { v?: unknown; node?: unknown; name?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      log.warn("ignored a malformed domain event from another node");
      return;
    }
    if (message.node === node) return;
    if (message.v !== 1 || typeof message.name !== "string" || !forwarded.has(message.name) || typeof message.payload !== "object" || message.payload === null) {
      log.warn("ignored an unknown domain event from another node", { name: String(message.name) });
      return;
    }
    replaying = true;
    try {
      events.emit(message.name as keyof DomainEvents, message.payload as DomainEvents[keyof DomainEvents]);
    } catch (error) {
      log.error("a listener failed on a domain event from another node", { name: message.name, error: String(error) });
    } finally {
      replaying = false;
    }
  });
  // Breaks of the subscriber's connection, and the count under which the subscription was last confirmed.
  let breaks = 0;
  let live: number | null = null;
  const lost = () => {
    breaks++;
    live = null;
  };
  sub.on("close", lost);
  sub.on("end", lost);
  const confirm = () => {
    const at = breaks;
    return sub.subscribe(channel).then(
      () => {
        if (breaks === at && !closed) live = at;
      },
      (error: unknown) => log.warn("could not subscribe to the domain event channel", { error: String(error) }),
    );
  };
  // After a reconnect (ioredis subscribes again by itself, unconfirmed): confirmed here before it counts.
  sub.on("ready", () => {
    if (live === null) void confirm();
  });
  const subscribed = confirm();

  return {
    replaying: () => replaying,
    epoch: () => live,
    async barrier() {
      const at = live;
      if (at === null || closed) return false;
      // Never held up by a connection that is breaking: without an answer within a second, false.
      let timer: NodeJS.Timeout | undefined;
      const answered = await Promise.race([
        sub.ping().then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 1000))),
      ]);
      clearTimeout(timer);
      return answered && live === at;
    },
    ready: () => subscribed,
    async close() {
      if (closed) return;
      closed = true;
      live = null;
      for (const off of unsubscribe) off();
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
