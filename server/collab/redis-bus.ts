/**
 * The RoomBus over Redis pub/sub (see fanout.ts for the contract): one channel per section loaded on
 * this node, `<prefix>:collab:<sectionId>`. Each message is one binary frame:
 *
 *   byte 0      format version (1)
 *   byte 1      kind: 0 update, 1 awareness, 2 resync (the sender missed publishing: catch up)
 *   bytes 2-17  the sending node's id (16 random bytes); a node drops frames carrying its own
 *   bytes 18-   the payload, exactly as the room published it
 *
 * Redis only carries messages; the update log in the database stays the source of truth. Whatever
 * may have been missed is caught up from the log (each room's `resync` handler):
 * - a room that just subscribed catches up once Redis confirmed the subscription, since another node
 *   may have appended between the room's load and that confirmation;
 * - when the subscriber connection comes back (Redis restarted, the network failed), every room here
 *   catches up after the channels are subscribed again;
 * - a publish that failed (the publisher was disconnected; it does not queue while offline) marks the
 *   section, and once the publisher is back a resync frame asks the other nodes to catch up on it.
 * So a Redis outage delays delivery between nodes; nothing is lost, as every update was stored first.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import type { Logger } from "../log";
import type { RoomBus, RoomBusHandlers, RoomMessage } from "./fanout";

const VERSION = 1;
const KIND = { update: 0, awareness: 1, resync: 2 } as const;
const HEADER = 18;

export interface RedisBusOptions {
  /** Channel prefix (default "overleg"). */
  prefix?: string;
  /** This node's id (16 bytes); random by default. */
  nodeId?: Uint8Array;
}

export interface RedisBus extends RoomBus {
  /** Whether both connections to Redis are up. */
  connected(): boolean;
}

/** Encodes one frame. */
export function encodeFrame(nodeId: Uint8Array, kind: keyof typeof KIND, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(HEADER + payload.byteLength);
  frame[0] = VERSION;
  frame[1] = KIND[kind];
  frame.set(nodeId, 2);
  frame.set(payload, HEADER);
  return frame;
}

/** Decodes one frame; null when it is not one of ours. */
export function decodeFrame(frame: Buffer): { kind: keyof typeof KIND; nodeId: Buffer; payload: Uint8Array } | null {
  if (frame.byteLength < HEADER || frame[0] !== VERSION) return null;
  const kind = (Object.keys(KIND) as (keyof typeof KIND)[]).find((k) => KIND[k] === frame[1]);
  if (!kind) return null;
  return { kind, nodeId: frame.subarray(2, HEADER), payload: new Uint8Array(frame.buffer, frame.byteOffset + HEADER, frame.byteLength - HEADER) };
}

export function createRedisBus(url: string, log: Logger, options: RedisBusOptions = {}): RedisBus {
  const prefix = options.prefix ?? "overleg";
  const nodeId = Buffer.from(options.nodeId ?? randomBytes(16));
  if (nodeId.byteLength !== 16) throw new Error("A node id has 16 bytes.");
  const channelOf = (sectionId: string) => `${prefix}:collab:${sectionId}`;

  // The publisher does not queue while disconnected: what it could not send is caught up from the log.
  const pub = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
  const sub = new Redis(url, { maxRetriesPerRequest: null, autoResubscribe: true });
  const subscribers = new Map<string, Set<RoomBusHandlers>>();
  /** Sections whose publish failed: the other nodes are told to catch up once the publisher is back. */
  const unpublished = new Set<string>();
  let closed = false;

  const down = { pub: false, sub: false };
  for (const [name, client] of [["pub", pub], ["sub", sub]] as const) {
    client.on("error", (error: Error) => {
      if (!down[name]) log.warn(`redis ${name === "pub" ? "publisher" : "subscriber"} unavailable; edits reach other nodes once it is back`, { error: error.message });
      down[name] = true;
    });
    client.on("close", () => {
      if (!closed) down[name] = true;
    });
  }

  pub.on("ready", () => {
    if (down.pub) log.info("redis publisher connected again");
    down.pub = false;
    for (const sectionId of [...unpublished]) {
      unpublished.delete(sectionId);
      send(sectionId, encodeFrame(nodeId, "resync", new Uint8Array(0)));
    }
  });

  sub.on("ready", () => {
    if (!down.sub) return;
    down.sub = false;
    log.info("redis subscriber connected again; loaded sections catch up from the database");
    const channels = [...subscribers.keys()].map(channelOf);
    // Subscribing again is harmless when autoResubscribe already did; the catch-up runs after it, so
    // nothing published from then on can fall between the two.
    void (channels.length ? sub.subscribe(...channels) : Promise.resolve())
      .then(() => {
        for (const handlers of subscribers.values()) for (const h of handlers) h.resync();
      })
      .catch((error: unknown) => log.warn("re-subscribing failed; the next reconnect retries", { error: String(error) }));
  });

  sub.on("messageBuffer", (channelBuffer: Buffer, message: Buffer) => {
    const channel = channelBuffer.toString();
    const sectionId = channel.slice(prefix.length + ":collab:".length);
    const handlers = subscribers.get(sectionId);
    if (!handlers || channel !== channelOf(sectionId)) return;
    const frame = decodeFrame(message);
    if (!frame) {
      log.warn("ignored a malformed collab frame from redis", { sectionId, bytes: message.byteLength });
      return;
    }
    if (frame.nodeId.equals(nodeId)) return; // our own
    for (const h of [...handlers]) {
      try {
        if (frame.kind === "resync") h.resync();
        else h.message({ kind: frame.kind, payload: frame.payload });
      } catch (error) {
        log.error("a room failed to apply a message from another node; it catches up from the database", { sectionId, error: String(error) });
        h.resync();
      }
    }
  });

  function send(sectionId: string, frame: Buffer) {
    if (closed) return;
    if (pub.status !== "ready") {
      unpublished.add(sectionId);
      return;
    }
    pub.publish(channelOf(sectionId), frame).catch((error: unknown) => {
      unpublished.add(sectionId);
      log.debug("publishing to redis failed; the other nodes catch up when it is back", { sectionId, error: String(error) });
    });
  }

  return {
    subscribe(sectionId, handlers) {
      let set = subscribers.get(sectionId);
      const first = !set;
      if (!set) {
        set = new Set();
        subscribers.set(sectionId, set);
      }
      set.add(handlers);
      const subscribed = first ? sub.subscribe(channelOf(sectionId)) : Promise.resolve();
      subscribed.then(
        () => {
          if (set.has(handlers) && !closed) handlers.resync();
        },
        (error: unknown) => log.warn("subscribing to a section's channel failed; retried when redis is back", { sectionId, error: String(error) }),
      );
      return () => {
        const current = subscribers.get(sectionId);
        if (!current?.delete(handlers) || current.size > 0) return;
        subscribers.delete(sectionId);
        if (!closed) sub.unsubscribe(channelOf(sectionId)).catch(() => undefined);
      };
    },

    publish(sectionId, message: RoomMessage) {
      send(sectionId, encodeFrame(nodeId, message.kind, message.payload));
    },

    connected: () => pub.status === "ready" && sub.status === "ready",

    async close() {
      if (closed) return;
      closed = true;
      subscribers.clear();
      await Promise.allSettled([pub.quit(), sub.quit()]);
      pub.disconnect();
      sub.disconnect();
    },
  };
}
