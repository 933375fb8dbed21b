/**
 * Clients for the collab tests: the stock y-websocket `WebsocketProvider` (in Node, on `ws`, with the
 * session's headers), and a raw WebSocket client for hand-crafted messages. Messages are built here
 * with y-protocols and lib0 directly, independently of the server's own encoders.
 */
import { eq } from "drizzle-orm";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import WebSocket from "ws";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { FRAGMENT } from "../../app/shared/editor-extensions";
import { DEMO_PASSWORD } from "../../server/seed/content";
import { toProseMirror } from "../../server/document";
import type { TestServer } from "../support/server";

// Every stock provider in Node listens to the process's "exit"; tests open many.
process.setMaxListeners(100);

export const wsUrl = (httpUrl: string) => `${httpUrl.replace(/^http/, "ws")}/collab`;

/** A WebSocket class that sends these headers (Node clients cannot rely on a browser's cookies). */
export function webSocketWith(headers: Record<string, string>): new (url: string | URL, protocols?: string | string[]) => WebSocket {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  };
}

/** Signs in over HTTP at `url`; the Cookie header value (no Origin: a program, not a browser). */
export async function signInAt(url: string, email: string): Promise<{ cookie: string; token: string }> {
  const res = await fetch(`${url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  return { cookie, token: res.headers.get("set-auth-token") ?? "" };
}

export interface ProviderClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Close codes the server sent, in order. */
  closes: number[];
  /** Permission-denied reasons the server sent, in order. */
  denied: string[];
  destroy(): void;
}

/** The stock provider, exactly as a browser would use it, with the session's headers. */
export function connectProvider(httpUrl: string, sectionId: string, headers: Record<string, string>): ProviderClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(wsUrl(httpUrl), sectionId, doc, {
    WebSocketPolyfill: webSocketWith(headers) as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 300,
  });
  const closes: number[] = [];
  const denied: string[] = [];
  provider.on("connection-close", (event) => {
    if (event) closes.push(event.code);
  });
  // Keep the stock handler's behaviour (it only logs) but record the reason.
  provider.messageHandlers[2] = (_encoder, decoder) => {
    if (decoding.readVarUint(decoder) === 0) denied.push(decoding.readVarString(decoder));
  };
  return {
    doc,
    provider,
    closes,
    denied,
    destroy() {
      provider.destroy();
      provider.awareness.destroy();
      doc.destroy();
    },
  };
}

/** Resolves once `check()` holds, re-checking on every change `subscribe` reports; rejects after `ms`. */
export function until(
  subscribe: (onChange: () => void) => () => void,
  check: () => boolean,
  what: string,
  ms = 5000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let off = () => {};
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const test = () => {
      let ok = false;
      try {
        ok = check();
      } catch {
        ok = false;
      }
      if (ok) {
        clearTimeout(timer);
        off();
        resolve();
      }
    };
    off = subscribe(test);
    test();
  });
}

/** Re-checks `check` every 20 ms until it holds (for state with no event to wait on); bounded. */
export function poll(check: () => boolean, what: string, ms = 5000): Promise<void> {
  return until((fn) => {
    const timer = setInterval(fn, 20);
    return () => clearInterval(timer);
  }, check, what, ms);
}

/** Like poll, for a check that has to ask the database. */
export async function pollAsync(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const onDocUpdate = (doc: Y.Doc) => (fn: () => void) => {
  doc.on("update", fn);
  return () => doc.off("update", fn);
};

export function synced(client: ProviderClient, ms = 5000): Promise<void> {
  return until(
    (fn) => {
      client.provider.on("sync", fn);
      return () => client.provider.off("sync", fn);
    },
    () => client.provider.synced,
    "the provider to sync",
    ms,
  );
}

/** Waits until the doc's text contains every one of `words`. */
export function hasAll(doc: Y.Doc, words: string[], what: string, ms = 5000): Promise<void> {
  return until(onDocUpdate(doc), () => {
    const text = textOf(doc);
    return words.every((w) => text.includes(w));
  }, what, ms);
}

/** The section text (one line per block) as the editor schema reads it. */
export function textOf(doc: Y.Doc): string {
  const lines: string[] = [];
  toProseMirror(doc).forEach((node) => lines.push(node.textContent));
  return lines.join("\n");
}

/** Appends a paragraph to the tiptap fragment, as the editor would. */
export function appendParagraph(doc: Y.Doc, text: string): void {
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText(text)]);
  doc.getXmlFragment(FRAGMENT).push([paragraph]);
}

/** A Yjs update that appends a paragraph to a document built from `base` (a state update). */
export function paragraphUpdate(base: Uint8Array | null, text: string): Uint8Array {
  const doc = new Y.Doc();
  if (base) Y.applyUpdate(doc, base);
  const before = Y.encodeStateVector(doc);
  appendParagraph(doc, text);
  const update = Y.encodeStateAsUpdate(doc, before);
  doc.destroy();
  return update;
}

// ── hand-crafted messages ─────────────────────────────────────────────────────────────────────────
export const msg = {
  syncStep1(stateVector: Uint8Array = Y.encodeStateVector(new Y.Doc())): Uint8Array {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1);
    encoding.writeVarUint8Array(e, stateVector);
    return encoding.toUint8Array(e);
  },
  syncStep2(update: Uint8Array): Uint8Array {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
    encoding.writeVarUint8Array(e, update);
    return encoding.toUint8Array(e);
  },
  update(update: Uint8Array): Uint8Array {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, syncProtocol.messageYjsUpdate);
    encoding.writeVarUint8Array(e, update);
    return encoding.toUint8Array(e);
  },
  /** An awareness message with these raw entries. */
  awareness(entries: { clientId: number; clock: number; state: unknown }[]): Uint8Array {
    const inner = encoding.createEncoder();
    encoding.writeVarUint(inner, entries.length);
    for (const entry of entries) {
      encoding.writeVarUint(inner, entry.clientId);
      encoding.writeVarUint(inner, entry.clock);
      encoding.writeVarString(inner, JSON.stringify(entry.state));
    }
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
    return encoding.toUint8Array(e);
  },
  queryAwareness(): Uint8Array {
    return Uint8Array.of(3);
  },
};

/** What a server frame is. */
export type ServerFrame =
  | { kind: "sync-step-1"; payload: Uint8Array }
  | { kind: "sync-step-2"; payload: Uint8Array }
  | { kind: "update"; payload: Uint8Array }
  | { kind: "awareness"; states: { clientId: number; clock: number; state: Record<string, unknown> | null }[] }
  | { kind: "denied"; reason: string }
  | { kind: "other" };

export function parseFrame(data: Uint8Array): ServerFrame {
  const d = decoding.createDecoder(data);
  const type = decoding.readVarUint(d);
  if (type === 0) {
    const sub = decoding.readVarUint(d);
    const payload = decoding.readVarUint8Array(d);
    if (sub === 0) return { kind: "sync-step-1", payload };
    return sub === 1 ? { kind: "sync-step-2", payload } : { kind: "update", payload };
  }
  if (type === 1) {
    const inner = decoding.createDecoder(decoding.readVarUint8Array(d));
    const n = decoding.readVarUint(inner);
    const states = [];
    for (let i = 0; i < n; i++) {
      states.push({
        clientId: decoding.readVarUint(inner),
        clock: decoding.readVarUint(inner),
        state: JSON.parse(decoding.readVarString(inner)) as Record<string, unknown> | null,
      });
    }
    return { kind: "awareness", states };
  }
  if (type === 2) {
    decoding.readVarUint(d);
    return { kind: "denied", reason: decoding.readVarString(d) };
  }
  return { kind: "other" };
}

/** A raw WebSocket client: sends what it is told, records every frame and how it was closed. */
export class RawClient {
  readonly frames: ServerFrame[] = [];
  close: { code: number; reason: string } | null = null;
  private listeners = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer) => {
      this.frames.push(parseFrame(new Uint8Array(data)));
      this.changed();
    });
    ws.on("close", (code, reason) => {
      this.close = { code, reason: reason.toString() };
      this.changed();
    });
    ws.on("error", () => {});
  }

  static open(httpUrl: string, sectionId: string, headers: Record<string, string>): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${wsUrl(httpUrl)}/${sectionId}`, { headers });
      const client = new RawClient(ws);
      ws.once("open", () => resolve(client));
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
      ws.once("error", reject);
    });
  }

  private changed() {
    for (const fn of this.listeners) fn();
  }

  private subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  send(data: Uint8Array | string): void {
    this.ws.send(data);
  }

  /** Waits for a frame matching `match` (received already, or later). */
  async next<K extends ServerFrame["kind"]>(kind: K, what: string, match: (f: Extract<ServerFrame, { kind: K }>) => boolean = () => true, ms = 5000) {
    let found: Extract<ServerFrame, { kind: K }> | undefined;
    await until(this.subscribe, () => {
      found = this.frames.find((f): f is Extract<ServerFrame, { kind: K }> => f.kind === kind && match(f as Extract<ServerFrame, { kind: K }>));
      return found !== undefined;
    }, what, ms);
    return found!;
  }

  /**
   * Sends a sync step 1 and waits for the answer: everything the server sent before it has arrived.
   * Resolves early when the connection closes instead.
   */
  async roundTrip(): Promise<void> {
    const before = this.frames.length;
    if (this.close) return;
    this.send(msg.syncStep1(new Uint8Array([0])));
    await until(
      this.subscribe,
      () => this.close !== null || this.frames.slice(before).some((f) => f.kind === "sync-step-2"),
      "the server's sync step 2",
    );
  }

  closed(what: string, ms = 5000): Promise<{ code: number; reason: string }> {
    return until(this.subscribe, () => this.close !== null, what, ms).then(() => this.close!);
  }

  end(): void {
    this.ws.terminate();
  }
}

