/** A person makes a personal API token for an integration; the token is returned once, only its hash is kept. */
import { and, count, eq, gt, isNull, or } from "drizzle-orm";
import { z } from "zod";
import { MAX_API_TOKENS, TOKEN_LIFETIMES } from "../../app/shared/api-tokens";
import { newApiToken } from "../api/tokens";
import { CommandError, parseInput } from "../errors";
import { apiTokenManage, type Actor } from "../policy";
import { appendAudit } from "../services/audit";
import { runCommand, type CommandDeps } from "./run";

/** The tokens page's form: a name, and how many days the token lasts (0: until revoked). */
export const createApiTokenSchema = z.strictObject({
  name: z.string().trim().min(1, "give the token a name").max(100, "at most 100 characters"),
  expiresInDays: z.coerce
    .number()
    .int()
    .refine((d) => (TOKEN_LIFETIMES as readonly number[]).includes(d), "must be 30, 90, 365 or 0 (never)")
    .default(90),
});

export interface CreateApiTokenProps {
  /** Who asks; from the session (never from a token: a token does not make tokens). */
  actor: Actor;
  /** The form's fields: name, expiresInDays (parsed here with createApiTokenSchema). */
  input: unknown;
}

export interface CreatedApiToken {
  id: string;
  name: string;
  /** The token itself: shown to the person once, never stored. */
  token: string;
  expiresAt: Date | null;
}

export async function createApiToken(deps: CommandDeps, props: CreateApiTokenProps): Promise<CreatedApiToken> {
  const input = parseInput(createApiTokenSchema, props.input);
  const { database } = deps;
  const { t } = database;
  return runCommand(deps, {
    load: async () => undefined,
    authorize: () => {
      const verdict = apiTokenManage(props.actor, { ownerId: props.actor.id });
      if (!verdict.allowed) throw new CommandError(verdict.code, verdict.reason, 403);
    },
    change: async (tx) => {
      const now = new Date();
      const [active] = await tx
        .select({ n: count() })
        .from(t.apiTokens)
        .where(and(eq(t.apiTokens.userId, props.actor.id), isNull(t.apiTokens.revokedAt), or(isNull(t.apiTokens.expiresAt), gt(t.apiTokens.expiresAt, now))));
      if (Number(active?.n ?? 0) >= MAX_API_TOKENS) {
        throw new CommandError("too_many_tokens", `You have ${MAX_API_TOKENS} active tokens; revoke one first.`, 409);
      }
      const { token, hash } = newApiToken();
      const id = crypto.randomUUID();
      const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null;
      await tx.insert(t.apiTokens).values({ id, userId: props.actor.id, name: input.name, tokenHash: hash, createdAt: now, expiresAt });
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "api_token.created",
        subjectType: "api_token",
        subjectId: id,
        data: { name: input.name, expiresAt: expiresAt?.toISOString() ?? null },
      });
      return { result: { id, name: input.name, token, expiresAt } };
    },
  });
}
