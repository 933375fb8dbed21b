/**
 * better-auth: email and password, session cookies, and `Authorization: Bearer <session token>`.
 * One instance per process, created with the database it stores sessions in.
 *
 * Imported from better-auth's narrow entry points: `better-auth/minimal` (the same `betterAuth`
 * without the Kysely query builder, which the drizzle adapter does not need) and each plugin's own
 * module, not the `better-auth/plugins` barrel that loads every plugin better-auth has.
 */
import { betterAuth } from "better-auth/minimal";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";
import { secondFactorOf } from "./services/second-factor";
import { bearer } from "better-auth/plugins/bearer";
import { twoFactor } from "better-auth/plugins/two-factor";
import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../db/index";
import type { Env } from "./env";
import { enqueueMail } from "./mail/outbox";
import { ssoPlugin } from "./sso";

/** The code of a password sign-in refused because the person's organisation requires single sign-on. */
export const SSO_REQUIRED_CODE = "SSO_REQUIRED";
import { ACCOUNT_LOCKED_CODE, accountKey, DEFAULT_ACCOUNT_LIMIT, memoryAccountLimits, type AccountLimitRule, type AccountLimitStore } from "./sign-in-limit";

export interface AuthOptions {
  /** Sign-in attempts per minute and address; 0 turns rate limiting off (tests). */
  signInPerMinute?: number;
  /**
   * Secondary storage for rate-limit counters shared by every node (Redis). Only the rate limiter
   * uses it (through its `increment`); sessions stay in the database, where revoking one (deleting
   * its row) holds on every node at once.
   */
  secondaryStorage?: NonNullable<Parameters<typeof betterAuth>[0]["secondaryStorage"]>;
  /** Called after a session was deleted (sign-out, a revoked session), so open connections are asked again. */
  onSessionEnded?: (session: { userId: string }) => void;
  /**
   * The per-account limit on sign-in attempts (server/sign-in-limit.ts): its rule (tests shorten the
   * waits), or false to turn it off.
   */
  accountLimit?: Partial<AccountLimitRule> | false;
  /** Where the per-account counters live: Redis with several nodes (server/scale), else this process. */
  accountLimitStore?: AccountLimitStore;
  /** Called after a mail (a password reset) was written to the outbox, so the sender looks now. */
  onMailQueued?: () => void;
  /** Where single sign-on says why a provider failed. */
  log?: { warn(message: string, data?: Record<string, unknown>): void };
  /** Single sign-on's clock (ms), against which an ID token's expiry is judged; tests move it on. */
  ssoNow?: () => number;
}

/** Whether this email belongs to a person whose organisation signs in only through single sign-on. */
async function ssoRequiredFor(database: Database, email: string): Promise<boolean> {
  const { db, t } = database;
  const rows = await db
    .select({ required: t.organisations.requireSso })
    .from(t.user)
    .innerJoin(t.organisations, eq(t.organisations.id, t.user.organisationId))
    .where(eq(t.user.email, email.trim().toLowerCase()))
    .limit(1);
  return Boolean(rows[0]?.required);
}

function emailOf(body: unknown): string | null {
  const email = (body as { email?: unknown } | null | undefined)?.email;
  return typeof email === "string" && email.trim() ? email : null;
}

type RateLimitStorage = NonNullable<NonNullable<Parameters<typeof betterAuth>[0]["rateLimit"]>["customStorage"]>;

/** A fixed-window limit on a shared counter: the same rule as better-auth's own secondary-storage limiter. */
function rateLimitsIn(storage: NonNullable<AuthOptions["secondaryStorage"]>): RateLimitStorage {
  return {
    async consume(key, rule) {
      const count = await storage.increment(`rate-limit:${key}`, rule.window);
      return count <= rule.max ? { allowed: true, retryAfter: null } : { allowed: false, retryAfter: rule.window };
    },
  };
}

/** The endpoints that check a second factor; a success records it on the session (`secondFactorAt`). */
const SECOND_FACTOR_PATHS = new Set(["/two-factor/verify-totp", "/two-factor/verify-backup-code"]);