/**
 * The people and clients of a test file on one server (a getter: the server starts in beforeAll):
 * each person's session cookie, clients opened with it that `closeAll` ends after each test, and
 * how many rows a section's update log holds.
 */
export function sessionClients(server: () => TestServer) {
  const cookies = new Map<string, string>();
  const clients: ProviderClient[] = [];
  const raws: RawClient[] = [];
  const headersOf = (email: string) => ({ cookie: cookies.get(email)! });
  const raw = async (email: string, sectionId: string) => {
    const c = await RawClient.open(server().url, sectionId, headersOf(email));
    raws.push(c);
    return c;
  };
  const provider = (email: string, sectionId: string) => {
    const c = connectProvider(server().url, sectionId, headersOf(email));
    clients.push(c);
    return c;
  };
  const loggedRows = async (sectionId: string) => {
    const { db, t } = server().database;
    return (await db.select({ seq: t.yjsUpdates.seq }).from(t.yjsUpdates).where(eq(t.yjsUpdates.sectionId, sectionId))).length;
  };
  const closeAll = () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const r of raws.splice(0)) r.end();
  };
  return { cookies, headersOf, raw, provider, loggedRows, closeAll };
}

/** The HTTP status of a refused upgrade (101 when it was accepted). */
export function upgradeStatus(httpUrl: string, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsUrl(httpUrl)}${path}`, { headers });
    ws.once("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once("open", () => {
      resolve(101);
      ws.terminate();
    });
    ws.once("error", (error) => reject(error));
  });
}

export { awarenessProtocol };
