/**
 * A room's awareness relay: cursors and who is here, coalesced and sent at a rate that does not grow
 * with the square of the room. The table of states itself is awareness.ts.
 */
import { AwarenessTable, type AwarenessChange, type AwarenessPeer } from "./awareness";
import type { Connection } from "./connection";
import type { RoomBus } from "./fanout";
import { awarenessFrame } from "./protocol";
import { corked, sendToOthers } from "./room-send";

/** Awareness (cursors) is relayed at most this often per room: 20 times a second … */
export const AWARENESS_INTERVAL_MS = 50;
/** … up to this many connections; in a larger room less often, so that the cursor traffic (every
 * change goes to everyone, and comes back from every stock provider as an echo) stops growing with
 * the square of the room: a plenary of 200 sees cursors move 5 times a second. */
const AWARENESS_FULL_RATE_CONNECTIONS = 50;
const AWARENESS_MAX_INTERVAL_MS = 250;

export function awarenessInterval(connections: number): number {
  return Math.min(AWARENESS_MAX_INTERVAL_MS, AWARENESS_INTERVAL_MS * Math.max(1, connections / AWARENESS_FULL_RATE_CONNECTIONS));
}

export class AwarenessRelay {
  /** Awareness client ids changed since the last relay, relayed together (flush). */
  private changed: Set<number> | null = null;
  private queued = false;
  private timer: NodeJS.Timeout | null = null;
  private sentAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly sectionId: string,
    private readonly table: AwarenessTable,
    private readonly connections: Set<Connection>,
    private readonly bus: RoomBus,
    /** Whether the room's write path will flush soon (it sends the due cursors after its updates). */
    private readonly writing: () => boolean,
  ) {}

  /** Changes are waiting and their interval has passed: the next flush of the write path sends them. */
  get due(): boolean {
    return this.queued && !this.timer;
  }

  /**
   * Relays awareness changes (cursors, who is here) at most every AWARENESS_INTERVAL_MS per room (less
   * often in a large room: awarenessInterval): a
   * change after a quiet spell goes out at once (with the updates being stored, if any: a cursor
   * usually points into the text just typed, so it follows it, in the same write); changes within the
   * interval are coalesced, each client id once in its latest state. The stock provider echoes every
   * awareness message it receives, so each frame saved here also saves one message from every reader.
   */
  relay(change: AwarenessChange): void {
    const changed = (this.changed ??= new Set());
    for (const id of change.clients) changed.add(id);
    if (this.queued) return;
    this.queued = true;
    const wait = this.sentAt + awarenessInterval(this.connections.size) - performance.now();
    if (wait > 0) {
      this.timer = setTimeout(() => this.flush(), wait);
      return;
    }
    if (this.writing()) return; // the write path's flush sends it after the updates
    setImmediate(() => this.flush());
  }

  /**
   * Sends the coalesced changes: one frame shared by everyone who owns none of the changed ids; an
   * owner gets the others' entries only (its own state never comes back to it). Each state is encoded
   * once; an owner's frame is the others' entries copied together.
   */
  flush(): void {
    if (!this.queued) return;
    this.queued = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.sentAt = performance.now();
    const ids = this.changed ? [...this.changed] : [];
    this.changed = null; // a quiet room keeps no set
    if (ids.length === 0) return;
    const entries = ids.map((id) => this.table.encodeEntry(id));
    const update = AwarenessTable.joinEntries(entries);
    // Entries grouped by the connection that owns them; entries no one owns (removals) go to all.
    const owned = new Map<AwarenessPeer, Uint8Array[]>();
    const common: Uint8Array[] = [];
    ids.forEach((id, i) => {
      const owner = this.table.ownerOf(id);
      const list = owner ? owned.get(owner) : common;
      if (list) list.push(entries[i]);
      else owned.set(owner!, [entries[i]]);
    });
    const owners = [...owned.keys()] as Connection[];
    const leaves = [...owned.values()];
    let frame: Uint8Array | null = null;
    const commonFrame = common.length ? awarenessFrame(AwarenessTable.joinEntries(common)) : null;
    corked(owners.length > 1 || commonFrame ? owners : null, () =>
      sendToOthers(
        this.connections,
        owners,
        (lo, hi) => awarenessFrame(AwarenessTable.joinEntries(leaves.slice(lo, hi).flat())),
        () => (frame ??= awarenessFrame(update)),
        (c, f) => c.send(f),
        commonFrame,
      ),
    );
    this.bus.publish(this.sectionId, { kind: "awareness", payload: update });
  }

  destroy(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
