/**
 * How a room sends one tick's changes to its connections: every change once to everyone who did not
 * send it, never a sender's own part back to it, each frame encoded once however many get it, and the
 * sockets corked so that what one reader gets in a tick leaves in one write (ADRs 006, 007).
 */
import * as Y from "yjs";
import type { Connection } from "./connection";
import { updateFrame } from "./protocol";

/** One tick's accepted updates; `claims`, the client ids an update uses first (ADR 028). */
/**
 * One tick's accepted updates; `claims`, the client ids an update uses first (ADR 028); `repair`, the
 * server's own change set right after its connection's update (suggestion-check.ts): sent to everyone,
 * that connection too.
 */
export type Batch = { connection: Connection; update: Uint8Array; claims?: { clientId: number; existing: boolean }[]; repair?: true }[];

/** The sender of the server's own changes in a tick (no connection: everyone gets them). */
const SERVER_PART = Symbol("server part");

/** Runs `send` with the sockets of `connections` corked: what it sends to one of them leaves in one write. */
export function corked(connections: Iterable<Connection> | null, send: () => void): void {
  if (!connections) return send();
  const sockets = [...connections]; // a connection closed meanwhile is still uncorked
  for (const c of sockets) c.cork();
  try {
    send();
  } finally {
    for (const c of sockets) c.uncork();
  }
}

/**
 * Sends a tick's merged update to everyone who sent nothing in it (one frame for all); a sender gets
 * the others' updates of the tick, never its own back (applying a duplicate costs a client far more
 * than a fresh update). When many connections sent in the same tick (a storm), the senders are the
 * leaves of a balanced tree whose nodes are merged and encoded once: each sender gets the log2(k)
 * subtrees beside its own path, not k - 1 frames.
 */
export function sendTick(connections: Set<Connection>, merged: Uint8Array, batch: Batch): void {
  if (connections.size === 0) return;
  const bySender = new Map<Connection | typeof SERVER_PART, Uint8Array[]>();
  for (const b of batch) {
    const sender = b.repair ? SERVER_PART : b.connection;
    const list = bySender.get(sender);
    if (list) list.push(b.update);
    else bySender.set(sender, [b.update]);
  }
  const leaves = [...bySender.values()].map((u) => (u.length === 1 ? u[0] : Y.mergeUpdates(u)));
  const merges = new Map<string, Uint8Array>();
  const updateOf = (lo: number, hi: number): Uint8Array => {
    if (hi - lo === 1) return leaves[lo];
    const key = `${lo}:${hi}`;
    let u = merges.get(key);
    if (!u) {
      const mid = (lo + hi) >> 1;
      merges.set(key, (u = Y.mergeUpdates([updateOf(lo, mid), updateOf(mid, hi)])));
    }
    return u;
  };
  let frame: Uint8Array | null = null;
  sendToOthers<Connection | typeof SERVER_PART>(connections, [...bySender.keys()], (lo, hi) => updateFrame(updateOf(lo, hi)), () => (frame ??= updateFrame(merged)), (c, f) => {
    if (c !== SERVER_PART) c.send(f);
  });
}

/**
 * Sends each of `senders` what the others sent, never its own part back, and everyone else all of it.
 * The senders are the leaves of a balanced tree: sender i gets the log2(k) subtrees beside its path,
 * each built and encoded once (`part(lo, hi)` covers senders lo..hi-1) and shared, so a storm of k
 * senders costs O(k log k) encoding, not O(k²). `extra` (if any) goes to every sender too.
 */
export function sendToOthers<C>(
  everyone: Iterable<C>,
  senders: C[],
  part: (lo: number, hi: number) => Uint8Array,
  whole: () => Uint8Array,
  send: (to: C, frame: Uint8Array) => void,
  extra: Uint8Array | null = null,
): void {
  const index = new Map(senders.map((c, i) => [c, i]));
  const parts = new Map<string, Uint8Array>();
  const partOf = (lo: number, hi: number) => {
    const key = `${lo}:${hi}`;
    let frame = parts.get(key);
    if (!frame) parts.set(key, (frame = part(lo, hi)));
    return frame;
  };
  for (const c of everyone) {
    const i = index.get(c);
    if (i === undefined) {
      send(c, whole());
      continue;
    }
    if (extra) send(c, extra);
    let lo = 0;
    let hi = senders.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (i < mid) {
        send(c, partOf(mid, hi));
        hi = mid;
      } else {
        send(c, partOf(lo, mid));
        lo = mid;
      }
    }
  }
}
