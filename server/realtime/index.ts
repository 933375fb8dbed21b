/**
 * socket.io on the app's port, authenticated by the same session. (Interface fixed here;
 * implementation in this folder.)
 */
import type { Server as HttpServer } from "node:http";
import type { Services } from "../context";

export interface Realtime {
  close(): Promise<void>;
}

export function createRealtime(_services: Services, _httpServer: HttpServer): Realtime {
  return { async close() {} };
}
