/** A person revokes one of their API tokens: the next request with it is refused (401). */
import { eq } from "drizzle-orm";
import { idSchema } from "../../app/shared/ids";
import { NotFound, parseInput } from "../errors";
import { apiTokenManage, type Actor } from "../policy";
import { appendAudit } from "../services/audit";
import { runCommand, type CommandDeps } from "./run";

export interface RevokeApiTokenProps {
  /** Who asks; from the session. */
  actor: Actor;
  /** The token's id (not the token). */
  tokenId: unknown;
}

export async function revokeApiToken(deps: CommandDeps, props: RevokeApiTokenProps): Promise<void> {
  const tokenId = parseInput(idSchema, props.tokenId, { field: "tokenId" });
  const { database } = deps;
  const { db, t } = database;
  await runCommand(deps, {
    load: async () => {
      const [row] = await db.select({ id: t.apiTokens.id, userId: t.apiTokens.userId, name: t.apiTokens.name }).from(t.apiTokens).where(eq(t.apiTokens.id, tokenId)).limit(1);
      if (!row) throw new NotFound("token", tokenId);
      return row;
    },
    // Someone else's token is not theirs to see: answered as unknown.
    authorize: (row) => {
      if (!apiTokenManage(props.actor, { ownerId: row.userId }).allowed) throw new NotFound("token", tokenId);
    },
    change: async (tx, row) => {
      const [current] = await tx.select({ revokedAt: t.apiTokens.revokedAt }).from(t.apiTokens).where(eq(t.apiTokens.id, row.id)).limit(1);
      if (!current || current.revokedAt) return { result: undefined };
      await tx.update(t.apiTokens).set({ revokedAt: new Date() }).where(eq(t.apiTokens.id, row.id));
      await appendAudit(tx, { actorId: props.actor.id, action: "api_token.revoked", subjectType: "api_token", subjectId: row.id, data: { name: row.name } });
      return { result: undefined };
    },
  });
}
