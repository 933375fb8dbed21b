/**
 * Single sign-on over OpenID Connect (docs/decisions/029-single-sign-on.md). An admin configures
 * providers per organisation (`sso_providers`, /admin/sso); the protocol is `openid-client`'s: the
 * authorization code flow with PKCE, `state` and `nonce` checked, the ID token's issuer, audience,
 * expiry and signature (the provider's published keys) verified. What is ours is the mapping: which
 * person a verified email is, in which organisation, and the better-auth session that follows.
 *
 * The two endpoints are a better-auth plugin, so the session is made (and its cookie signed) by
 * better-auth itself, with its hooks (a disabled person gets none) and its rate limit:
 * - GET /api/auth/sso/start?provider=<id> (or ?email=<address>: the provider of its domain)
 * - GET /api/auth/sso/callback (the redirect URI to register at the provider)
 * A refusal ends on /sign-in?sso=<code>, which says what went wrong in words.
 */
import { and, eq } from "drizzle-orm";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthEndpoint } from "better-auth/api";
import { setSessionCookie } from "better-auth/cookies";
import { symmetricDecrypt, symmetricEncrypt } from "better-auth/crypto";
import type * as Oidc from "openid-client";
import { z } from "zod";
import type { Database } from "../db/index";
import { issuerAllowed, type ConfiguredSsoProvider, type Env } from "./env";
import { appendAudit } from "./services/audit";
import { findInvitation } from "./views/invitations";

export const SSO_CALLBACK_PATH = "/api/auth/sso/callback";
const STATE_COOKIE = "overleg_sso_state";
const STATE_TTL_MS = 10 * 60_000;

/** Why a single sign-on was refused; /sign-in?sso=<code> shows each in words. */
export const SSO_ERRORS = [
  "unknown_provider",
  "no_provider",
  "state",
  "provider_failed",
  "no_email",
  "email_unverified",
  "domain",
  "other_organisation",
  "no_account",
  "disabled",
] as const;
export type SsoError = (typeof SSO_ERRORS)[number];

export interface SsoProviderRow {
  id: string;
  organisationId: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  domains: string[];
  createPeople: boolean;
  enabled: boolean;
  updatedAt: Date;
  /** "configuration": from SSO_<n>_… (read-only on /admin/sso; its secret is not encrypted, it never was stored). */
  source: "admin" | "configuration";
}

export { issuerAllowed };

function isLoopback(url: URL): boolean {
  return url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

/** The domain part of an email address, lower case. */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).trim().toLowerCase();
}

export function encryptSecret(env: Pick<Env, "BETTER_AUTH_SECRET">, secret: string): Promise<string> {
  return symmetricEncrypt({ key: env.BETTER_AUTH_SECRET, data: secret });
}

function decryptSecret(env: Pick<Env, "BETTER_AUTH_SECRET">, stored: string): Promise<string> {
  return symmetricDecrypt({ key: env.BETTER_AUTH_SECRET, data: stored });
}

function rowOf(r: Record<string, unknown>): SsoProviderRow {
  const domains = typeof r.domains === "string" ? (JSON.parse(r.domains) as string[]) : (r.domains as string[]);
  return {
    id: String(r.id),
    organisationId: String(r.organisationId),
    name: String(r.name),
    issuer: String(r.issuer),
    clientId: String(r.clientId),
    clientSecret: String(r.clientSecret),
    domains,
    createPeople: Boolean(r.createPeople),
    enabled: Boolean(r.enabled),
    updatedAt: new Date(r.updatedAt as Date),
    source: "admin",
  };
}

/**
 * The providers from the configuration, per database (set when the better-auth plugin is made). Kept
 * on globalThis: the server bundle and the Remix build each have their own copy of this module, and
 * both must see the same list.
 */
const REGISTRY = Symbol.for("overleg.sso.configured");
const configured: WeakMap<Database, { providers: ConfiguredSsoProvider[]; since: Date }> = ((globalThis as Record<symbol, unknown>)[REGISTRY] ??= new WeakMap()) as WeakMap<
  Database,
  { providers: ConfiguredSsoProvider[]; since: Date }
>;

export function setConfiguredSsoProviders(database: Database, providers: ConfiguredSsoProvider[]): void {
  configured.set(database, { providers, since: new Date() });
}

/** The configured providers whose organisation (by short code) does not exist: named on /admin/sso, offered nowhere. */
export async function unresolvedConfiguredProviders(database: Database): Promise<ConfiguredSsoProvider[]> {
  const entry = configured.get(database);
  if (!entry?.providers.length) return [];
  const codes = await organisationCodes(database, entry.providers);
  return entry.providers.filter((p) => !codes.has(p.organisation.toLowerCase()));
}

