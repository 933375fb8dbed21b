/**
 * A room's persistence: what of the section's log the room holds (seq, sizes), the order of its
 * storage work (appends and compactions of one room run one after the other: `exclusive`), folding
 * the log into a snapshot, and catching up with what other nodes logged.
 */
import * as Y from "yjs";
import type { Logger } from "../log";
import type { RoomBus } from "./fanout";
import type { StoredState, UpdateStore } from "./store";

/** The origin of updates that came from another node (or were read back from the log). */
export const REMOTE = Symbol("remote");

const noop = () => {};

export interface RoomStorageOptions {
  store: UpdateStore;
  log: Logger;
  bus: RoomBus;
  /** Fold the log into the snapshot after this many logged updates … */
  compactAfterUpdates: number;
  /** … or this many logged bytes. */
  compactAfterBytes: number;
}

export class RoomStorage {
  /** Highest log seq applied to the document. */
  seq = 0;
  snapshotBytes = 0;
  logRows = 0;
  logBytes = 0;
  private compactionQueued = false;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly sectionId: string,
    private readonly doc: Y.Doc,
    private readonly options: RoomStorageOptions,
  ) {}

  /** The stored state the document was built from: its sizes, and `seq` the highest applied. */
  counted(stored: StoredState, seq: number): void {
    this.seq = seq;
    this.snapshotBytes = stored.snapshot?.byteLength ?? 0;
    this.logRows = stored.updates.length;
    this.logBytes = stored.updates.reduce((n, u) => n + u.data.byteLength, 0);
  }

  /** `rows` updates of `bytes` in all were appended to the log with `seqs`. */
  appended(seqs: readonly number[], rows: number, bytes: number): void {
    this.logRows += rows;
    this.logBytes += bytes;
    for (const seq of seqs) this.seq = Math.max(this.seq, seq);
  }

  /** Bytes stored for the section (snapshot and log). */
  get storedBytes(): number {
    return this.snapshotBytes + this.logBytes;
  }

  /** Runs `fn` after the room's storage work queued before it. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.then(noop, noop);
    return run;
  }

  /** Resolves when the storage work queued so far is done; `more` says whether to wait again. */
  async settled(more: () => boolean): Promise<void> {
    let tail: Promise<unknown>;
    do {
      tail = this.tail;
      await tail;
    } while (tail !== this.tail || more());
  }

  /**
   * Whether to fold the log now: after `compactAfterUpdates` rows, or one row per KB of snapshot when
   * that is more (folding costs about the size of the document, so a large one is folded less often:
   * the same cost per update), or `compactAfterBytes` of log.
   */
  private needsCompaction(): boolean {
    const rows = Math.max(this.options.compactAfterUpdates, Math.floor(this.snapshotBytes / 1024));
    return this.logRows >= rows || (this.logRows > 1 && this.logBytes >= this.options.compactAfterBytes);
  }

  /** Queues a compaction when the log has grown enough (needsCompaction). */
  compactIfDue(): void {
    if (!this.needsCompaction() || this.compactionQueued) return;
    this.compactionQueued = true;
    void this.exclusive(async () => {
      this.compactionQueued = false;
      await this.compactNow().catch((error) =>
        this.options.log.error("compaction failed; the log is kept", { sectionId: this.sectionId, error: String(error) }),
      );
    });
  }

  /** Folds the log into a new snapshot (after the writes queued before it). */
  compact(): Promise<void> {
    return this.exclusive(() => this.compactNow());
  }

  private async compactNow(): Promise<void> {
    if (this.options.bus.solo) {
      // The only node: the document holds exactly the stored log up to `seq` (stored before applied,
      // nothing else writes), so its state is the new snapshot; the log is not read and applied again.
      if (this.logRows === 0) return;
      const state = Y.encodeStateAsUpdate(this.doc);
      const folded = await this.options.store.replaceSnapshot(this.sectionId, state, this.seq);
      if (!folded) return;
      this.options.log.debug("compacted", { sectionId: this.sectionId, upToSeq: this.seq, snapshotBytes: state.byteLength, foldedRows: this.logRows });
      this.snapshotBytes = state.byteLength;
      this.logRows = 0;
      this.logBytes = 0;
      return;
    }
    const result = await this.options.store.compact(this.sectionId);
    if (!result) return;
    this.snapshotBytes = result.snapshotBytes;
    this.logRows = Math.max(0, this.logRows - result.foldedRows);
    this.logBytes = Math.max(0, this.logBytes - result.foldedBytes);
    this.options.log.debug("compacted", { sectionId: this.sectionId, ...result });
  }

  /**
   * Applies what other nodes logged that this room has not seen (after the bus missed messages). Other
   * nodes' seqs interleave with this node's, so `seq` is no watermark of what was applied: the whole
   * snapshot and log are applied, in one transaction; Yjs skips what the document already has, and
   * the connections get only the difference.
   */
  async catchUp(): Promise<void> {
    await this.exclusive(async () => {
      const stored = await this.options.store.load(this.sectionId);
      this.doc.transact(() => {
        if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot, REMOTE);
        for (const u of stored.updates) Y.applyUpdate(this.doc, u.data, REMOTE);
      }, REMOTE);
      for (const u of stored.updates) if (u.seq > this.seq) this.seq = u.seq;
      this.seq = Math.max(this.seq, stored.upToSeq);
    });
  }
}
