/**
 * The y-websocket 2.1.0 reference server: its `setupWSConnection` on a plain http + ws server on
 * 127.0.0.1:BENCH_PORT. Persistence is the two-function contract: a document named BENCH_COLD_DOC is
 * fetched from the file BENCH_COLD_FILE when it is first opened (the cold-load scenario); nothing is
 * stored. Prints `ready {"url"}`.
 */
import "./gc";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { WebSocketServer } from "ws";
import * as Y from "yjs";

interface Persistence {
  bindState(name: string, doc: Y.Doc): Promise<void>;
  writeState(name: string, doc: Y.Doc): Promise<void>;
}
const require = createRequire(import.meta.url);
const utils = require("y-websocket-server-ref/bin/utils") as {
  setupWSConnection(conn: unknown, req: unknown, options?: { docName?: string; gc?: boolean }): void;
  setPersistence(p: Persistence | null): void;
};

const coldDoc = process.env.BENCH_COLD_DOC;
const coldFile = process.env.BENCH_COLD_FILE;
utils.setPersistence({
  async bindState(name, doc) {
    if (coldDoc && coldFile && name === coldDoc) Y.applyUpdate(doc, await readFile(coldFile));
  },
  async writeState() {},
});

const server = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain" });
  res.end("ok");
});
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
wss.on("connection", (ws, req) => utils.setupWSConnection(ws, req));
server.on("upgrade", (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req)));
server.listen(Number(process.env.BENCH_PORT), "127.0.0.1", () => {
  process.stdout.write(`ready ${JSON.stringify({ url: `http://127.0.0.1:${process.env.BENCH_PORT}` })}\n`);
});
process.once("SIGTERM", () => {
  for (const ws of wss.clients) ws.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
