/**
 * Where a request comes from, and whether it may use the session cookie: one rule for the HTTP
 * server, the collab WebSocket and socket.io (docs/decisions/010-csrf-origin-check.md).
 *
 *   app.use(refuseForeignOrigins({ publicUrl, log }));                 // before Remix, /api/v1 and better-auth
 *   const verdict = checkSocketOrigin(req.headers, publicUrl, extra);  // collab upgrade, socket.io handshake
 *
 * A request that can change something (any method but GET, HEAD and OPTIONS) must name Overleg's own
 * origin in Origin (or, from a browser that sends no Origin, in Referer). Without either it is only
 * let through with `Authorization: Bearer`, which a page on another site cannot make a browser send.
 * Refusals are 403 `forbidden_origin`: JSON for the API and Remix's data requests, a short page in
 * Dutch and English otherwise. Remix's legacy `?_data=` URLs are refused outright (400): with single
 * fetch the app's own pages use `.data` URLs, and Remix skips its own Origin check on `?_data=`.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "../log";

/** Methods that only read: never checked (the app changes nothing on them). */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether a browser request's Origin is Overleg's own: PUBLIC_URL's origin, any extra allowed
 * origin, or the origin of the Host the request was sent to (a same-origin request, e.g. the app
 * opened as localhost while PUBLIC_URL names 127.0.0.1). A foreign page's Origin matches none, and
 * neither does the opaque origin `null` (a sandboxed frame, a page with Referrer-Policy: no-referrer).
 */
export function isOwnOrigin(origin: string, host: string | undefined, publicUrl: string, extra: Iterable<string> = []): boolean {
  if (origin === "null") return false;
  const allowed = new Set([new URL(publicUrl).origin, ...extra]);
  if (host) {
    allowed.add(`http://${host}`);
    allowed.add(`https://${host}`);
  }
  return allowed.has(origin);
}

export type OriginVerdict =
  | { ok: true }
  /** `foreign`: another site (or `null`); `missing`: neither Origin nor Referer, and no bearer token. */
  | { ok: false; reason: "foreign" | "missing"; origin: string | null };

/** The origin a request names: its Origin header, else its Referer's origin, else null. */
export function claimedOrigin(headers: IncomingHttpHeaders): string | null {
  const origin = headers.origin;
  if (typeof origin === "string" && origin !== "") return origin;
  const referer = headers.referer;
  if (typeof referer === "string" && referer !== "") {
    try {
      return new URL(referer).origin;
    } catch {
      return "null";
    }
  }
  return null;
}

function hasBearerToken(headers: IncomingHttpHeaders): boolean {
  return /^Bearer\s+\S/i.test(headers.authorization ?? "");
}

/**
 * The verdict on one request that can change something: its claimed origin must be Overleg's own;
 * a request that names none must carry a bearer token (a program, not a browser).
 */
export function checkRequestOrigin(headers: IncomingHttpHeaders, publicUrl: string, extra: Iterable<string> = []): OriginVerdict {
  const origin = claimedOrigin(headers);
  if (origin === null) return hasBearerToken(headers) ? { ok: true } : { ok: false, reason: "missing", origin: null };
  return isOwnOrigin(origin, headers.host, publicUrl, extra) ? { ok: true } : { ok: false, reason: "foreign", origin };
}

/**
 * The verdict on a WebSocket upgrade (collab) or socket.io handshake: a browser always sends Origin
 * there, so a foreign one is refused; a client without Origin is a program and is let through to
 * authentication, where it needs a session like anyone else.
 */
export function checkSocketOrigin(headers: { origin?: string | null; host?: string | null }, publicUrl: string, extra: Iterable<string> = []): OriginVerdict {
  const origin = headers.origin ?? undefined;
  if (origin === undefined || origin === "") return { ok: true };
  return isOwnOrigin(origin, headers.host ?? undefined, publicUrl, extra) ? { ok: true } : { ok: false, reason: "foreign", origin };
}

/**
 * Whether Remix would take this for a legacy data request: read as Remix reads it (all of the query
 * string through URLSearchParams; Express's own parser stops after 1000 parameters).
 */
export function isLegacyDataRequest(req: Request): boolean {
  const url = req.originalUrl || req.url;
  const at = url.indexOf("?");
  return at !== -1 && new URLSearchParams(url.slice(at + 1)).has("_data");
}

/** Whether the caller reads JSON: the API, Remix's data requests, or an Accept that prefers JSON. */
export function wantsJson(req: Request): boolean {
  if (req.path.startsWith("/api/") || req.path.endsWith(".data") || isLegacyDataRequest(req)) return true;
  const accept = req.headers.accept ?? "";
  return /application\/json/.test(accept) && !/text\/html/.test(accept);
}

const MESSAGES = {
  forbidden_origin: {
    missing: "This request does not say which website it came from (no Origin or Referer header); Overleg only accepts changes from its own pages, or from programs that send Authorization: Bearer <token>.",
    foreign: "This request came from another origin than Overleg's own; Overleg only accepts changes from its own pages.",
  },
  unsupported_data_request:
    "Overleg does not answer ?_data= requests; its pages load data from .data URLs. Reload the page to get the current version of the app.",
};

/** The page a person sees after a form posted from another website: what happened and what to do. */
function refusalPage(): string {
  return `<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Geweigerd · Refused — Overleg</title></head>
<body>
<main>
<h1>Dit verzoek is geweigerd</h1>
<p>Dit verzoek kwam van een andere website dan Overleg, of zei niet waar het vandaan kwam. Overleg voert alleen wijzigingen uit die vanaf zijn eigen pagina's worden verstuurd. Er is niets gewijzigd.</p>
<p><a href="/">Naar Overleg</a></p>
<hr>
<h1 lang="en">This request was refused</h1>
<p lang="en">This request came from another website than Overleg, or did not say where it came from. Overleg only makes changes sent from its own pages. Nothing was changed.</p>
<p lang="en"><a href="/">Go to Overleg</a></p>
</main>
</body>
</html>
`;
}

export interface OriginCheckOptions {
  publicUrl: string;
  /** Further origins whose pages may post (none by default). */
  allowedOrigins?: string[];
  log: Logger;
}

/**
 * The Express middleware: refuses every non-GET/HEAD/OPTIONS request whose origin is not Overleg's
 * own (see checkRequestOrigin) with 403, then any `?_data=` request with 400, before a route sees it.
 */
export function refuseForeignOrigins(options: OriginCheckOptions) {
  const extra = (options.allowedOrigins ?? []).map((o) => new URL(o).origin);
  return (req: Request, res: Response, next: NextFunction): void => {
    const verdict = SAFE_METHODS.has(req.method) ? ({ ok: true } as const) : checkRequestOrigin(req.headers, options.publicUrl, extra);
    if (!verdict.ok) {
      options.log.warn("request from a foreign origin refused", { method: req.method, path: req.path, origin: verdict.origin, reason: verdict.reason });
      res.status(403).set("cache-control", "no-store");
      if (wantsJson(req)) res.json({ error: { code: "forbidden_origin", message: MESSAGES.forbidden_origin[verdict.reason] } });
      else res.type("html").send(refusalPage());
      return;
    }
    if (isLegacyDataRequest(req)) {
      res.status(400).json({ error: { code: "unsupported_data_request", message: MESSAGES.unsupported_data_request } });
      return;
    }
    next();
  };
}
