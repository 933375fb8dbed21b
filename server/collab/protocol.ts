/**
 * The y-websocket wire format: building frames (each encoded once, then sent to every receiver) and
 * reading the messages clients send. Reading throws `MalformedMessage` on anything that does not
 * decode; the connection that sent it is closed, nothing else is affected.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as authProtocol from "y-protocols/auth";
import * as syncProtocol from "y-protocols/sync";
import { MessageStateless, MessageType } from "../../app/shared/collab";

export const SyncStep1 = syncProtocol.messageYjsSyncStep1;
export const SyncStep2 = syncProtocol.messageYjsSyncStep2;
export const SyncUpdate = syncProtocol.messageYjsUpdate;

/**
 * The stateless message type (Hocuspocus's number for it): a string payload (JSON by convention) that
 * is not part of the document. The stock WebsocketProvider has no handler for it: it logs "Unable to
 * compute message" and carries on; a client that uses the channel registers
 * `provider.messageHandlers[MessageStateless]` and sends with `provider.ws.send(frame)`.
 */
export { MessageStateless };

export class MalformedMessage extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedMessage";
  }
}

/** A client message, decoded as far as routing needs. */
export type ClientMessage =
  | { type: "sync-step-1"; stateVector: Uint8Array }
  | { type: "sync-step-2" | "update"; update: Uint8Array }
  | { type: "awareness"; update: Uint8Array }
  | { type: "query-awareness" }
  | { type: "auth" }
  | { type: "stateless"; payload: string };

export function readClientMessage(data: Uint8Array): ClientMessage {
  try {
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.Sync: {
        const sub = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (sub === SyncStep1)
          return { type: "sync-step-1", stateVector: payload };
        if (sub === SyncStep2) return { type: "sync-step-2", update: payload };
        if (sub === SyncUpdate) return { type: "update", update: payload };
        throw new MalformedMessage(`unknown sync message type ${sub}`);
      }
      case MessageType.Awareness:
        return {
          type: "awareness",
          update: decoding.readVarUint8Array(decoder),
        };
      case MessageType.QueryAwareness:
        return { type: "query-awareness" };
      case MessageType.Auth:
        // Only the server sends auth messages; a client's is ignored.
        return { type: "auth" };
      case MessageStateless:
        return { type: "stateless", payload: decoding.readVarString(decoder) };
      default:
        throw new MalformedMessage(`unknown message type ${type}`);
    }
  } catch (error) {
    if (error instanceof MalformedMessage) throw error;
    throw new MalformedMessage(
      error instanceof Error ? error.message : String(error)
    );
  }
}

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

export const syncStep1Frame = (stateVector: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync);
    encoding.writeVarUint(e, SyncStep1);
    encoding.writeVarUint8Array(e, stateVector);
  });

export const syncStep2Frame = (update: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync);
    encoding.writeVarUint(e, SyncStep2);
    encoding.writeVarUint8Array(e, update);
  });

export const updateFrame = (update: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync);
    encoding.writeVarUint(e, SyncUpdate);
    encoding.writeVarUint8Array(e, update);
  });

export const awarenessFrame = (update: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Awareness);
    encoding.writeVarUint8Array(e, update);
  });

export const permissionDeniedFrame = (reason: string) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Auth);
    authProtocol.writePermissionDenied(e, reason);
  });

export const statelessFrame = (payload: string) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageStateless);
    encoding.writeVarString(e, payload);
  });