async function organisationCodes(database: Database, providers: ConfiguredSsoProvider[]): Promise<Map<string, string>> {
  const { db, t } = database;
  const wanted = [...new Set(providers.map((p) => p.organisation))];
  const rows = await db.select({ id: t.organisations.id, shortCode: t.organisations.shortCode }).from(t.organisations);
  const wantedLower = new Set(wanted.map((c) => c.toLowerCase()));
  return new Map(rows.filter((r) => wantedLower.has(String(r.shortCode).toLowerCase())).map((r) => [String(r.shortCode).toLowerCase(), r.id]));
}

async function configuredRows(database: Database): Promise<SsoProviderRow[]> {
  const entry = configured.get(database);
  if (!entry?.providers.length) return [];
  const codes = await organisationCodes(database, entry.providers);
  return entry.providers.flatMap((p) => {
    const organisationId = codes.get(p.organisation.toLowerCase());
    if (!organisationId) return [];
    return [
      {
        id: p.id,
        organisationId,
        name: p.name,
        issuer: p.issuer,
        clientId: p.clientId,
        clientSecret: p.clientSecret,
        domains: p.domains,
        createPeople: p.createPeople,
        enabled: true,
        updatedAt: entry.since,
        source: "configuration" as const,
      },
    ];
  });
}

/**
 * Whether an organisation that requires single sign-on would be left without an enabled provider
 * (its people could not sign in at all) if `change` were applied to its providers.
 */
export async function wouldLockOut(database: Database, organisationId: string, change: (providers: SsoProviderRow[]) => SsoProviderRow[]): Promise<boolean> {
  const { db, t } = database;
  const [org] = await db.select({ requireSso: t.organisations.requireSso }).from(t.organisations).where(eq(t.organisations.id, organisationId)).limit(1);
  if (!org?.requireSso) return false;
  const after = change((await listSsoProviders(database)).filter((p) => p.organisationId === organisationId));
  return !after.some((p) => p.organisationId === organisationId && p.enabled);
}

/**
 * Every provider, for the sign-in page and the admin page (an admin's secret stays encrypted): those
 * from the configuration (whose organisation exists) first, then the admin's.
 */
export async function listSsoProviders(database: Database): Promise<SsoProviderRow[]> {
  const { db, t } = database;
  const rows = await db.select().from(t.ssoProviders).orderBy(t.ssoProviders.name);
  return [...(await configuredRows(database)), ...rows.map((r) => rowOf(r as unknown as Record<string, unknown>))];
}

async function providerById(database: Database, id: string): Promise<SsoProviderRow | null> {
  if (id.startsWith("config-")) return (await configuredRows(database)).find((p) => p.id === id) ?? null;
  const { db, t } = database;
  const [row] = await db.select().from(t.ssoProviders).where(eq(t.ssoProviders.id, id)).limit(1);
  return row ? rowOf(row as unknown as Record<string, unknown>) : null;
}

/** The enabled provider that speaks for this email's domain, if any (the sign-in page's "use my organisation's account"). */
export async function providerForEmail(database: Database, email: string): Promise<SsoProviderRow | null> {
  const domain = domainOf(email);
  return (await listSsoProviders(database)).find((p) => p.enabled && p.domains.includes(domain)) ?? null;
}

/** openid-client, loaded with the first single sign-on, not at start. */
let oidcModule: Promise<typeof Oidc> | undefined;
function openidClient(): Promise<typeof Oidc> {
  return (oidcModule ??= import("openid-client"));
}

/** Discovered configurations per provider, until the provider is changed (its updated_at). */
const configurations = new Map<string, { version: string; config: Promise<Oidc.Configuration> }>();

/**
 * `skew`: seconds this server's clock is ahead of the machine's (0 but in tests); an ID token's expiry
 * (exp, with openid-client's tolerance of 30 s) is judged by it.
 */
function configurationOf(env: Pick<Env, "BETTER_AUTH_SECRET">, provider: SsoProviderRow, skew = 0): Promise<Oidc.Configuration> {
  const version = `${provider.updatedAt.getTime()}:${skew}`;
  const cached = configurations.get(provider.id);
  if (cached && cached.version === version) return cached.config;
  const config = (async () => {
    const oidc = await openidClient();
    const issuer = new URL(provider.issuer);
    const secret = provider.source === "configuration" ? provider.clientSecret : await decryptSecret(env, provider.clientSecret);
    const configuration = await oidc.discovery(issuer, provider.clientId, { client_secret: secret, [oidc.clockSkew]: skew }, undefined, {
      execute: isLoopback(issuer) ? [oidc.allowInsecureRequests] : [],
      timeout: 10,
    });
    // Verify the ID token's signature with the provider's published keys (not only its claims).
    oidc.enableNonRepudiationChecks(configuration);
    return configuration;
  })();
  config.catch(() => configurations.delete(provider.id));
  configurations.set(provider.id, { version, config });
  return config;
}

