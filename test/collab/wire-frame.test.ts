/**
 * The WebSocket frames the collab server writes to sockets itself (framed once for all receivers) are
 * read by a real WebSocket client as one binary message each, with the same bytes, at every length
 * boundary of the frame header.
 */
import type { Socket } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wireFrame } from "../../server/collab/connection";

let server: WebSocketServer;
let client: WebSocket;
let serverSocket: Socket;
const received: { data: Buffer; isBinary: boolean }[] = [];
let onMessage: () => void = () => {};

beforeAll(async () => {
  server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as { port: number };
  const accepted = new Promise<Socket>((resolve) => server.once("connection", (ws) => resolve((ws as unknown as { _socket: Socket })._socket)));
  client = new WebSocket(`ws://127.0.0.1:${port}`, { maxPayload: 1 << 24 });
  client.on("message", (data: Buffer, isBinary: boolean) => {
    received.push({ data, isBinary });
    onMessage();
  });
  await new Promise<void>((resolve) => client.once("open", () => resolve()));
  serverSocket = await accepted;
});

afterAll(async () => {
  client?.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Writes the frames straight to the server's socket; resolves with the messages the client read. */
async function sendRaw(payloads: Uint8Array[]): Promise<{ data: Buffer; isBinary: boolean }[]> {
  received.length = 0;
  const all = new Promise<void>((resolve) => (onMessage = () => received.length === payloads.length && resolve()));
  for (const p of payloads) serverSocket.write(wireFrame(p));
  await all;
  return [...received];
}

const payloadOf = (length: number) => new Uint8Array(length).map((_, i) => (i * 31 + 7) & 0xff);

describe("wireFrame", () => {
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 200_000])("frames a payload of %i bytes as one binary message", async (length) => {
    const [message] = await sendRaw([payloadOf(length)]);
    expect(message!.isBinary).toBe(true);
    expect(Buffer.compare(message!.data, Buffer.from(payloadOf(length)))).toBe(0);
  });

  it("keeps frames written back to back apart, in order", async () => {
    const payloads = [3, 300, 70_000, 0, 9].map(payloadOf);
    const messages = await sendRaw(payloads);
    expect(messages.map((m) => m.data.byteLength)).toEqual([3, 300, 70_000, 0, 9]);
  });

  it("frames a payload once however often it is sent, and a view by its own bytes only", async () => {
    const whole = payloadOf(300);
    const view = whole.subarray(100, 250);
    expect(wireFrame(view)).toBe(wireFrame(view));
    const [message] = await sendRaw([view]);
    expect(Buffer.compare(message!.data, Buffer.from(view))).toBe(0);
  });
});
