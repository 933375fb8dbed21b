/**
 * Personal API tokens (docs/decisions/026-search-and-api-tokens.md): `ovl_` and 43 characters of
 * randomness (32 bytes, base64url). Only the SHA-256 of a token is stored (api_tokens.token_hash);
 * the token itself is shown once, when made. A token opens /api/v1 as its person, with exactly their
 * rights as they are at each request: refused when revoked, expired, or the person is disabled.
 */
import { createHash, randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Database } from "../../db/index";
import type { SignedIn } from "../context";
import { loadActor } from "../services/access";

export const TOKEN_PREFIX = "ovl_";
const TOKEN_PATTERN = /^ovl_[A-Za-z0-9_-]{43}$/;

/** A new token and the hash to store. */
export function newApiToken(): { token: string; hash: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, hash: hashApiToken(token) };
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Whether a bearer credential is a personal token (rather than a session token from sign-in). */
export function isApiToken(credential: string): boolean {
  return credential.startsWith(TOKEN_PREFIX);
}

/** last_used_at is written at most this often per token (a busy integration does not write on every call). */
const TOUCH_EVERY_MS = 60_000;

/** The person a personal token opens the API as, or null (unknown, revoked, expired, person disabled). */
export async function actorFromApiToken(database: Database, token: string, now = new Date()): Promise<SignedIn | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const { db, t } = database;
  const [row] = await db.select().from(t.apiTokens).where(eq(t.apiTokens.tokenHash, hashApiToken(token))).limit(1);
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now.getTime())) return null;
  const actor = await loadActor(database, row.userId);
  if (!actor) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db.update(t.apiTokens).set({ lastUsedAt: now }).where(eq(t.apiTokens.id, row.id));
  }
  // Not a session: the sessions page never lists it, and ending sessions does not end it (revoke it).
  return { ...actor, sessionId: `api-token:${row.id}` };
}
