/**
 * What every door of the server shares: configuration, database, auth, the domain event bus and the
 * logger. Remix routes receive it as `context.services` (see server/app.ts `getLoadContext`) so that
 * the app and the server use one instance of each.
 */
import { and, eq, lt } from "drizzle-orm";
import type { Database } from "../db/index";
import type { Auth } from "./auth";
import type { Collab } from "./collab/index";
import type { Env } from "./env";
import type { DomainEventBus } from "./events";
import type { Logger } from "./log";
import type { Mailer } from "./mail/sender";
import { secondFactorGate, type Actor, type SecondFactorGate } from "./policy";
import { loadActor } from "./services/access";
import { secondFactorOf } from "./services/second-factor";
import type { AuditAnchor } from "./services/audit-anchor";

export type SignedIn = NonNullable<Awaited<ReturnType<typeof loadActor>>> & {
  /** The session this actor came from (its id; the sessions page marks it as this device). */
  sessionId: string;
};

/**
 * A session that is not let through yet: `setup`, its person must set up a second factor first;
 * `verify`, its person has one and this session has not given it (a sign-in through SSO).
 */
export type SessionGate = SecondFactorGate;

export interface SessionState {
  actor: SignedIn;
  gate: SessionGate;
  /** When the session expires (unless used again and extended). */
  expiresAt: Date;
}

export interface Services {
  env: Env;
  database: Database;
  auth: Auth;
  events: DomainEventBus;
  log: Logger;
  /** The live documents, once the collab server runs: server-side changes (restoring a version) go through it. */
  collab?: Pick<Collab, "applyServerChange">;
  /** Signed checkpoints of the audit chain, once the server runs (a publication records one). */
  auditAnchor?: Pick<AuditAnchor, "checkpoint" | "keyId" | "publicKeyPem" | "sign">;
  /** The mail sender, once the server runs (the admin Outbox page asks which transport it uses). */
  mailer?: Pick<Mailer, "transport" | "deliver">;
  /**
   * The signed-in person for these request headers (cookie or bearer token), or null; null too for a
   * session held at the second-factor gate (sessionFromHeaders), so that every door but the setup and
   * sign-out stays closed to it.
   */
  actorFromHeaders(headers: Headers): Promise<SignedIn | null>;
  /** The session for these headers with its gate: the setup, verification and sign-out pages use it. */
  sessionFromHeaders(headers: Headers): Promise<SessionState | null>;
}

const LAST_SEEN_EVERY_MS = 5 * 60_000;

export function createServicesBase(deps: Omit<Services, "actorFromHeaders" | "sessionFromHeaders">): Services {
  async function sessionFromHeaders(headers: Headers): Promise<SessionState | null> {
    const session = await deps.auth.api.getSession({ headers }).catch(() => null);
    if (!session) return null;
    const [person, secondFactor] = await Promise.all([
      loadActor(deps.database, session.user.id),
      secondFactorOf(deps.database, deps.env, session.user.id),
    ]);
    if (!person) return null;
    // "Last seen" on the sessions page: the session's updated_at, written at most every five minutes.
    const updatedAt = new Date(session.session.updatedAt);
    if (Date.now() - updatedAt.getTime() > LAST_SEEN_EVERY_MS) {
      const { db, t } = deps.database;
      await db
        .update(t.session)
        .set({ updatedAt: new Date() })
        .where(and(eq(t.session.id, session.session.id), lt(t.session.updatedAt, new Date(Date.now() - LAST_SEEN_EVERY_MS))))
        .catch((error: unknown) => deps.log.warn("could not note when a session was last used", { error: String(error) }));
    }
    const at = (session.session as { secondFactorAt?: Date | string | null }).secondFactorAt;
    const checkedAt = at ? new Date(at) : null;
    const state = { enabled: secondFactor.enabled, required: secondFactor.required, checkedAt };
    const actor: SignedIn = { ...person, sessionId: session.session.id, secondFactor: state };
    const gate = secondFactorGate(state, "session");
    return { actor, gate, expiresAt: new Date(session.session.expiresAt) };
  }
  return {
    ...deps,
    sessionFromHeaders,
    async actorFromHeaders(headers: Headers) {
      const state = await sessionFromHeaders(headers);
      return state && !state.gate ? state.actor : null;
    },
  };
}

export type { Actor };

declare module "@remix-run/node" {
  interface AppLoadContext {
    services: Services;
  }
}
