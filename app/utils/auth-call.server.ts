/**
 * Calls one of better-auth's own endpoints for a page's form (auth.handler, so its rate limits, origin
 * check and plugins' hooks apply), with the browser's cookies and the headers better-auth reads.
 * The Set-Cookie headers of its answer are for the browser: `cookies` holds them to pass on.
 */
import type { AppLoadContext } from "@remix-run/node";

const PASSED_ON = ["cookie", "origin", "referer", "user-agent", "accept-language", "x-overleg-client-ip", "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest"];

export interface AuthAnswer<T> {
  ok: boolean;
  status: number;
  body: T | null;
  /** The error code better-auth answered with, if any. */
  code: string | null;
  /** Set-Cookie headers for the browser. */
  cookies: string[];
  headers: Headers;
}

export async function callAuth<T = Record<string, unknown>>(
  context: AppLoadContext,
  request: Request,
  path: string,
  body?: unknown,
  method: "POST" | "GET" = "POST",
): Promise<AuthAnswer<T>> {
  const { auth, env } = context.services;
  const headers = new Headers({ "content-type": "application/json" });
  for (const name of PASSED_ON) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  // A page's own form posts from our origin; better-auth checks it again.
  if (!headers.has("origin")) headers.set("origin", env.PUBLIC_URL);
  const response = await auth.handler(
    new Request(`${env.PUBLIC_URL}/api/auth${path}`, { method, headers, body: method === "POST" ? JSON.stringify(body ?? {}) : undefined }),
  );
  const parsed = (await response.json().catch(() => null)) as (T & { code?: unknown }) | null;
  return {
    ok: response.ok,
    status: response.status,
    body: parsed,
    code: !response.ok && parsed && typeof parsed.code === "string" ? parsed.code : null,
    cookies: response.headers.getSetCookie(),
    headers: response.headers,
  };
}

/** The cookie header a later call in the same action should send: the request's, with the new cookies over it. */
export function withCookies(request: Request, setCookies: string[]): Request {
  const jar = new Map<string, string>();
  for (const part of (request.headers.get("cookie") ?? "").split(/;\s*/)) {
    const i = part.indexOf("=");
    if (i > 0) jar.set(part.slice(0, i), part.slice(i + 1));
  }
  for (const c of setCookies) {
    const first = c.split(";")[0];
    const i = first.indexOf("=");
    if (i <= 0) continue;
    const value = first.slice(i + 1);
    if (value === "" || /max-age=0/i.test(c)) jar.delete(first.slice(0, i));
    else jar.set(first.slice(0, i), value);
  }
  const headers = new Headers(request.headers);
  headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
  return new Request(request.url, { method: "GET", headers });
}
