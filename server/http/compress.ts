/**
 * Compression of pages, JSON and assets (brotli when the browser accepts it, otherwise gzip):
 *
 *   app.use(compress());   // after the security headers, before every route
 *
 * Left alone: the collab WebSocket and socket.io paths (their upgrades never reach express, and
 * socket.io's long-polling answers are its own), answers that are compressed already (images, fonts,
 * PDF, ZIP, DOCX: `compressible` says no for their types), answers under 1 KB, and anything a route
 * marks with `Cache-Control: no-transform`. Fingerprinted files under /assets/ keep their year-long,
 * immutable cache (server/app.ts), so a browser fetches and decompresses each version once.
 */
import compression from "compression";
import type { Request, RequestHandler, Response } from "express";

const UNCOMPRESSED_PATHS = /^\/(?:collab|socket\.io)(?:\/|$)/;

export function compress(): RequestHandler {
  return compression({
    threshold: 1024,
    filter(req: Request, res: Response) {
      if (UNCOMPRESSED_PATHS.test(req.path)) return false;
      return compression.filter(req, res);
    },
  });
}
