/** Converting Node's incoming headers into WHATWG Headers (for better-auth's getSession). */
import type { IncomingHttpHeaders } from "node:http";

export function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else headers.set(key, value);
  }
  return headers;
}

/**
 * Whether a browser request's Origin is Overleg's own: PUBLIC_URL's origin, any extra allowed
 * origin, or the origin of the Host the request was sent to (a same-origin request, e.g. the app
 * opened as localhost while PUBLIC_URL names 127.0.0.1). A foreign page's Origin matches none.
 */
export function isOwnOrigin(origin: string, host: string | undefined, publicUrl: string, extra: Iterable<string> = []): boolean {
  const allowed = new Set([new URL(publicUrl).origin, ...extra]);
  if (host) {
    allowed.add(`http://${host}`);
    allowed.add(`https://${host}`);
  }
  return allowed.has(origin);
}
