import type { HeadersFunction } from "@remix-run/node";

/**
 * A route `headers` export that passes on the named headers its loader or action set (for pages
 * that show a secret once: `cache-control: no-store`, `referrer-policy: no-referrer`).
 */
export function passOnHeaders(...names: string[]): HeadersFunction {
  return ({ actionHeaders, loaderHeaders }) => {
    const out = new Headers();
    for (const source of [loaderHeaders, actionHeaders]) {
      for (const name of names) {
        const value = source.get(name);
        if (value) out.set(name, value);
      }
    }
    return out;
  };
}
