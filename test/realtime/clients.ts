/**
 * socket.io clients for the realtime tests: real connections to a test server, signed in as a demo
 * person, and small helpers that await events instead of sleeping.
 */
import { io, type Socket } from "socket.io-client";
import type {
  ClientToServerEvents,
  HelloPayload,
  PresencePayload,
  RealtimeError,
  ServerToClientEvents,
} from "../../app/shared/realtime";
import type { TestServer } from "../support/server";

export type Client = Socket<ServerToClientEvents, ClientToServerEvents> & {
  /** Every event this socket received, in order (name and first argument). */
  received: { event: string; payload: unknown }[];
  hello: HelloPayload;
};

type ConnectOptions = { cookie?: string; token?: string; headers?: Record<string, string>; transports?: ("websocket" | "polling")[] };

function socketFor(url: string, options: ConnectOptions): Socket<ServerToClientEvents, ClientToServerEvents> {
  return io(url, {
    path: "/socket.io",
    transports: options.transports ?? ["websocket"],
    reconnection: false,
    forceNew: true,
    auth: options.token ? { token: options.token } : {},
    extraHeaders: { ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers },
  });
}

/** Connects and resolves once the server said hello; rejects with the server's refusal. */
export function connect(url: string, options: ConnectOptions): Promise<Client> {
  const socket = socketFor(url, options) as Client;
  socket.received = [];
  socket.onAny((event: string, payload: unknown) => socket.received.push({ event, payload }));
  return new Promise((resolve, reject) => {
    socket.once("hello", (hello) => {
      socket.hello = hello;
      resolve(socket);
    });
    socket.once("connect_error", (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Connects expecting a refusal; resolves with the error the client was given. */
export async function refusal(url: string, options: ConnectOptions): Promise<Error & { data?: RealtimeError }> {
  const socket = socketFor(url, options);
  try {
    return await new Promise((resolve, reject) => {
      socket.once("connect", () => reject(new Error("the server accepted the connection")));
      socket.once("connect_error", (error) => resolve(error as Error & { data?: RealtimeError }));
    });
  } finally {
    socket.close();
  }
}

export async function connectAs(server: TestServer, email: string, url = server.url): Promise<Client> {
  const { cookie } = await server.signIn(email);
  return connect(url, { cookie });
}

/** The next `event` (after now) whose payload passes `match`; fails after `ms`. */
export function next<E extends keyof ServerToClientEvents>(
  socket: Client,
  event: E,
  match: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  ms = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no ${event} matching within ${ms} ms; received: ${JSON.stringify(socket.received.map((r) => r.event))}`));
    }, ms);
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(payload);
    };
    socket.on(event, listener as never);
  });
}

/** The next presence of a workspace whose people (by name) are exactly `names`. */
export function presenceOf(socket: Client, workspaceId: string, names: string[]): Promise<PresencePayload> {
  const want = [...names].sort().join("|");
  return next(socket, "presence", (p) => p.workspaceId === workspaceId && p.people.map((x) => x.name).sort().join("|") === want);
}

/** Resolves when the socket is disconnected, with the reason. */
export function disconnected(socket: Client, ms = 5000): Promise<string> {
  if (socket.disconnected) return Promise.resolve("already disconnected");
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${ms} ms`)), ms);
    socket.once("disconnect", (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

export function closeAll(...sockets: (Client | undefined)[]): void {
  for (const s of sockets) s?.close();
}
