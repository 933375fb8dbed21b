/**
 * Typing, typing with awareness echo, and the storm: W writers insert 10 characters every 100 ms
 * (each with a cursor update) while R readers watch; every receiver records each insert's latency
 * from the moment its writer sent it.
 */
import { LiteClient, openAll, scanMarkers, type Target } from "../lib/client";
import type { ServerChild } from "../lib/proc";
import { cpuMeter, Histogram, round, sleep } from "../lib/stats";
import * as Y from "yjs";
import type { SuggestionAuthor } from "../../app/shared/suggestions";
import { Writer, type Suggesting } from "../lib/writer";

export interface TypingOptions {
  readers: number;
  writers: number;
  durationMs: number;
  intervalMs: number;
  /** Every client re-sends each awareness update it receives (the stock y-websocket 3 provider). */
  echo: boolean;
  /** How long to wait for the last deliveries after the last insert. */
  drainTimeoutMs: number;
  /** The server client `i` connects to (writers are 0 … writers − 1, then the readers); default `target`. */
  targetOf?: (i: number) => Target;
  /** Called when the measured interval starts and when it ends (to meter other processes over it). */
  measured?: { start(): Promise<void>; stop(): Promise<void> };
  /**
   * The writers suggest (Overleg only): they connect as this commenter and type into paragraphs an
   * editor (the target's person) wrote before the run, each insert an insertion mark in their name,
   * so that the server runs its suggestion check (ADR 027) on every keystroke.
   */
  suggest?: { headers: Record<string, string>; author: SuggestionAuthor };
}

export interface TypingResult {
  clients: number;
  inserts: number;
  expected: number;
  delivered: number;
  lossPct: number;
  within10sPct: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  drainMs: number;
  serverCpuMs: number;
  serverCpuPct: number;
  /** Server CPU per keystroke (insert), in µs. */
  usPerInsert: number;
  rssKb: number;
  msgsInPerSec: number;
  msgsOutPerSec: number;
  usPerDelivered: number;
  ownEchoes: number;
  /** Clients the server closed during the run. */
  closedClients: number;
  generatorCpuPct: number;
  clientBound: boolean;
}

