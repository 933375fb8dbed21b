/**
 * Security headers on every response (pages, /api/v1, static files, errors):
 *
 *   app.use(securityHeaders({ publicUrl }));   // first, so even a 404 or a refusal carries them
 *   res.locals.cspNonce                             // the nonce of this response's inline scripts
 *
 * The Content-Security-Policy allows scripts only from Overleg itself and inline scripts that carry
 * this response's nonce (Remix's hydration scripts; app/entry.server.tsx passes the nonce on), no
 * plug-ins, no framing (frame-ancestors 'none'), forms only to Overleg, and network connections only
 * to Overleg's own origin, over HTTP and WebSocket (ws:/wss:, for the collab server and socket.io).
 * Styles may be inline: the editor (tiptap) injects its own style element, and the editor's carets,
 * avatars and comment positions are style attributes. HSTS is sent when PUBLIC_URL is https.
 * The same policy holds in development: Vite's scripts come from the own origin, its inline module
 * script is Remix's (with the nonce), its CSS arrives as style elements, and its HMR client connects
 * over a WebSocket on the same port (server/app.ts lets that upgrade through to Vite).
 */
import { randomBytes } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The nonce of this response's inline scripts (see server/http/security-headers.ts). */
    cspNonce: string;
  }
}

/** A Host header that can be written into the policy as it is (no spaces, semicolons or quotes). */
const PLAIN_HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "camera=()",
  "geolocation=()",
  "gyroscope=()",
  "magnetometer=()",
  "microphone=()",
  "payment=()",
  "usb=()",
].join(", ");

export interface SecurityHeaderOptions {
  publicUrl: string;
}

/** The Content-Security-Policy of one response. */
export function contentSecurityPolicy(nonce: string, publicUrl: string, host: string | undefined): string {
  const sockets = new Set<string>();
  const publicHost = new URL(publicUrl).host;
  for (const h of [publicHost, host]) {
    if (!h || !PLAIN_HOST.test(h)) continue;
    sockets.add(`ws://${h}`);
    sockets.add(`wss://${h}`);
  }
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${[...sockets].join(" ")}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function securityHeaders(options: SecurityHeaderOptions) {
  const https = new URL(options.publicUrl).protocol === "https:";
  return (req: Request, res: Response, next: NextFunction): void => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    res.set({
      "content-security-policy": contentSecurityPolicy(nonce, options.publicUrl, req.headers.host),
      "referrer-policy": "same-origin",
      "permissions-policy": PERMISSIONS_POLICY,
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      ...(https ? { "strict-transport-security": "max-age=31536000" } : {}),
    });
    next();
  };
}
