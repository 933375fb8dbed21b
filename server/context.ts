/**
 * What every door of the server shares: configuration, database, auth, the domain event bus and the
 * logger. Remix routes receive it as `context.services` (see server/app.ts `getLoadContext`) so that
 * the app and the server use one instance of each.
 */
import type { Database } from "../db/index";
import type { Auth } from "./auth";
import type { Collab } from "./collab/index";
import type { Env } from "./env";
import type { DomainEventBus } from "./events";
import type { Logger } from "./log";
import type { Mailer } from "./mail/sender";
import type { Actor } from "./policy";
import { loadActor } from "./services/access";
import type { AuditAnchor } from "./services/audit-anchor";

export type SignedIn = NonNullable<Awaited<ReturnType<typeof loadActor>>>;

export interface Services {
  env: Env;
  database: Database;
  auth: Auth;
  events: DomainEventBus;
  log: Logger;
  /** The live documents, once the collab server runs: server-side changes (restoring a version) go through it. */
  collab?: Pick<Collab, "applyServerChange">;
  /** Signed checkpoints of the audit chain, once the server runs (a publication records one). */
  auditAnchor?: Pick<AuditAnchor, "checkpoint">;
  /** The mail sender, once the server runs (the admin Outbox page asks which transport it uses). */
  mailer?: Pick<Mailer, "transport" | "deliver">;
  /** The signed-in person for these request headers (cookie or bearer token), or null. */
  actorFromHeaders(headers: Headers): Promise<SignedIn | null>;
}

export function createServicesBase(deps: Omit<Services, "actorFromHeaders">): Services {
  return {
    ...deps,
    async actorFromHeaders(headers: Headers) {
      const session = await deps.auth.api.getSession({ headers }).catch(() => null);
      if (!session) return null;
      return loadActor(deps.database, session.user.id);
    },
  };
}

export type { Actor };

declare module "@remix-run/node" {
  interface AppLoadContext {
    services: Services;
  }
}
