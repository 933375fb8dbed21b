/**
 * Cold load and reconnect. A large section is persisted (Overleg: sent by a client, stored in its
 * update log, the server stopped and started again on the same database; the peers fetch it from a
 * file when the document is first opened, their persistence contract) and then:
 * 1. one new client connects: the time until it holds the whole content, and whether the server said
 *    "synced" (sync step 2) before the content was there; then, as soon as it does, a second new client
 *    (a colleague opening the same section): its time too;
 * 2. `reconnect` clients that already hold the document reconnect at once, as stock providers do
 *    (sync step 1 with their state vector, their answer to the server's step 1, an awareness state):
 *    the time until all are synced, server CPU, and the bytes they upload and download.
 */
import * as Y from "yjs";
import { awarenessUpdate, LiteClient, openAll, type ServerKind } from "../lib/client";
import { startTarget, type Running } from "../lib/servers";
import { round, sleep } from "../lib/stats";

export interface ColdResult {
  docBytes: number;
  loadMs: number;
  syncedBeforeContent: boolean;
  loadServerCpuMs: number;
  /** The second new client, connecting as soon as the first holds the content: until it holds it too. */
  secondMs: number;
  reconnectClients: number;
  reconnectMs: number;
  reconnectServerCpuMs: number;
  uploadedBytes: number;
  downloadedBytes: number;
  rssKb: number;
}

/** Opens one client and resolves when it has received `bytes` of updates (bounded). */
async function holdAll(running: Running, doc: string, bytes: number, timeoutMs = 60_000): Promise<{ ms: number; early: boolean; client: LiteClient }> {
  let got = 0;
  let early = false;
  let full: () => void = () => {};
  const done = new Promise<void>((r) => (full = r));
  const client = new LiteClient(running.target, doc, {
    onUpdate(update, step2) {
      got += update.byteLength;
      if (step2 && got < bytes * 0.99) early = true;
      if (got >= bytes * 0.99) full();
    },
  });
  const t0 = performance.now();
  await client.open(timeoutMs);
  await Promise.race([done, sleep(timeoutMs).then(() => Promise.reject(new Error(`the content did not arrive within ${timeoutMs} ms`)))]);
  return { ms: performance.now() - t0, early, client };
}

export async function runCold(
  kind: ServerKind,
  update: Uint8Array,
  coldFile: string,
  options: { sections: number; reconnect: number; cpuProfDir?: string },
): Promise<ColdResult> {
  const slot = 1;
  let running: Running;
  if (kind === "overleg") {
    const first = await startTarget(kind, { sections: options.sections });
    try {
      const writer = new LiteClient(first.target, first.doc(slot));
      await writer.open();
      writer.sendUpdate(update);
      const check = await holdAll(first, first.doc(slot), update.byteLength);
      check.client.close();
      writer.close();
    } finally {
      await first.child.stop(); // graceful: every accepted update is stored
    }
    running = await startTarget(kind, { sections: options.sections, databaseUrl: first.databaseUrl, cpuProfDir: options.cpuProfDir });
  } else {
    running = await startTarget(kind, { sections: options.sections, coldDoc: "bench-section-1", coldFile, cpuProfDir: options.cpuProfDir });
  }
  const clients: LiteClient[] = [];
  try {
    await sleep(300);
    const cpu0 = running.child.cpuMs();
    const loaded = await holdAll(running, running.doc(slot), update.byteLength);
    clients.push(loaded.client);
    const loadServerCpuMs = running.child.cpuMs() - cpu0;
    const second = await holdAll(running, running.doc(slot), update.byteLength);
    clients.push(second.client);

    // The reconnecting clients hold the whole document.
    const doc = new Y.Doc();
    Y.applyUpdate(doc, update);
    const stateVector = Y.encodeStateVector(doc);
    const replies = new Map<string, Uint8Array>();
    const step2Reply = (serverSv: Uint8Array) => {
      const key = Buffer.from(serverSv).toString("base64");
      let reply = replies.get(key);
      if (!reply) replies.set(key, (reply = Y.encodeStateAsUpdate(doc, serverSv)));
      return reply;
    };
    step2Reply(stateVector);
    const reconnecting: LiteClient[] = [];
    for (let i = 0; i < options.reconnect; i++) {
      const c = new LiteClient(running.target, running.doc(slot));
      c.stateVector = stateVector;
      c.step2Reply = step2Reply;
      reconnecting.push(c);
    }
    await sleep(300);
    const cpu1 = running.child.cpuMs();
    const t0 = performance.now();
    await openAll(reconnecting, options.reconnect, 120_000);
    for (const [i, c] of reconnecting.entries()) c.sendAwareness(awarenessUpdate(1_000_000 + i, 1, JSON.stringify({ user: { name: `reader ${i}` } })));
    const reconnectMs = performance.now() - t0;
    await sleep(500); // let the answers to the server's sync step 1 arrive (they count as upload)
    const reconnectServerCpuMs = running.child.cpuMs() - cpu1;
    clients.push(...reconnecting);
    doc.destroy();
    return {
      docBytes: update.byteLength,
      loadMs: round(loaded.ms, 0),
      syncedBeforeContent: loaded.early,
      loadServerCpuMs: round(loadServerCpuMs, 0),
      secondMs: round(second.ms, 0),
      reconnectClients: options.reconnect,
      reconnectMs: round(reconnectMs, 0),
      reconnectServerCpuMs: round(reconnectServerCpuMs, 0),
      uploadedBytes: reconnecting.reduce((n, c) => n + c.bytesSent, 0),
      downloadedBytes: reconnecting.reduce((n, c) => n + c.bytesReceived, 0),
      rssKb: running.child.rssKb(),
    };
  } finally {
    for (const c of clients) c.close();
    await running.child.stop();
  }
}
