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
/** How long the load waits at most for the waiting clients' first messages. */
const FIRST_MESSAGE_WAIT_MS = 25;
/** How long the decode waits at most for those answers to leave. */
const EARLY_ANSWER_WAIT_MS = 2000;

/** A sync step 1 whose state vector is empty: a client that holds nothing of the section yet. */
const isEmptySyncStep1 = (m: Uint8Array) => m.byteLength === 4 && m[0] === 0 && m[1] === 0 && m[2] === 1 && m[3] === 0;

/** The stored state as one update when it is stored as one (a snapshot alone, or a single log row). */
export function wholeState(stored: StoredState): Uint8Array | null {
  if (stored.snapshot && stored.updates.length === 0) return stored.snapshot;
  if (!stored.snapshot && stored.updates.length === 1) return stored.updates[0].data;
  return null;
}

/**
 * Decoding a large section takes a while (figures in ADR 006), and a client that holds
 * nothing (its sync step 1 has an empty state vector) needs no decoded document: the stored state,
 * when it is a single update, is the whole answer. Such clients get it before the decode, and the
 * decode waits (briefly) until those frames have left, so they hold the text while the server is
 * still decoding. Their sync step 1 is then answered and leaves their queue; everything else they
 * sent waits for the document as usual. The answer is exactly what the decoded document will be:
 * nothing is applied to a room before it has loaded.
 */
export async function answerEarly(room: Room, whole: Uint8Array, waiting: Set<Connection>): Promise<void> {
  // A client sends its sync step 1 as soon as it is connected: wait (briefly) until each has sent something.
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      room.onQueued = null;
      resolve();
    };
    const timer = setTimeout(done, FIRST_MESSAGE_WAIT_MS);
    room.onQueued = () => {
      for (const c of waiting) if (c.waitingForFirstMessage) return;
      done();
    };
    room.onQueued();
  });
  let frame: Uint8Array | null = null;
  const sent: Promise<void>[] = [];
  for (const c of waiting) {
    if (!c.takeQueued(isEmptySyncStep1)) continue;
    sent.push(c.sendAndWait((frame ??= syncStep2Frame(whole))));
  }
  if (sent.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(sent), new Promise<void>((resolve) => (timer = setTimeout(resolve, EARLY_ANSWER_WAIT_MS)))]);
  clearTimeout(timer);
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
