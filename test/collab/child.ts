/**
 * Starts test/support/child-server.ts as a separate process on an existing database, so a test can
 * kill it with SIGKILL and start it again.
 */
import type { CollabOptions } from "../../server/collab/index";
import { startChildServer as startChild, type ChildServer } from "../support/spawn";

export type { ChildServer };

export function startChildServer(databaseUrl: string, collab: CollabOptions = {}, timeoutMs = 30_000): Promise<ChildServer> {
  return startChild(databaseUrl, { OVERLEG_TEST_COLLAB: JSON.stringify(collab) }, timeoutMs);
}
