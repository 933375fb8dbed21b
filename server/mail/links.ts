/**
 * Unsubscribe links: `/mail/unsubscribe?u=<person>&k=<kind or "all">&s=<signature>`, where the
 * signature is an HMAC-SHA256 over the person and the kind with a key derived from
 * BETTER_AUTH_SECRET. They work signed out (a mail is read anywhere); a link whose person or kind was
 * altered, or that was made up, is refused. They only ever turn mail off.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { isMailKind, type MailKind } from "../../app/shared/mail";

function linkKey(secret: string): Buffer {
  return createHmac("sha256", secret).update("overleg mail links v1").digest();
}

function signature(secret: string, userId: string, kind: string): string {
  return createHmac("sha256", linkKey(secret)).update(`unsubscribe\n${userId}\n${kind}`).digest("base64url");
}

export function unsubscribeUrl(env: { PUBLIC_URL: string; BETTER_AUTH_SECRET: string }, userId: string, kind: MailKind | "all"): string {
  const query = new URLSearchParams({ u: userId, k: kind, s: signature(env.BETTER_AUTH_SECRET, userId, kind) });
  return `${env.PUBLIC_URL}/mail/unsubscribe?${query.toString()}`;
}

/** The person and kind a link stands for, or null when it is not one Overleg signed. */
export function verifyUnsubscribe(
  env: { BETTER_AUTH_SECRET: string },
  params: URLSearchParams,
): { userId: string; kind: MailKind | "all" } | null {
  const userId = params.get("u") ?? "";
  const kind = params.get("k") ?? "";
  const given = params.get("s") ?? "";
  if (!userId || userId.length > 100 || !(kind === "all" || isMailKind(kind)) || !/^[A-Za-z0-9_-]{43}$/.test(given)) return null;
  const expected = Buffer.from(signature(env.BETTER_AUTH_SECRET, userId, kind));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  return { userId, kind };
}
