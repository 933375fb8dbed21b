/** Personal API tokens: what the tokens page sends when a person creates one, and what it lists. */
import { z } from "zod";

/** The most active tokens one person keeps. */
export const MAX_API_TOKENS = 20;
/** How long a new token lasts, in days; 0: until revoked. */
export const TOKEN_LIFETIMES = [30, 90, 365, 0] as const;

export const createApiTokenSchema = z.strictObject({
  name: z.string().trim().min(1, "give the token a name").max(100, "at most 100 characters"),
  expiresInDays: z.coerce
    .number()
    .int()
    .refine((d) => (TOKEN_LIFETIMES as readonly number[]).includes(d), "must be 30, 90, 365 or 0 (never)")
    .default(90),
});
export type CreateApiTokenInput = z.output<typeof createApiTokenSchema>;

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
