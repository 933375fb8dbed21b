/**
 * A room's awareness (cursors, who is here) as the server keeps it. Unlike y-protocols' `Awareness`
 * it knows which connection owns which client id:
 * - a connection may set and remove only the client ids it owns (it owns an id by being the first to
 *   present it; a departed id can be taken back only by the same person reconnecting);
 * - what others send about ids they do not own is dropped silently: the stock provider re-sends every
 *   remote state it receives (an echo), so this is normal traffic, not an attack;
 * - the `user` field of every state is written from the session;
 * - the clock it relays is its own per client id (always increasing), so a person who reconnects
 *   with an old clock is still seen by everyone, and echoes of departed clients never come back.
 * The clock and ownership are read before the state's JSON is parsed, so echoes cost little.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { AwarenessUser } from "../../app/shared/collab";
import { MalformedMessage } from "./protocol";

export interface AwarenessPeer {
  readonly userId: string;
  readonly user: AwarenessUser;
  /** Client ids this connection owns. */
  readonly awarenessIds: Set<number>;
}

interface Entry {
  /** The owner's own clock for this id (to drop stale or repeated messages). */
  clientClock: number;
  /** The clock relayed to everyone. */
  clock: number;
  /** The state as JSON, or null once removed. */
  state: string | null;
  owner: AwarenessPeer | null;
  /** Who owned it last: only they may take a departed id back. */
  userId: string;
}

export interface AwarenessChange {
  /** The awareness update to relay (y-protocols encoding). */
  update: Uint8Array;
  /** The client ids it carries. */
  clients: number[];
}

export class AwarenessTable {
  private readonly entries = new Map<number, Entry>();

  /** How many client ids have a state. */
  get size(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.state !== null) n++;
    return n;
  }

  /**
   * Applies an awareness message from `peer`; returns what changed (to relay), or null. Throws
   * MalformedMessage when it does not decode or a state is not a JSON object.
   */
  apply(peer: AwarenessPeer, message: Uint8Array, maxClientsPerPeer: number): AwarenessChange | null {
    const changed: number[] = [];
    try {
      const decoder = decoding.createDecoder(message);
      const count = decoding.readVarUint(decoder);
      for (let i = 0; i < count; i++) {
        const clientId = decoding.readVarUint(decoder);
        const clientClock = decoding.readVarUint(decoder);
        // The state's JSON, not decoded yet: most entries are echoes of others' states, dropped unread.
        const raw = decoding.readVarUint8Array(decoder);
        if (decoder.pos > message.byteLength) throw new MalformedMessage("awareness: truncated");
        const entry = this.entries.get(clientId);
        const removal = isNull(raw);
        if (entry?.owner && entry.owner !== peer) continue; // someone else's: an echo, or a forgery
        if (!entry?.owner) {
          // A new id, or one whose connection left.
          if (removal) continue;
          if (entry && entry.userId !== peer.userId) continue; // only its person may take it back
          if (!peer.awarenessIds.has(clientId) && peer.awarenessIds.size >= maxClientsPerPeer) continue;
        } else if (clientClock < entry.clientClock || (clientClock === entry.clientClock && !removal)) {
          continue; // stale or repeated
        }
        if (removal) {
          entry!.state = null;
          entry!.owner = null;
          entry!.clientClock = clientClock;
          entry!.clock++;
          peer.awarenessIds.delete(clientId);
        } else {
          const state = parseState(utf8.decode(raw));
          state.user = peer.user;
          const next: Entry = {
            clientClock,
            clock: (entry?.clock ?? 0) + 1,
            state: JSON.stringify(state),
            owner: peer,
            userId: peer.userId,
          };
          this.entries.set(clientId, next);
          peer.awarenessIds.add(clientId);
        }
        if (!changed.includes(clientId)) changed.push(clientId);
      }
    } catch (error) {
      if (error instanceof MalformedMessage) throw error;
      throw new MalformedMessage(`awareness: ${error instanceof Error ? error.message : String(error)}`);
    }
    return changed.length ? { update: this.encode(changed), clients: changed } : null;
  }

  /** Removes every state `peer` owns (its connection closed); returns the removal to relay, or null. */
  removeAll(peer: AwarenessPeer): AwarenessChange | null {
    const removed: number[] = [];
    for (const clientId of peer.awarenessIds) {
      const entry = this.entries.get(clientId);
      if (!entry || entry.owner !== peer) continue;
      entry.owner = null;
      entry.state = null;
      entry.clock++;
      removed.push(clientId);
    }
    peer.awarenessIds.clear();
    return removed.length ? { update: this.encode(removed), clients: removed } : null;
  }

  /** Every present state except those `except` owns, encoded; null when there is none. */
  encodeAll(except?: AwarenessPeer): Uint8Array | null {
    const ids: number[] = [];
    for (const [id, e] of this.entries) if (e.state !== null && e.owner !== except) ids.push(id);
    return ids.length ? this.encode(ids) : null;
  }

  /** The connection that owns a client id now, if any. */
  ownerOf(clientId: number): AwarenessPeer | null {
    return this.entries.get(clientId)?.owner ?? null;
  }

  /** One client id's entry (id, clock, state or removal) as it appears inside an awareness update. */
  encodeEntry(clientId: number): Uint8Array {
    const e = this.entries.get(clientId)!;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarString(encoder, e.state ?? "null");
    return encoding.toUint8Array(encoder);
  }

  /** An awareness update made of entries from encodeEntry (copied, not encoded again). */
  static joinEntries(entries: Uint8Array[]): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, entries.length);
    for (const entry of entries) encoding.writeUint8Array(encoder, entry);
    return encoding.toUint8Array(encoder);
  }

  /** The current state (or removal) of each of `clients`, encoded as one awareness update. */
  encode(clients: number[]): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, clients.length);
    for (const id of clients) {
      const e = this.entries.get(id)!;
      encoding.writeVarUint(encoder, id);
      encoding.writeVarUint(encoder, e.clock);
      encoding.writeVarString(encoder, e.state ?? "null");
    }
    return encoding.toUint8Array(encoder);
  }
}

const utf8 = new TextDecoder();

/** Whether a state's JSON is `null` (a removal). */
const isNull = (raw: Uint8Array) => raw.length === 4 && raw[0] === 0x6e && raw[1] === 0x75 && raw[2] === 0x6c && raw[3] === 0x6c;

function parseState(json: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new MalformedMessage("awareness: a state is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new MalformedMessage("awareness: a state is not an object");
  }
  return value as Record<string, unknown>;
}
