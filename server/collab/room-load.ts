/**
 * The two special steps of loading a room: answering clients that hold nothing before the document is
 * decoded (answerEarly), and repairing a text stored outside the editor's schema (repairOnLoad).
 */
import * as Y from "yjs";
import type { Connection } from "./connection";
import type { Room, RoomOptions } from "./room";
import type { RoomStorage } from "./room-storage";
import { SERVER } from "./room-writes";
import { syncStep2Frame } from "./protocol";
import type { StoredState, UpdateStore } from "./store";

/** Stored states from this size on are sent to clients that hold nothing before they are decoded. */
export const EARLY_ANSWER_BYTES = 64 * 1024;
/**
 * The decode waits until newcomers stop arriving: this long after the last early answer left (or the
 * last connection began to wait) …
 */
const QUIET_MS = 300;
/** … but never longer than this after the stored state was read. */
const EARLY_PHASE_MAX_MS = 2000;

/** A sync step 1 whose state vector is empty: a client that holds nothing of the section yet. */
const isEmptySyncStep1 = (m: Uint8Array) => m.byteLength === 4 && m[0] === 0 && m[1] === 0 && m[2] === 1 && m[3] === 0;
/**
 * What only the decoded document can answer: a sync message other than an empty sync step 1 (a
 * reconnecting client's state vector, its changes). Awareness waits in the queue without it.
 */
const needsDocument = (m: Uint8Array) => m[0] === 0 && !isEmptySyncStep1(m);

/** The stored state as one update when it is stored as one (a snapshot alone, or a single log row). */
export function wholeState(stored: StoredState): Uint8Array | null {
  if (stored.snapshot && stored.updates.length === 0) return stored.snapshot;
  if (!stored.snapshot && stored.updates.length === 1) return stored.updates[0].data;
  return null;
}

/**
 * Decoding a large section takes a while (figures in ADR 006; it holds the whole process), and a
 * client that holds nothing (its sync step 1 has an empty state vector) needs no decoded document: the
 * stored state, when it is a single update, is the whole answer. While newcomers keep arriving (a
 * meeting opens the section, colleagues follow the first one in), each gets it as soon as it asks,
 * and the decode waits: until QUIET_MS after the last answer left and every waiting client has said
 * what it holds (a stock client sends its sync step 1 as soon as it is connected), at most
 * EARLY_PHASE_MAX_MS, or at once when a waiting client sends what only the document can answer
 * (a change, a reconnecting client's state vector). Answered sync steps 1 leave the queues;
 * everything else the clients sent waits for the document as usual. The answer is exactly what the
 * decoded document will be: nothing is applied to a room before it has loaded.
 */
export async function answerEarly(room: Room, whole: Uint8Array, waiting: Set<Connection>): Promise<void> {
  const startedAt = performance.now();
  let frame: Uint8Array | null = null;
  let inFlight = 0;
  await new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      room.onQueued = null;
      resolve();
    };
    const quietLater = () => {
      clearTimeout(timer);
      const left = Math.max(0, EARLY_PHASE_MAX_MS - (performance.now() - startedAt));
      // Answers still leaving, or a newcomer that has not asked yet: only the bound ends the wait.
      let busy = inFlight > 0;
      for (const c of waiting) if (c.waitingForFirstMessage) busy = true;
      timer = setTimeout(finish, busy ? left : Math.min(QUIET_MS, left));
    };
    const look = () => {
      if (done) return;
      if (performance.now() - startedAt >= EARLY_PHASE_MAX_MS) return finish();
      for (const c of waiting) {
        if (c.hasQueued(needsDocument)) return finish();
        if (!c.takeQueued(isEmptySyncStep1)) continue;
        inFlight++;
        void c.sendAndWait((frame ??= syncStep2Frame(whole))).then(() => {
          inFlight--;
          if (!done) quietLater();
        });
      }
      quietLater();
    };
    room.onQueued = look;
    look();
  });
}

/**
 * Repairs a text stored outside the editor's schema (UpdateStore.repairOutsideSchema: once, under
 * the section's log lock, keeping the text as it was in a version) and applies the state read under
 * that lock, which holds the repair whichever node made it. Stored before it is applied, and applied
 * before any connection is attached: every client syncs the repaired text. When the repair cannot be
 * made (storage failed, the section is final), the room opens as it is (readers show placeholders).
 */
export async function repairOnLoad(room: Room, storage: RoomStorage, options: RoomOptions, problem: string): Promise<void> {
  const { sectionId, doc } = room;
  let result: Awaited<ReturnType<UpdateStore["repairOutsideSchema"]>>;
  try {
    result = await options.store.repairOutsideSchema(sectionId);
  } catch (error) {
    options.log.error("a section outside the editor's schema could not be repaired; opened as it is", {
      sectionId,
      problem: problem.slice(0, 200),
      error: String(error),
    });
    return;
  }
  const { stored, repair, locked } = result;
  doc.transact(() => {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot, SERVER);
    for (const u of stored.updates) Y.applyUpdate(doc, u.data, SERVER);
  }, SERVER);
  storage.counted(stored, stored.updates.reduce((max, u) => Math.max(max, u.seq), Math.max(storage.seq, stored.upToSeq)));
  if (repair) {
    options.log.warn("section stored outside the editor's schema repaired; its text before is kept as a version", {
      sectionId,
      versionId: repair.versionId,
      repaired: repair.repaired,
      bytes: repair.update.byteLength,
    });
    // Nodes that have the room loaded get it like any other change.
    options.bus.publish(sectionId, { kind: "update", payload: repair.update });
    options.onStored?.(room, [repair.update]);
  } else if (locked) {
    options.log.warn("section outside the editor's schema not repaired: it is final", { sectionId, problem: problem.slice(0, 200) });
  }
}
