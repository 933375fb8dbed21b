/**
 * One client's WebSocket on one section: who it is (from the session, never from the client), what it
 * may do, its message budget, and the awareness ids it owns. Message handling lives in the room.
 */
import WebSocket from "ws";
import { CloseCode, DeniedReason, organisationColour, type AwarenessUser, type CollabLimits } from "../../app/shared/collab";
import type { SignedIn } from "../context";
import { isLocked } from "../lifecycle";
import type { Logger } from "../log";
import type { SectionFacts } from "../policy";
import type { AwarenessPeer } from "./awareness";
import type { Room } from "./room";
import { permissionDeniedFrame } from "./protocol";

let nextId = 1;

/** What a connection needs of its socket (a net.Socket). */
export interface Corkable {
  cork(): void;
  uncork(): void;
  write(chunk: Uint8Array): boolean;
  readonly destroyed: boolean;
}

/**
 * Frames up to this size are framed once and written as one chunk (see wireFrame); larger ones (a whole
 * section to a newcomer) go through `ws`, which writes the payload without copying it.
 */
const WIRE_FRAME_MAX_BYTES = 64 * 1024;

/** Wire frames by payload: a frame that goes to many connections is framed once (see wireFrame). */
const wireFrames = new WeakMap<Uint8Array, Uint8Array>();

/**
 * `payload` as one unmasked, final, binary WebSocket frame (RFC 6455 §5.2), made once per payload
 * however many connections it goes to. `ws` would frame it anew for every connection and write the
 * header and the payload as two chunks.
 */
export function wireFrame(payload: Uint8Array): Uint8Array {
  let frame = wireFrames.get(payload);
  if (frame) return frame;
  const length = payload.byteLength;
  const head = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  frame = Buffer.allocUnsafe(head + length);
  frame[0] = 0x82; // FIN, binary
  if (head === 2) frame[1] = length;
  else if (head === 4) {
    frame[1] = 126;
    frame[2] = length >>> 8;
    frame[3] = length & 0xff;
  } else {
    frame[1] = 127;
    new DataView(frame.buffer, frame.byteOffset, head).setBigUint64(2, BigInt(length));
  }
  frame.set(payload, head);
  wireFrames.set(payload, frame);
  return frame;
}

/** The part of `ws`'s sender that tells whether it holds frames back (compressing or reading a blob). */
interface WsSender {
  _state?: number;
  _queue?: unknown[];
}

export interface ConnectionInit {
  ws: WebSocket;
  /** The socket under `ws`, corked while a room sends one tick's frames (they leave in one write). */
  socket: Corkable;
  actor: SignedIn;
  /** The request's Cookie / Authorization headers, to re-check the session later. */
  authHeaders: Record<string, string>;
  sectionId: string;
  workspaceId: string;
  facts: SectionFacts;
  canEdit: boolean;
  limits: CollabLimits;
  /** Bytes queued for sending after which the client counts as not keeping up and is dropped. */
  maxBufferedBytes: number;
  log: Logger;
  /** Called once, when the connection is closed (by either side). */
  onClosed(connection: Connection): void;
}

export class Connection implements AwarenessPeer {
  readonly id = nextId++;
  readonly ws: WebSocket;
  private readonly socket: Corkable;
  readonly sectionId: string;
  readonly workspaceId: string;
  readonly userId: string;
  readonly email: string;
  readonly authHeaders: Record<string, string>;
  /** The person, as of the last check. */
  actor: SignedIn;
  readonly awarenessIds = new Set<number>();
  user: AwarenessUser;
  facts: SectionFacts;
  canEdit: boolean;
  /** Refused changes so far (read-only connections). */
  refused = 0;
  /** Answered the last heartbeat ping. */
  alive = true;
  /** Closed by the server or the client; nothing it sends is handled any more. */
  closed = false;
  /** The room once the document is loaded and the connection joined it. */
  room: Room | null = null;
  /** The room this connection waits for while it loads (see Room.answerEarly). */
  loading: Room | null = null;
  /** Messages received while the document was loading, handled in order once it is (null after). */
  queue: Uint8Array[] | null = [];
  queuedBytes = 0;

