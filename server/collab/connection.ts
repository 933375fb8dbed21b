/**
 * One client's WebSocket on one section: who it is (from the session, never from the client), what it
 * may do, its message budget, and the awareness ids it owns. Message handling lives in the room.
 */
import WebSocket from "ws";
import { CloseCode, DeniedReason, organisationColour, type AwarenessUser, type CollabLimits } from "../../app/shared/collab";
import type { SignedIn } from "../context";
import { isLocked } from "../lifecycle";
import type { Logger } from "../log";
import { can, type SectionFacts } from "../policy";
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
  readonly awarenessIds = new Set<number>();
  /** The awareness `user` others see (from the session). */
  readonly user: AwarenessUser;

  private _actor: SignedIn;
  private _facts: SectionFacts;
  private _canEdit: boolean;
  private _canSuggest: boolean;
  /** Refused changes since the connection was last given the right to edit. */
  private refused = 0;
  /** Answered the last heartbeat ping. */
  private alive = true;
  private _closed = false;
  private _room: Room | null = null;
  /** The room this connection waits for while it loads (see Room.answerEarly). */
  private loading: Room | null = null;
  /** Messages received while the document was loading, handled in order once it is (null after). */
  private queue: Uint8Array[] | null = [];
  private queuedBytes = 0;
  private queuedEver = 0;

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
    this._actor = init.actor;
    this.user = awarenessUser(init.actor);
    this._facts = init.facts;
    this._canEdit = init.canEdit;
    this._canSuggest = can(init.actor, "section.suggest", init.facts);
    this.limits = init.limits;
    this.maxBufferedBytes = init.maxBufferedBytes;
    this.log = init.log;
    this.onClosed = init.onClosed;
    this.tokens = init.limits.messageBurst;
    this.ws.once("close", () => this.markClosed());
  }

  /** The person, as of the last check. */
  get actor(): SignedIn {
    return this._actor;
  }

  /** The section's facts the rights were decided on, as of the last check. */
  get facts(): SectionFacts {
    return this._facts;
  }

  /** Whether the policy allows this connection `section.edit` (as of the last check). */
  get canEdit(): boolean {
    return this._canEdit;
  }

  /**
   * Whether the policy allows this connection `section.suggest` (as of the last check): it may send
   * changes, each of them a suggestion in its own name (ADR 027), even without `section.edit`.
   */
  get canSuggest(): boolean {
    return this._canSuggest;
  }

  /** Whether it may send changes at all (editing, or only suggesting). */
  get canWrite(): boolean {
    return this._canEdit || this._canSuggest;
  }

  /** Closed by the server or the client; nothing it sends is handled any more. */
  get closed(): boolean {
    return this._closed;
  }

  /** The room once the document is loaded and the connection joined it. */
  get room(): Room | null {
    return this._room;
  }

  /** The person as the last session check found them (same id: a different one closes the connection). */
  recheckedAs(actor: SignedIn): void {
    this._actor = actor;
  }

  /**
   * New rights (role, section status); returns whether it could edit before. Gaining the right to
   * edit starts the count of refused changes afresh.
   */
  setAccess(facts: SectionFacts, canEdit: boolean): boolean {
    const could = this._canEdit;
    this._facts = facts;
    this._canEdit = canEdit;
    this._canSuggest = can(this._actor, "section.suggest", facts);
    if (!could && canEdit) this.refused = 0;
    return could;
  }

  /** The room this connection waits for while it loads; its messages queue meanwhile. */
  waitFor(room: Room): void {
    this.loading = room;
  }

  /** The room it waited for has loaded. */
  loaded(): void {
    this.loading = null;
  }

  /**
   * Keeps a message received before the document loaded; false when more was sent meanwhile than
   * one message may hold (the caller closes the connection). Null queue: the connection has joined.
   */
  enqueue(bytes: Uint8Array): boolean | null {
    if (!this.queue) return null;
    this.queuedBytes += bytes.byteLength;
    this.queuedEver++;
    if (this.queuedBytes > this.limits.maxMessageBytes) return false;
    this.queue.push(bytes);
    this.loading?.onQueued?.();
    return true;
  }

  /** Whether it waits for the room and has sent nothing yet (a stock client sends its sync step 1 at once). */
  get waitingForFirstMessage(): boolean {
    return !this._closed && this.queue !== null && this.queuedEver === 0;
  }

  /** Whether a message `match` accepts waits in the queue. */
  hasQueued(match: (message: Uint8Array) => boolean): boolean {
    return this.queue?.some(match) ?? false;
  }

  /** Takes the first queued message `match` accepts out of the queue; whether there was one. */
  takeQueued(match: (message: Uint8Array) => boolean): boolean {
    const at = this.queue?.findIndex(match) ?? -1;
    if (at < 0) return false;
    this.queue!.splice(at, 1);
    return true;
  }

  /** Joins `room`: from now on messages go to it; returns those queued while it loaded. */
  join(room: Room): Uint8Array[] {
    this._room = room;
    const queued = this.queue ?? [];
    this.queue = null;
    this.queuedBytes = 0;
    return queued;
  }

  /** The client answered a heartbeat ping. */
  pong(): void {
    this.alive = true;
  }

  /** One heartbeat round: false when it did not answer the last ping (drop it), else pings again. */
  heartbeat(): boolean {
    if (!this.alive) return false;
    this.alive = false;
    if (this.ws.readyState === WebSocket.OPEN) this.ws.ping();
    return true;
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

  /**
   * Tells the client a change (or a stateless message) was refused, with `reason` (default: why it may
   * not change the document); closes the connection when it keeps sending refused messages.
   */
  refuse(reason: DeniedReason = this.deniedReason): void {
    this.refused++;
    this.send(permissionDeniedFrame(reason));
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
    this._closed = true;
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