interface FlowState {
  /** The invitation being accepted, if the flow started from one: it lets a provider that creates nobody create its person. */
  invitation?: string;
  providerId: string;
  verifier: string;
  nonce: string;
  redirectTo: string;
}

function safeRedirect(to: unknown): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return "/";
  if ([...to].some((c) => c.charCodeAt(0) < 0x20)) return "/";
  return to;
}

function fail(code: SsoError): string {
  return `/sign-in?sso=${code}`;
}

export interface SsoPluginDeps {
  database: Database;
  env: Pick<Env, "BETTER_AUTH_SECRET" | "PUBLIC_URL"> & Partial<Pick<Env, "SSO_PROVIDERS">>;
  log?: { warn(message: string, data?: Record<string, unknown>): void };
  /** This server's idea of now (ms), against which an ID token's expiry is checked (tests move it on). */
  now?: () => number;
}

/** The better-auth plugin with the two endpoints. */
export function ssoPlugin(deps: SsoPluginDeps) {
  const { database, env } = deps;
  const secure = env.PUBLIC_URL.startsWith("https://");
  const callbackUrl = `${env.PUBLIC_URL}${SSO_CALLBACK_PATH}`;
  setConfiguredSsoProviders(database, env.SSO_PROVIDERS ?? []);
  return {
    id: "overleg-sso",
    endpoints: {
      ssoStart: createAuthEndpoint(
        "/sso/start",
        {
          method: "GET",
          query: z.object({
            provider: z.string().max(100).optional(),
            email: z.string().trim().max(254).optional(),
            redirectTo: z.string().max(2000).optional(),
            invitation: z.string().max(200).optional(),
          }),
        },
        async (ctx) => {
          const { provider: providerId, email } = ctx.query;
          const provider = providerId ? await providerById(database, providerId) : email ? await providerForEmail(database, email) : null;
          if (!provider || !provider.enabled) throw ctx.redirect(fail(providerId ? "unknown_provider" : "no_provider"));
          let config: Oidc.Configuration;
          try {
            config = await configurationOf(env, provider);
          } catch (error) {
            deps.log?.warn("single sign-on provider could not be reached", { provider: provider.id, error: String(error) });
            throw ctx.redirect(fail("provider_failed"));
          }
          const oidc = await openidClient();
          const state = oidc.randomState();
          const nonce = oidc.randomNonce();
          const verifier = oidc.randomPKCECodeVerifier();
          const flow: FlowState = {
            providerId: provider.id,
            verifier,
            nonce,
            redirectTo: safeRedirect(ctx.query.redirectTo),
            ...(ctx.query.invitation ? { invitation: ctx.query.invitation } : {}),
          };
          await ctx.context.internalAdapter.createVerificationValue({
            identifier: `sso:${state}`,
            value: JSON.stringify(flow),
            expiresAt: new Date(Date.now() + STATE_TTL_MS),
          });
          // The state is bound to this browser: the callback must come back with the same cookie.
          ctx.setCookie(STATE_COOKIE, state, { httpOnly: true, sameSite: "lax", secure, path: "/api/auth/sso", maxAge: STATE_TTL_MS / 1000 });
          const url = oidc.buildAuthorizationUrl(config, {
            redirect_uri: callbackUrl,
            scope: "openid email profile",
            response_type: "code",
            state,
            nonce,
            code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
            code_challenge_method: "S256",
            ...(email ? { login_hint: email } : {}),
          });
          throw ctx.redirect(url.href);
        },
      ),
      ssoCallback: createAuthEndpoint(
        "/sso/callback",
        { method: "GET", query: z.record(z.string(), z.string()).optional() },
        async (ctx) => {
          const query = ctx.query ?? {};
          const state = query.state ?? "";
          const cookieState = ctx.getCookie(STATE_COOKIE);
          ctx.setCookie(STATE_COOKIE, "", { httpOnly: true, sameSite: "lax", secure, path: "/api/auth/sso", maxAge: 0 });
          if (!state || !cookieState || cookieState !== state) throw ctx.redirect(fail("state"));
          // One use: a replayed callback finds nothing.
          const saved = await ctx.context.internalAdapter.consumeVerificationValue(`sso:${state}`);
          if (!saved || new Date(saved.expiresAt).getTime() < Date.now()) throw ctx.redirect(fail("state"));
          const flow = JSON.parse(saved.value) as FlowState;
          const provider = await providerById(database, flow.providerId);
          if (!provider || !provider.enabled) throw ctx.redirect(fail("unknown_provider"));

          let claims: Record<string, unknown>;
          try {
            const config = await configurationOf(env, provider, deps.now ? Math.round((deps.now() - Date.now()) / 1000) : 0);
            const current = new URL(callbackUrl);
            for (const [k, v] of Object.entries(query)) current.searchParams.set(k, v);
            const oidc = await openidClient();
            const tokens = await oidc.authorizationCodeGrant(config, current, {
              pkceCodeVerifier: flow.verifier,
              expectedState: state,
              expectedNonce: flow.nonce,
              idTokenExpected: true,
            });
            const idClaims = tokens.claims();
            if (!idClaims) throw new Error("no ID token");
            claims = { ...idClaims };
            // Providers may keep email claims for the userinfo endpoint (its subject must be the ID token's).
            if (claims.email === undefined || claims.email_verified === undefined) {
              const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
              claims = { ...info, ...claims, email: claims.email ?? info.email, email_verified: claims.email_verified ?? info.email_verified };
            }
          } catch (error) {
            deps.log?.warn("single sign-on refused", { provider: provider.id, error: String(error) });
            throw ctx.redirect(fail("provider_failed"));
          }

          const sub = String(claims.sub);
          const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
          if (!email || !email.includes("@")) throw ctx.redirect(fail("no_email"));
          if (claims.email_verified !== true) throw ctx.redirect(fail("email_unverified"));
          if (!provider.domains.includes(domainOf(email))) throw ctx.redirect(fail("domain"));

          const userId = await personFor(database, provider, { sub, email, name: typeof claims.name === "string" ? claims.name : "" }, flow.invitation);
          if (typeof userId !== "string") throw ctx.redirect(fail(userId.refused));

          const user = await ctx.context.internalAdapter.findUserById(userId);
          if (!user) throw ctx.redirect(fail("no_account"));
          let session;
          try {
            session = await ctx.context.internalAdapter.createSession(userId);
          } catch (error) {
            if (error instanceof APIError) throw ctx.redirect(fail("disabled"));
            throw error;
          }
          await setSessionCookie(ctx, { session, user });
          throw ctx.redirect(flow.redirectTo);
        },
      ),
    },
  } satisfies BetterAuthPlugin;
}

