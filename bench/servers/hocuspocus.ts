/**
 * @hocuspocus/server 4 with its defaults on 127.0.0.1:BENCH_PORT. Its onLoadDocument hook fetches the
 * document named BENCH_COLD_DOC from the file BENCH_COLD_FILE (the cold-load scenario); nothing is
 * stored. Prints `ready {"url"}`.
 */
import "./gc";
import { readFile } from "node:fs/promises";
import { Server } from "@hocuspocus/server";
import * as Y from "yjs";

const coldDoc = process.env.BENCH_COLD_DOC;
const coldFile = process.env.BENCH_COLD_FILE;
const port = Number(process.env.BENCH_PORT);

const server = new Server({
  port,
  address: "127.0.0.1",
  quiet: true,
  // The many-sections scenario keeps idle connections open for a while.
  timeout: 600_000,
  async onLoadDocument({ documentName, document }) {
    if (coldDoc && coldFile && documentName === coldDoc) Y.applyUpdate(document, await readFile(coldFile));
    return document;
  },
});
await server.listen();
process.stdout.write(`ready ${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
process.once("SIGTERM", () => {
  void server.destroy().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 3000).unref();
});