  private readonly limits: CollabLimits;
  private readonly maxBufferedBytes: number;
  private readonly log: Logger;
  private readonly onClosed: (c: Connection) => void;
  private tokens: number;
  private refilledAt = performance.now();
  private ended = false;

  constructor(init: ConnectionInit) {
    this.ws = init.ws;
    this.socket = init.socket;
    this.sectionId = init.sectionId;
    this.workspaceId = init.workspaceId;
    this.userId = init.actor.id;
    this.email = init.actor.email;
    this.authHeaders = init.authHeaders;
    this.actor = init.actor;
    this.user = awarenessUser(init.actor);
    this.facts = init.facts;
    this.canEdit = init.canEdit;
    this.limits = init.limits;
    this.maxBufferedBytes = init.maxBufferedBytes;
    this.log = init.log;
    this.onClosed = init.onClosed;
    this.tokens = init.limits.messageBurst;
    this.ws.once("close", () => this.markClosed());
  }

  /** Who this is, for log lines. */
  get who(): Record<string, unknown> {
    return { connection: this.id, userId: this.userId, email: this.email, sectionId: this.sectionId };
  }

  /** Takes one message from the budget; false when the connection sends faster than allowed. */
  takeMessage(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.limits.messageBurst, this.tokens + ((now - this.refilledAt) * this.limits.messagesPerSecond) / 1000);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  send(frame: Uint8Array): void {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      // A client that does not read what it is sent would make the server hold it all in memory.
      this.log.warn("collab client does not keep up; dropped (it resyncs when it reconnects)", {
        ...this.who,
        buffered: this.ws.bufferedAmount,
      });
      this.terminate();
      return;
    }
    // Straight to the socket, framed once for all receivers; through `ws` if the frame is large or its
    // sender holds frames back (it never does here: no compression is negotiated and no blobs are sent).
    const sender = (this.ws as unknown as { _sender?: WsSender })._sender;
    if (frame.byteLength <= WIRE_FRAME_MAX_BYTES && sender?._state === 0 && !sender._queue?.length) this.socket.write(wireFrame(frame));
    else this.ws.send(frame);
  }

  /** Sends `frame`; resolves once it was handed to the operating system (or the connection closed). */
  sendAndWait(frame: Uint8Array): Promise<void> {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve) => this.ws.send(frame, () => resolve()));
  }

  /** Holds what is sent until uncork(), then writes it at once (one system call, not one per frame). */
  cork(): void {
    if (!this.socket.destroyed) this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  /** Why this connection may not change the document. */
  get deniedReason(): DeniedReason {
    return isLocked(this.facts.status) ? DeniedReason.Locked : DeniedReason.ReadOnly;
  }

  /** Tells the client a change was refused; closes the connection when it keeps sending changes. */
  refuse(): void {
    this.refused++;
    this.send(permissionDeniedFrame(this.deniedReason));
    if (this.refused >= this.limits.maxRefusedChanges) {
      this.log.warn("closing a read-only connection that kept sending changes", { ...this.who, refused: this.refused });
      this.close(CloseCode.Forbidden, "This connection may not change the document.");
    }
  }

  /** Closes with an application close code (reason: at most 123 bytes). */
  close(code: number, reason: string): void {
    if (this.closed) return;
    try {
      this.ws.close(code, reason.slice(0, 120));
    } catch {
      this.ws.terminate();
    }
    this.markClosed();
  }

  terminate(): void {
    this.ws.terminate();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.ended) return;
    this.ended = true;
    this.closed = true;
    this.queue = null;
    this.onClosed(this);
  }
}

/** The awareness `user` others see: from the session. */
export function awarenessUser(actor: SignedIn): AwarenessUser {
  return {
    id: actor.id,
    name: actor.name,
    organisation: actor.organisationShortCode ?? actor.organisationName,
    organisationName: actor.organisationName,
    color: organisationColour(actor.organisationShortCode ?? actor.organisationId),
  };
}
