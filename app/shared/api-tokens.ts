/**
 * Personal API tokens: their limits and what the tokens page lists. Free of zod, so the page's
 * browser bundle does not carry it (zod 4 probes for eval, which the CSP reports); the form's schema
 * is in server/commands/apiTokenCreate.ts.
 */

/** The most active tokens one person keeps. */
export const MAX_API_TOKENS = 20;
/** How long a new token lasts, in days; 0: until revoked. */
export const TOKEN_LIFETIMES = [30, 90, 365, 0] as const;

export interface ApiTokenSummary {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** Whether it still opens the API (neither revoked nor expired). */
  active: boolean;
}
