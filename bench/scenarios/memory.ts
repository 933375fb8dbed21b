/**
 * Many sections: M sections with one client each (synced, with an awareness state). Reports the
 * server's growth per section plus connection, in KB, each reading taken after a full garbage
 * collection in the server: of its resident memory (RSS: everything, but it moves with how far the
 * heap grew while connecting) and of its JS heap in use (what it keeps, steadier from run to run).
 */
import { awarenessUpdate, LiteClient, openAll } from "../lib/client";
import type { Running } from "../lib/servers";
import { round, sleep } from "../lib/stats";

export interface MemoryResult {
  sections: number;
  rssBeforeKb: number;
  rssAfterKb: number;
  kbPerSection: number;
  /** Growth of the JS heap in use (after a full collection), per section plus connection. */
  heapKbPerSection: number;
  /**
   * Growth of the heap V8 keeps committed after that collection, per section plus connection: part of
   * the RSS. Above the heap in use when the connections' work left pages partly empty (fragmentation).
   */
  heapCommittedKbPerSection: number;
  connectMs: number;
  serverCpuMs: number;
}

export async function runMemory(running: Running, sections: number): Promise<MemoryResult> {
  const clients: LiteClient[] = [];
  try {
    // One client on one section first, so the first-use allocations (code paths, caches) are not
    // counted per section.
    const warm = new LiteClient(running.target, running.doc(0));
    await warm.open();
    clients.push(warm);
    await sleep(1000);
    const heapBefore = await running.child.collectGarbage();
    const rssBeforeKb = running.child.rssKb();
    const cpu0 = running.child.cpuMs();
    const t0 = performance.now();
    for (let i = 0; i < sections; i++) clients.push(new LiteClient(running.target, running.doc(2 + i)));
    await openAll(clients.slice(1), 32);
    const connectMs = performance.now() - t0;
    for (const [i, c] of clients.entries()) c.sendAwareness(awarenessUpdate(2_000_000 + i, 1, JSON.stringify({ user: { name: `reader ${i}` } })));
    await sleep(2000);
    const heapAfter = await running.child.collectGarbage();
    const rssAfterKb = running.child.rssKb();
    return {
      sections,
      rssBeforeKb,
      rssAfterKb,
      kbPerSection: round((rssAfterKb - rssBeforeKb) / sections, 1),
      heapKbPerSection: round((heapAfter.used - heapBefore.used) / 1024 / sections, 1),
      heapCommittedKbPerSection: round((heapAfter.committed - heapBefore.committed) / 1024 / sections, 1),
      connectMs: round(connectMs, 0),
      serverCpuMs: round(running.child.cpuMs() - cpu0, 0),
    };
  } finally {
    for (const c of clients) c.close();
  }
}
