/**
 * The collab server: WebSocket `/collab/<sectionId>` speaking the y-websocket protocol.
 * (Interface fixed here; implementation in this folder.)
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Services } from "../context";

export interface CollabOptions {
  /** Milliseconds a document stays in memory after its last client left. */
  unloadAfterMs?: number;
}

export interface Collab {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every connection; documents are flushed first. */
  close(): Promise<void>;
}

export function createCollab(_services: Services, _options: CollabOptions = {}): Collab {
  return {
    handleUpgrade(_req, socket) {
      socket.destroy();
    },
    async close() {},
  };
}