/**
 * The person a verified identity is: the one linked to this provider and subject before; else the
 * person with this email (linked now, when they belong to the provider's organisation); else a new
 * person in that organisation, when the provider may create people or the flow started from a pending
 * invitation for this very email (into the provider's organisation, which must be the invitation's).
 */
async function personFor(
  database: Database,
  provider: SsoProviderRow,
  who: { sub: string; email: string; name: string },
  invitationToken?: string,
): Promise<string | { refused: SsoError }> {
  const { db, t } = database;
  const providerId = `sso:${provider.id}`;
  const [linked] = await db
    .select({ userId: t.account.userId, organisationId: t.user.organisationId })
    .from(t.account)
    .innerJoin(t.user, eq(t.user.id, t.account.userId))
    .where(and(eq(t.account.providerId, providerId), eq(t.account.accountId, who.sub)))
    .limit(1);
  if (linked) return linked.organisationId === provider.organisationId ? linked.userId : { refused: "other_organisation" };
  const [person] = await db.select({ id: t.user.id, organisationId: t.user.organisationId }).from(t.user).where(eq(t.user.email, who.email)).limit(1);
  if (person && person.organisationId !== provider.organisationId) return { refused: "other_organisation" };
  if (!person && !provider.createPeople) {
    const invitation = invitationToken ? await findInvitation({ database }, invitationToken).catch(() => null) : null;
    const invited = invitation && invitation.state === "pending" && invitation.email === who.email;
    if (!invited) return { refused: "no_account" };
    if (invitation.organisationId && invitation.organisationId !== provider.organisationId) return { refused: "other_organisation" };
  }
  const now = new Date();
  return database.transaction(async (tx) => {
    let userId = person?.id;
    if (!userId) {
      userId = crypto.randomUUID();
      await tx.insert(t.user).values({
        id: userId,
        name: who.name.trim().slice(0, 200) || who.email,
        email: who.email,
        emailVerified: true,
        organisationId: provider.organisationId,
        createdAt: now,
        updatedAt: now,
      });
    }
    await tx.insert(t.account).values({ id: crypto.randomUUID(), accountId: who.sub, providerId, userId, createdAt: now, updatedAt: now });
    await appendAudit(tx, {
      actorId: userId,
      action: person ? "sso.linked" : "sso.person_created",
      subjectType: "person",
      subjectId: userId,
      data: { email: who.email, provider: provider.name, providerId: provider.id, organisationId: provider.organisationId },
    });
    return userId;
  });
}
