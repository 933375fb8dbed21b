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
