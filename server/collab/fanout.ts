/**
 * How a room reaches the clients of the same section on other nodes. One node needs nothing (the
 * default); with several nodes an implementation over Redis pub/sub (one channel per loaded section)
 * plugs in here. Contract:
 * - a room publishes only what it accepted and stored (updates) or relayed (awareness), once per
 *   message, already encoded;
 * - an implementation never delivers a node's own messages back to it;
 * - a room that may have missed messages (the bus reconnected) calls its `resync` handler, which
 *   catches up from the update log, the source of truth.
 */
export interface RoomMessage {
  kind: "update" | "awareness";
  /** A Yjs update, or a y-protocols awareness update. */
  payload: Uint8Array;
}

export interface RoomBusHandlers {
  message(message: RoomMessage): void;
  /** Messages may have been missed (e.g. the bus reconnected): catch up from the database. */
  resync(): void;
}

export interface RoomBus {
  /**
   * True when this node is the only one writing sections (no other nodes): a loaded room's document
   * then holds exactly what is stored, and compaction may write it as the snapshot directly.
   */
  readonly solo?: boolean;
  /** Starts receiving the section's messages from other nodes; returns the unsubscribe function. */
  subscribe(sectionId: string, handlers: RoomBusHandlers): () => void;
  publish(sectionId: string, message: RoomMessage): void;
  close(): Promise<void>;
}

/** One node: nothing to fan out. */
export const localBus: RoomBus = {
  solo: true,
  subscribe: () => () => {},
  publish: () => {},
  close: async () => {},
};