export function createAuth(database: Database, env: Env, options: AuthOptions = {}) {
  const { t } = database;
  const perMinute = options.signInPerMinute ?? 10;
  const accountRule = options.accountLimit === false ? null : { ...DEFAULT_ACCOUNT_LIMIT, ...options.accountLimit };
  const accountLimits = options.accountLimitStore ?? memoryAccountLimits();
  return betterAuth({
    appName: "Overleg",
    baseURL: env.PUBLIC_URL,
    secret: env.BETTER_AUTH_SECRET,
    trustedOrigins: [env.PUBLIC_URL],
    database: drizzleAdapter(database.db, {
      provider: database.dialect,
      schema: {
        user: t.user,
        session: t.session,
        account: t.account,
        verification: t.verification,
        rateLimit: t.rateLimit,
        twoFactor: t.twoFactor,
      },
    }),
    emailAndPassword: {
      enabled: true,
      disableSignUp: !env.ALLOW_SIGNUP,
      minPasswordLength: 12,
      autoSignIn: true,
      // "Forgot password?": the link goes out through the outbox (server/mail), valid for an hour; a
      // new password ends every session of the person.
      resetPasswordTokenExpiresIn: 60 * 60,
      revokeSessionsOnPasswordReset: true,
      async sendResetPassword({ user, url }) {
        const queued = await database.transaction((tx) => enqueueMail(tx, database, [{ kind: "password_reset", userId: user.id, data: { url } }]));
        if (queued) options.onMailQueued?.();
      },
    },
    session: {
      expiresIn: 60 * 60 * 24 * 7,
      updateAge: 60 * 60 * 24,
      additionalFields: {
        // Set by the after hook below when this session gives a second factor (sign-in or step-up).
        secondFactorAt: { type: "date", required: false, input: false },
      },
    },
    user: {
      additionalFields: {
        organisationId: { type: "string", required: false, input: false },
        isAdmin: { type: "boolean", required: false, defaultValue: false, input: false },
        locale: { type: "string", required: false, input: false },
        disabledAt: { type: "date", required: false, input: false },
      },
    },
    rateLimit: {
      enabled: perMinute > 0,
      window: 60,
      max: 300,
      storage: "database",
      customStorage: options.secondaryStorage ? rateLimitsIn(options.secondaryStorage) : undefined,
      customRules: {
        "/sign-in/email": { window: 60, max: Math.max(perMinute, 1) },
        // The two-factor plugin's own rule (3 in 10 s per address) would lock out colleagues behind
        // one ministry address; the plugin's per-account lockout (10 wrong codes: 15 minutes) slows guessing.
        "/two-factor/*": { window: 60, max: Math.max(perMinute * 3, 3) },
      },
    },
    advanced: {
      database: { generateId: () => crypto.randomUUID() },
      useSecureCookies: env.PUBLIC_URL.startsWith("https://"),
      ipAddress: { ipAddressHeaders: ["x-overleg-client-ip"] },
    },
    hooks: {
      // Counted before the password is checked, refused without checking it while the account waits.
      before: createAuthMiddleware(async (ctx) => {
        // A person a rule requires to have a second factor cannot turn theirs off.
        if (ctx.path === "/two-factor/disable") {
          const session = await getSessionFromCtx(ctx).catch(() => null);
          if (session && (await secondFactorOf(database, env, session.user.id)).required) {
            throw new APIError("FORBIDDEN", { code: "TWO_FACTOR_REQUIRED", message: "Two-factor authentication is required for you; it cannot be turned off." });
          }
          return;
        }
        // A person whose organisation requires single sign-on has no password sign-in (docs/decisions/029).
        const signingIn = ctx.path === "/sign-in/email" ? emailOf(ctx.body) : null;
        if (signingIn && (await ssoRequiredFor(database, signingIn))) {
          throw new APIError("FORBIDDEN", { code: SSO_REQUIRED_CODE, message: "Your organisation signs you in through its own account: use single sign-on." });
        }
        const email = accountRule && signingIn;
        if (!email || !accountRule) return;
        const verdict = await accountLimits.attempt(accountKey(email), accountRule, Date.now());
        if (verdict.allowed) return;
        const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
        throw new APIError(
          "TOO_MANY_REQUESTS",
          {
            code: ACCOUNT_LOCKED_CODE,
            message: `Too many failed sign-in attempts for this account. Try again in ${seconds} seconds.`,
            retryAfter: seconds,
          },
          { "Retry-After": String(seconds) },
        );
      }),
      after: createAuthMiddleware(async (ctx) => {
        const returned = ctx.context.returned;
        const succeeded = returned !== undefined && !isAPIError(returned) && !(returned instanceof Response && !returned.ok);
        if (!succeeded) return;
        // A successful sign-in starts the account afresh.
        const email = accountRule && ctx.path === "/sign-in/email" ? emailOf(ctx.body) : null;
        if (email) await accountLimits.reset(accountKey(email));
        // A second factor given (at sign-in, or again for a step-up): the session it was given in remembers when.
        // (Setting TOTP up replaces the session: the new one is `newSession`.)
        if (SECOND_FACTOR_PATHS.has(ctx.path ?? "")) {
          const returnedToken = (returned as { token?: unknown } | null)?.token;
          const tokens = [returnedToken, ctx.context.newSession?.session.token].filter((x): x is string => typeof x === "string" && x !== "");
          if (tokens.length) await database.db.update(t.session).set({ secondFactorAt: new Date() }).where(inArray(t.session.token, tokens));
          // Set up again after an admin reset it: the reset has done its work.
          const userId = ctx.context.newSession?.user.id ?? ctx.context.session?.user.id;
          if (userId) await database.db.update(t.user).set({ twoFactorResetAt: null }).where(and(eq(t.user.id, userId), eq(t.user.twoFactorEnabled, true)));
        }
      }),
    },
    databaseHooks: {
      session: {
        delete: {
          async after(session) {
            options.onSessionEnded?.({ userId: session.userId });
          },
        },
        create: {
          // A disabled person gets no new session (their existing ones were deleted when disabled).
          async before(session) {
            const rows = await database.db
              .select({ disabledAt: t.user.disabledAt })
              .from(t.user)
              .where(eq(t.user.id, session.userId))
              .limit(1);
            if (!rows[0] || rows[0].disabledAt) {
              throw new APIError("FORBIDDEN", { message: "This account is disabled.", code: "ACCOUNT_DISABLED" });
            }
          },
        },
      },
    },
    plugins: [
      bearer(),
      // TOTP with recovery codes (docs/decisions/022-identity-plugins.md). People who sign in only
      // through single sign-on have no password to confirm with; their session is the proof.
      twoFactor({ issuer: "Overleg", allowPasswordless: true }),
      // Single sign-on over OpenID Connect, with the providers an admin configured (docs/decisions/029).
      ssoPlugin({ database, env, log: options.log, now: options.ssoNow }),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

/** Creates a person with a password (seed, admin pages, invitations). Returns the new user's id. */
export async function createPerson(
  auth: Auth,
  input: { email: string; name: string; password: string; organisationId: string | null; isAdmin?: boolean },
  /** The password's hash made already (the demo people share one password: hashed once, ~0.2 s each). */
  passwordHash?: string,
): Promise<string> {
  const ctx = await auth.$context;
  const hash = passwordHash ?? (await ctx.password.hash(input.password));
  const created = await ctx.internalAdapter.createUser({
    email: input.email.toLowerCase(),
    name: input.name,
    emailVerified: true,
    organisationId: input.organisationId,
    isAdmin: input.isAdmin ?? false,
  }, { method: "admin" });
  await ctx.internalAdapter.linkAccount({
    userId: created.id,
    providerId: "credential",
    accountId: created.id,
    password: hash,
  });
  return created.id;
}
