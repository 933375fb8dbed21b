/**
 * Lite clients: they speak a server's wire protocol (y-websocket's, or Hocuspocus's, whose messages
 * start with the document name and which wants an auth message first) but keep no Y.Doc for what they
 * receive: inserts are recognised by the marker they carry (MARK followed by an 8-digit base-36 id),
 * found in the update bytes. So a client costs the generator little more than parsing the frame.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import WebSocket from "ws";

export type ServerKind = "overleg" | "y-websocket" | "hocuspocus";

export interface Target {
  kind: ServerKind;
  /** http://127.0.0.1:port */
  url: string;
  /** Headers for the upgrade (Overleg: the session cookie). */
  headers: Record<string, string>;
}

export const MARK = 0x1e;
export const ID_DIGITS = 8;
const EMPTY_STATE_VECTOR = new Uint8Array([0]);
const EMPTY_UPDATE = new Uint8Array([0, 0]);

/** The text a writer inserts for insert `id`: MARK, the id, one more character (10 in all). */
export const markerText = (id: number) => `\u001e${id.toString(36).padStart(ID_DIGITS, "0")}.`;

const DIGIT = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) DIGIT[48 + i] = i;
for (let i = 0; i < 26; i++) DIGIT[97 + i] = 10 + i;

/** Calls `onId` for every marker in `bytes` (an update, possibly several merged). */
export function scanMarkers(bytes: Uint8Array, onId: (id: number) => void): void {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = buf.indexOf(MARK);
  while (i !== -1 && i + ID_DIGITS < buf.length) {
    let id = 0;
    let ok = true;
    for (let k = 1; k <= ID_DIGITS; k++) {
      const d = DIGIT[buf[i + k]];
      if (d < 0) {
        ok = false;
        break;
      }
      id = id * 36 + d;
    }
    if (ok) {
      onId(id);
      i = buf.indexOf(MARK, i + 1 + ID_DIGITS);
    } else {
      i = buf.indexOf(MARK, i + 1);
    }
  }
}

/** A y-protocols awareness update carrying one client's state. */
export function awarenessUpdate(clientId: number, clock: number, state: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, clientId);
  encoding.writeVarUint(e, clock);
  encoding.writeVarString(e, state);
  return encoding.toUint8Array(e);
}

export interface ClientHandlers {
  /** A document update (sync step 2 or update) arrived. */
  onUpdate?(update: Uint8Array, step2: boolean): void;
  onAwareness?(payload: Uint8Array): void;
}

const SYNC = 0;
const AWARENESS = 1;
const AUTH = 2;
const SYNC_REPLY = 4; // Hocuspocus: a sync message that asks for no sync step 1 back

export class LiteClient {
  bytesSent = 0;
  bytesReceived = 0;
  messagesReceived = 0;
  messagesSent = 0;
  /** Got the answer to its sync step 1. */
  synced = false;
  closed = false;
  closeCode = 0;
  /** Sent in its sync step 1: what it already holds. */
  stateVector: Uint8Array = EMPTY_STATE_VECTOR;
  /** Its answer to the server's sync step 1 (what the server lacks); by default nothing. */
  step2Reply: (serverStateVector: Uint8Array) => Uint8Array = () => EMPTY_UPDATE;
  handlers: ClientHandlers;
  private ws: WebSocket | null = null;
  private readonly prefix: Uint8Array;
  private syncedWaiters: (() => void)[] = [];

  constructor(
    readonly target: Target,
    readonly docName: string,
    handlers: ClientHandlers = {},
  ) {
    this.handlers = handlers;
    const e = encoding.createEncoder();
    if (target.kind === "hocuspocus") encoding.writeVarString(e, docName);
    this.prefix = encoding.toUint8Array(e);
  }

  private get wsUrl(): string {
    const base = this.target.url.replace(/^http/, "ws");
    if (this.target.kind === "overleg") return `${base}/collab/${encodeURIComponent(this.docName)}`;
    if (this.target.kind === "y-websocket") return `${base}/${encodeURIComponent(this.docName)}`;
    return base;
  }

  /** Opens the socket and syncs; resolves once the server answered the sync step 1. */
  open(timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.wsUrl, { headers: this.target.headers, perMessageDeflate: false });
      this.ws = ws;
      const timer = setTimeout(() => {
        reject(new Error(`${this.target.kind}: no sync within ${timeoutMs} ms`));
        ws.terminate();
      }, timeoutMs);
      this.syncedWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      ws.on("open", () => {
        if (this.target.kind === "hocuspocus") {
          this.send(AUTH, (e) => {
            encoding.writeVarUint(e, 0); // token
            encoding.writeVarString(e, "bench");
          });
        }
        this.sendSync(0, this.stateVector);
      });
      ws.on("message", (data: Buffer) => this.receive(data));
      ws.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      ws.on("unexpected-response", (_req, res) => {
        clearTimeout(timer);
        reject(new Error(`${this.target.kind}: upgrade refused with ${res.statusCode}`));
        ws.terminate();
      });
      ws.on("close", (code) => {
        this.closed = true;
        this.closeCode = code;
        clearTimeout(timer);
        if (!this.synced) reject(new Error(`${this.target.kind}: closed (${code}) before syncing`));
      });
    });
  }

  private send(type: number, write: (e: encoding.Encoder) => void): void {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    const e = encoding.createEncoder();
    encoding.writeUint8Array(e, this.prefix);
    encoding.writeVarUint(e, type);
    write(e);
    const frame = encoding.toUint8Array(e);
    this.bytesSent += frame.byteLength;
    this.messagesSent++;
    this.ws.send(frame);
  }

  private sendSync(sub: number, payload: Uint8Array, type = SYNC): void {
    this.send(type, (e) => {
      encoding.writeVarUint(e, sub);
      encoding.writeVarUint8Array(e, payload);
    });
  }

  sendUpdate(update: Uint8Array): void {
    this.sendSync(2, update);
  }

  sendAwareness(payload: Uint8Array): void {
    this.send(AWARENESS, (e) => encoding.writeVarUint8Array(e, payload));
  }

  private receive(data: Buffer): void {
    this.bytesReceived += data.byteLength;
    this.messagesReceived++;
    const d = decoding.createDecoder(data);
    if (this.target.kind === "hocuspocus") decoding.readVarString(d);
    const type = decoding.readVarUint(d);
    if (type === SYNC || type === SYNC_REPLY) {
      const sub = decoding.readVarUint(d);
      const payload = decoding.readVarUint8Array(d);
      if (sub === 0) {
        this.sendSync(1, this.step2Reply(payload), this.target.kind === "hocuspocus" ? SYNC_REPLY : SYNC);
      } else {
        this.handlers.onUpdate?.(payload, sub === 1);
        if (sub === 1 && !this.synced) {
          this.synced = true;
          for (const w of this.syncedWaiters) w();
          this.syncedWaiters = [];
        }
      }
    } else if (type === AWARENESS) {
      this.handlers.onAwareness?.(decoding.readVarUint8Array(d));
    }
  }

  close(): void {
    this.ws?.terminate();
  }
}

/** Opens `clients` with at most `concurrency` handshakes in flight. */
export async function openAll(clients: LiteClient[], concurrency = 32, timeoutMs = 30_000): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, clients.length) }, async () => {
      while (next < clients.length) await clients[next++].open(timeoutMs);
    }),
  );
}
