/** A person's own API tokens, for the tokens page (never their hashes). */
import { desc, eq } from "drizzle-orm";
import type { Database } from "../../db/index";
import type { ApiTokenSummary } from "../../app/shared/api-tokens";
import type { Actor } from "../policy";

export async function listApiTokens(database: Database, actor: Actor, now = new Date()): Promise<ApiTokenSummary[]> {
  const { db, t } = database;
  const list = await db
    .select({
      id: t.apiTokens.id,
      name: t.apiTokens.name,
      createdAt: t.apiTokens.createdAt,
      expiresAt: t.apiTokens.expiresAt,
      lastUsedAt: t.apiTokens.lastUsedAt,
      revokedAt: t.apiTokens.revokedAt,
    })
    .from(t.apiTokens)
    .where(eq(t.apiTokens.userId, actor.id)) // the person's own (policy: apiTokenManage)
    .orderBy(desc(t.apiTokens.createdAt));
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return list.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: r.createdAt.toISOString(),
    expiresAt: iso(r.expiresAt),
    lastUsedAt: iso(r.lastUsedAt),
    revokedAt: iso(r.revokedAt),
    active: !r.revokedAt && (!r.expiresAt || r.expiresAt.getTime() > now.getTime()),
  }));
}