export async function runTyping(target: Target, docName: string, server: ServerChild, o: TypingOptions): Promise<TypingResult> {
  const perWriter = Math.floor(o.durationMs / o.intervalMs);
  const total = perWriter * o.writers;
  const sentAt = new Float64Array(total);
  const senderOf = new Int32Array(total).fill(-1);
  const hist = new Histogram();
  let delivered = 0;
  let within10s = 0;
  let ownEchoes = 0;
  let lastDelivery = 0;
  const clientCount = o.readers + o.writers;
  const seen: Uint8Array[] = [];

  const clients: LiteClient[] = [];
  const writers: Writer[] = [];
  const handlersFor = (index: number) => {
    const mine = new Uint8Array(total);
    seen.push(mine);
    return {
      onUpdate(update: Uint8Array) {
        const now = performance.now();
        scanMarkers(update, (id) => {
          if (id >= total || senderOf[id] < 0) return;
          if (senderOf[id] === index) {
            ownEchoes++;
            return;
          }
          if (mine[id]) return;
          mine[id] = 1;
          delivered++;
          const ms = now - sentAt[id];
          hist.record(ms);
          if (ms <= 10_000) within10s++;
          lastDelivery = now;
        });
      },
      onAwareness: o.echo
        ? (payload: Uint8Array) => {
            clientOf[index]?.sendAwareness(payload);
          }
        : undefined,
    };
  };
  const clientOf: LiteClient[] = [];
  const base = o.suggest ? await writeParagraphs(target, docName, o.writers) : null;
  for (let i = 0; i < o.writers; i++) {
    const suggesting: Suggesting | undefined = o.suggest && base ? { author: o.suggest.author, base, paragraph: i } : undefined;
    const server = o.targetOf?.(i) ?? target;
    const w = new Writer(o.suggest ? { ...server, headers: o.suggest.headers } : server, docName, handlersFor(i), suggesting);
    writers.push(w);
    clients.push(w.client);
    clientOf[i] = w.client;
  }
  for (let i = 0; i < o.readers; i++) {
    const c = new LiteClient(o.targetOf?.(o.writers + i) ?? target, docName, handlersFor(o.writers + i));
    clients.push(c);
    clientOf[o.writers + i] = c;
  }

  try {
    await openAll(clients);
    for (const w of writers) w.start();
    await sleep(500);
    const received0 = clients.reduce((n, c) => n + c.messagesReceived, 0);
    const sent0 = clients.reduce((n, c) => n + c.messagesSent, 0);
    await o.measured?.start();
    const cpu0 = server.cpuMs();
    let rssKb = server.rssKb();
    const rssTimer = setInterval(() => {
      rssKb = Math.max(rssKb, server.rssKb());
    }, 250);
    const meter = cpuMeter();
    const t0 = performance.now();
    let nextId = 0;
    let lastSend = t0;
    await Promise.all(
      writers.map(
        (w, index) =>
          new Promise<void>((done) => {
            let count = 0;
            const tick = () => {
              if (count >= perWriter) {
                clearInterval(timer);
                return done();
              }
              count++;
              const id = nextId++;
              senderOf[id] = index;
              sentAt[id] = performance.now();
              lastSend = sentAt[id];
              w.type(id);
            };
            let timer: NodeJS.Timeout | undefined;
            setTimeout(() => {
              tick();
              timer = setInterval(tick, o.intervalMs);
            }, Math.random() * o.intervalMs);
          }),
      ),
    );
    const expected = nextId * (clientCount - 1);
    const drainEnd = performance.now() + o.drainTimeoutMs;
    while (delivered < expected && performance.now() < drainEnd) await sleep(20);
    const t1 = performance.now();
    clearInterval(rssTimer);
    const gen = meter();
    const serverCpuMs = server.cpuMs() - cpu0;
    await o.measured?.stop();
    const wallS = (t1 - t0) / 1000;
    const received = clients.reduce((n, c) => n + c.messagesReceived, 0) - received0;
    const sent = clients.reduce((n, c) => n + c.messagesSent, 0) - sent0;
    return {
      clients: clientCount,
      inserts: nextId,
      expected,
      delivered,
      lossPct: round(expected ? ((expected - delivered) / expected) * 100 : 0, 3),
      within10sPct: round(expected ? (within10s / expected) * 100 : 0, 2),
      p50: round(hist.percentile(50)),
      p95: round(hist.percentile(95)),
      p99: round(hist.percentile(99)),
      max: round(hist.max),
      drainMs: round(delivered === expected ? Math.max(0, lastDelivery - lastSend) : t1 - lastSend, 0),
      serverCpuMs: round(serverCpuMs, 0),
      serverCpuPct: round((serverCpuMs / (t1 - t0)) * 100, 1),
      usPerInsert: round(nextId ? (serverCpuMs * 1000) / nextId : Number.NaN, 1),
      rssKb,
      msgsInPerSec: round(received / wallS, 0),
      msgsOutPerSec: round(sent / wallS, 0),
      usPerDelivered: round(delivered ? (serverCpuMs * 1000) / delivered : Number.NaN, 2),
      ownEchoes,
      closedClients: clients.filter((c) => c.closed).length,
      generatorCpuPct: round(gen.pctOfCore, 1),
      clientBound: gen.pctOfCore > 80,
    };
  } finally {
    for (const w of writers) w.destroy();
    for (const c of clients) c.close();
    await sleep(200);
  }
}

/**
 * An editor (the target's person) writes `count` paragraphs into the section, one for each suggesting
 * writer, and the server has stored them (its answer to a second client's sync holds them) before the
 * writers open. Returns the update, which each writer applies to its own document.
 */
async function writeParagraphs(target: Target, docName: string, count: number): Promise<Uint8Array> {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment("default");
  fragment.insert(
    0,
    Array.from({ length: count }, (_, i) => {
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText(`Schrijver ${i}: `)]);
      return paragraph;
    }),
  );
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  const editor = new LiteClient(target, docName, {});
  await openAll([editor]);
  editor.sendUpdate(update);
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      const probe = new Y.Doc();
      const check = new LiteClient(target, docName, { onUpdate: (u) => Y.applyUpdate(probe, u) });
      await openAll([check]); // resolves after the server's answer, which the probe applied
      check.close();
      const stored = probe.getXmlFragment("default").length >= count;
      probe.destroy();
      if (stored) return update;
      await sleep(50);
    }
    throw new Error("the editor's paragraphs did not reach the server");
  } finally {
    editor.close();
  }
}
