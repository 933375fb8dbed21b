/**
 * The socket.io handshake: who is connecting, from the same session as the app (the session cookie
 * sent with the handshake, or a bearer token in `auth: { token }` or an Authorization header).
 * A connection without a valid session is refused with `connect_error` carrying
 * `data: { code: "unauthorized", message }`.
 */
import type { ExtendedError } from "socket.io";
import type { RealtimeError } from "../../app/shared/realtime";
import type { Services, SignedIn } from "../context";
import { toHeaders } from "../http";
import { checkSocketOrigin } from "../http/origin";
import type { Logger } from "../log";
import { handshakeToken } from "./schemas";
import type { RealtimeSocket, SocketUser } from "./types";

/** The headers each socket was authenticated with, to ask again whether its session still holds. */
const handshakes = new WeakMap<object, { headers: Headers; userId: string }>();

export function refusal(code: RealtimeError["code"], message: string): ExtendedError {
  const error = new Error(message) as ExtendedError;
  error.data = { code, message } satisfies RealtimeError;
  return error;
}

export function socketUser(actor: SignedIn): SocketUser {
  return {
    id: actor.id,
    name: actor.name,
    organisationId: actor.organisationId,
    organisationKind: actor.organisationKind,
    organisationName: actor.organisationName,
    organisationShortCode: actor.organisationShortCode,
  };
}


export function authenticateHandshake(services: Services, log: Logger) {
  return async (socket: RealtimeSocket, next: (error?: ExtendedError) => void) => {
    try {
      const headers = toHeaders(socket.handshake.headers);
      const token: unknown = socket.handshake.auth?.token;
      if (token !== undefined) {
        const parsed = handshakeToken.safeParse(token);
        if (!parsed.success) return next(refusal("unauthorized", "The token in the handshake is not a session token."));
        headers.set("authorization", `Bearer ${parsed.data}`);
      }
      // The same rule as for the collab WebSocket and the HTTP server (server/http/origin.ts).
      const origin = checkSocketOrigin({ origin: headers.get("origin"), host: headers.get("host") }, services.env.PUBLIC_URL);
      if (!origin.ok) return next(refusal("forbidden", `Connections from ${origin.origin} may not use Overleg's realtime server.`));
      const actor = await services.actorFromHeaders(headers);
      if (!actor) return next(refusal("unauthorized", "Sign in first: this connection carries no valid session."));
      socket.data = { user: socketUser(actor), presence: {} };
      handshakes.set(socket, { headers, userId: actor.id });
      next();
    } catch (error) {
      log.error("socket handshake failed", { error: String(error) });
      next(refusal("unavailable", "Overleg could not check the session; try again shortly."));
    }
  };
}

/**
 * The socket's person as their session says now, or null when the session has ended (signed out,
 * expired, revoked) or the person was disabled.
 */
export async function currentActor(
  actorOf: (headers: Headers) => Promise<SignedIn | null>,
  socket: RealtimeSocket,
): Promise<SignedIn | null> {
  const handshake = handshakes.get(socket);
  if (!handshake) return null;
  const actor = await actorOf(handshake.headers);
  return actor && actor.id === handshake.userId ? actor : null;
}
