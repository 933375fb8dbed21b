/**
 * A person's browser without a browser: a cookie jar over fetch (manual redirects), form posts to
 * the pages with the page's origin, and the visible text of an answer. For the identity tests, where
 * cookies change along the way (a pending two-factor sign-in, a session replaced after setup).
 */
import * as OTPAuth from "otpauth";

export class Jar {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  take(res: Response): Response {
    for (const c of res.headers.getSetCookie()) {
      const first = c.split(";")[0];
      const i = first.indexOf("=");
      const name = first.slice(0, i);
      const value = first.slice(i + 1);
      if (!value || /max-age=0(;|$)/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.take(await fetch(new URL(path, this.base), { headers: { cookie: this.header(), "accept-language": "en", ...headers }, redirect: "manual" }));
  }

  /** A page's form post (urlencoded, same origin). */
  async post(path: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Response> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    return this.take(
      await fetch(new URL(path, this.base), {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: this.base, cookie: this.header(), "accept-language": "en", ...headers },
        body,
        redirect: "manual",
      }),
    );
  }

  /** better-auth's JSON endpoints. */
  async api(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> | null; res: Response }> {
    const res = this.take(
      await fetch(new URL(`/api/auth${path}`, this.base), {
        method: "POST",
        headers: { "content-type": "application/json", origin: this.base, cookie: this.header() },
        body: JSON.stringify(body),
        redirect: "manual",
      }),
    );
    return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null, res };
  }

  async signIn(email: string, password: string) {
    return this.api("/sign-in/email", { email, password });
  }
}

/** Visible text, roughly: tags removed, entities decoded, whitespace collapsed. */
export function visibleText(html: string): string {
  const body = html.replace(/<script[\s\S]*?<\/script>/g, "").replace(/<!-- -->/g, "").replace(/<[^>]+>/g, " ");
  return body
    .replace(/&amp;/g, "&")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/\s+/g, " ");
}

/** The authenticator app: the current code for an otpauth:// URI or a base32 secret. */
export function totpCode(uriOrSecret: string, at = Date.now()): string {
  const totp = uriOrSecret.startsWith("otpauth://")
    ? (OTPAuth.URI.parse(uriOrSecret) as OTPAuth.TOTP)
    : new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(uriOrSecret), digits: 6, period: 30 });
  return totp.generate({ timestamp: at });
}
