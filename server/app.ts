/**
 * Overleg's one server: the Remix app, better-auth, the JSON API, the collab WebSocket and socket.io,
 * all on one HTTP server and port. `startServer` is what `npm start`, the tests and the benchmarks use.
 */
import { existsSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { toNodeHandler } from "better-auth/node";
import express from "express";
import { openDatabase, type Database } from "../db/index";
import { projectRoot } from "../db/root";
import { createApiRouter } from "./api";
import { createAuth, type AuthOptions } from "./auth";
import { createCollab, type Collab } from "./collab/index";
import { createServicesBase, type Services } from "./context";
import { ConfigError, type Env } from "./env";
import { DomainEventBus } from "./events";
import { compress } from "./http/compress";
import { refuseForeignOrigins } from "./http/origin";
import { securityHeaders } from "./http/security-headers";
import { settleMemory } from "./memory";
import { createLogger, type Logger } from "./log";
import { registerCommentEvents } from "./realtime/comments";
import { createRealtime, type Realtime } from "./realtime/index";
import { createSessionWatch, type SessionWatch, type SessionWatchOptions } from "./services/access";
import { AuditKeyError, loadAuditKey, startAuditAnchor, type AuditAnchor } from "./services/audit-anchor";
import { PUBLICATION_KEY_PATH } from "./services/publication/package";
import { watchReviewStatus } from "./commands/reviewReconcile";
import { createSuggestionLogger, type SuggestionLogger } from "./services/suggestion-log";
import { addHook } from "./collab/hooks";
import { backfillSearchIndex, createSearchIndexer, type SearchIndexer, type SearchIndexerOptions } from "./search/index";
import { startMailer, type Mailer, type MailerOptions } from "./mail/sender";

export interface StartOptions {
  env: Env;
  /** An already open database (tests); otherwise opened from env.DATABASE_URL. */
  database?: Database;
  /** How the Remix app is served: the production build, Vite's dev middleware, or not at all (API tests). */
  remix?: "build" | "dev" | "none";
  auth?: AuthOptions;
  log?: Logger;
  /** How often the audit anchor checks whether a checkpoint is due (default 60 s; 0: never). */
  auditCheckIntervalMs?: number;
  /** The audit key, when the caller read it already (`readAuditKey`). */
  auditKey?: ReturnType<typeof loadAuditKey>;
  /** Options passed to the collab server (limits, timings); tests shorten them. */
  collab?: Parameters<typeof createCollab>[1];
  /** The periodic re-check of every open connection's session (collab and socket.io); tests drive its clock. */
  sessionCheck?: SessionWatchOptions;
  /** How soon the search index follows stored changes; tests may shorten it. */
  search?: SearchIndexerOptions;
  /** The mail sender (server/mail): its clock, transport and timings; tests drive them. */
  mail?: MailerOptions;
  /** Give back the start-up's memory before listening (server/memory.ts); `npm start` does. */
  settleMemory?: boolean;
}

export interface OverlegServer {
  url: string;
  port: number;
  httpServer: Server;
  services: Services;
  /** Signed checkpoints of the audit chain (start, shutdown, publication, every AUDIT_CHECKPOINT_EVERY events). */
  auditAnchor: AuditAnchor;
  collab: Collab;
  realtime: Realtime;
  /** The periodic re-check of open connections' sessions; `check()` runs a round now. */
  sessions: SessionWatch;
  /** The search index's feed: `indexed(sectionId, until)` resolves once an edit is searchable. */
  search: SearchIndexer;
  /** The outbox sender and jobs of this node. */
  mailer: Mailer;
  /** The suggestion log (ADR 033); `settled()` resolves once stored changes and decisions are in it. */
  suggestionLog: SuggestionLogger;
  /** Stops accepting, flushes documents, closes connections with "going away", closes the database. */
  close(): Promise<void>;
}

/**
 * The audit key (docs/decisions/013-audit-checkpoints.md): generated in ./data outside production, and
 * required in production. Read before anything is opened, so that a missing key stops a start with
 * nothing created; a key that is not what it should be is a configuration error, not a stack trace.
 */
export function readAuditKey(env: Env): ReturnType<typeof loadAuditKey> {
  try {
    return loadAuditKey(env.AUDIT_KEY_FILE, { create: env.NODE_ENV !== "production" });
  } catch (error) {
    throw error instanceof AuditKeyError ? new ConfigError([error.message]) : error;
  }
}

export const buildDir = resolve(projectRoot, "build");

export async function startServer(options: StartOptions): Promise<OverlegServer> {
  const { env } = options;
  const log = options.log ?? createLogger(env.LOG_LEVEL);
  // Signed checkpoints of the audit chain (docs/decisions/013-audit-checkpoints.md).
  const auditKey = options.auditKey ?? readAuditKey(env);
  const database = options.database ?? (await openDatabase(env.DATABASE_URL));
  // Several nodes (REDIS_URL): collab fan-out and shared rate limits through Redis (server/scale).
  const events = new DomainEventBus();
  // Loaded on demand: a single node never loads ioredis.
  const scale = env.REDIS_URL ? (await import("./scale/index")).createScale(env.REDIS_URL, log, events) : undefined;
  const auth = createAuth(database, env, {
    ...options.auth,
    secondaryStorage: options.auth?.secondaryStorage ?? scale?.authStorage,
    accountLimitStore: options.auth?.accountLimitStore ?? scale?.accountLimits,
    // Sign-out and revoked sessions: every node asks that person's open connections again at once.
    onSessionEnded: ({ userId }) => events.emit("session.ended", { userId }),
    onMailQueued: () => events.emit("mail.queued", { count: 1 }),
    log,
  });
  const services = createServicesBase({ env, database, auth, events, log });
  const auditAnchor = await startAuditAnchor({ database, log }, auditKey, {
    every: env.AUDIT_CHECKPOINT_EVERY,
    intervalMs: options.auditCheckIntervalMs,
  });
  services.auditAnchor = auditAnchor;

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  // Before every route: the security headers (CSP with this response's script nonce) on every answer,
  // and the cross-site request forgery check on every request that can change something.
  app.use(securityHeaders({ publicUrl: env.PUBLIC_URL }));
  app.use(refuseForeignOrigins({ publicUrl: env.PUBLIC_URL, log }));
  // Pages, JSON and assets are sent compressed (brotli or gzip; server/http/compress.ts).
  app.use(compress());

  // The installation's public key (Ed25519, SPKI PEM): it verifies publication packages and audit
  // checkpoints; public, no sign-in (ADR 030).
  app.get(PUBLICATION_KEY_PATH, (_req, res) => {
    res.set("Cache-Control", "public, max-age=300");
    res.set("X-Overleg-Key-Id", auditAnchor.keyId);
    res.type("application/x-pem-file").send(auditAnchor.publicKeyPem);
  });

  // Unhealthy (503) without the database. With REDIS_URL, Redis is reported too, but its absence
  // only degrades the node (200, "degraded"): edits are still stored and reach other nodes once it is back.
  app.get("/healthz", async (_req, res) => {
    const redis = scale ? await scale.redisHealth() : undefined;
    const withRedis = redis === undefined ? {} : { redis };
    try {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        database.ping(),
        new Promise((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error("no answer within 3 s")), 3000);
        }),
      ]).finally(() => clearTimeout(timer));
      res.json(redis === undefined ? { status: "ok" } : { status: redis === "ok" ? "ok" : "degraded", database: "ok", ...withRedis });
    } catch (error) {
      log.error("health check failed", { error: String(error) });
      res.status(503).json({
        status: "error",
        ...(redis === undefined ? {} : { database: "unavailable", ...withRedis }),
        error: { code: "database_unavailable", message: "The database does not answer." },
      });
    }
  });

  // better-auth reads the client address (for sign-in rate limits) from this header only; it is set
  // here from the socket (or a trusted loopback proxy) for every request, overwriting anything the
  // client sent, so that the sign-in page's action (which calls auth.handler) is rate limited too.
  app.use((req, _res, next) => {
    req.headers["x-overleg-client-ip"] = req.ip ?? req.socket.remoteAddress ?? "unknown";
    next();
  });
  const authHandler = toNodeHandler(auth);
  app.all("/api/auth/*", (req, res) => {
    void authHandler(req, res);
  });
  app.use("/api/v1", createApiRouter(services));

  const httpServer = createHttpServer(app);
  const sessions = createSessionWatch(services, options.sessionCheck);
  const collab = createCollab(services, {
    ...options.collab,
    bus: options.collab?.bus ?? scale?.bus,
    accessChannel: options.collab?.accessChannel ?? scale?.events,
    sessions,
  });
  services.collab = collab;
  const stopReviewWatch = watchReviewStatus(services, collab);
  // The suggestion log (ADR 033): what stored changes suggested, and what editors decided about it.
  const suggestionLog = createSuggestionLogger(services, undefined, collab.readLoaded);
  const stopSuggestionLog = collab.onStored((sectionId, updates) => suggestionLog.schedule(sectionId, updates));
  const stopSuggestionDecide = addHook(collab.hooks.onStateless, suggestionLog.hook);
  // Search follows the stored text (after each stored burst of changes), comments and versions.
  await backfillSearchIndex(database, log);
  const search = createSearchIndexer(services, collab, options.search);
  const realtime = createRealtime(services, httpServer, { sessions, crossNode: scale?.events, adapter: scale?.socketAdapter });
  const stopCommentEvents = registerCommentEvents(services, realtime);
  const mailer = startMailer(services, options.mail);
  services.mailer = mailer;

  const mode = options.remix ?? "build";
  httpServer.on("upgrade", (req, socket, head) => {
    const path = (req.url ?? "").split("?")[0];
    if (path.startsWith("/collab/") || path === "/collab") collab.handleUpgrade(req, socket, head);
    else if (path.startsWith("/socket.io/")) return; // socket.io's own listener
    // In development, Vite's HMR client connects here too; Vite's own listener answers it.
    else if (mode === "dev" && /^vite-(hmr|ping)$/.test(String(req.headers["sec-websocket-protocol"]))) return;
    else socket.destroy();
  });

  let vite: { close(): Promise<void> } | undefined;
  if (mode === "dev") {
    const { createServer: createVite } = await import("vite");
    const devServer = await createVite({ server: { middlewareMode: true, hmr: { server: httpServer } }, appType: "custom" });
    vite = devServer;
    app.use(devServer.middlewares);
    app.all(
      "*",
      createRequestHandler({
        build: () => devServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>,
        getLoadContext: (_req, res) => ({ services, cspNonce: res.locals.cspNonce as string }),
      }),
    );
  } else if (mode === "build") {
    const serverBuild = resolve(buildDir, "server/index.js");
    if (!existsSync(serverBuild)) throw new Error(`No Remix build at ${serverBuild}: run \`npm run build\` first.`);
    const build = (await import(pathToFileURL(serverBuild).href)) as ServerBuild;
    app.use("/assets", express.static(resolve(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(resolve(buildDir, "client"), { maxAge: "1h" }));
    app.all("*", createRequestHandler({ build, getLoadContext: (_req, res) => ({ services, cspNonce: res.locals.cspNonce as string }) }));
  } else {
    app.use((_req, res) => res.status(404).json({ error: { code: "not_found", message: "Not found." } }));
  }

  if (options.settleMemory) settleMemory(log);
  await new Promise<void>((resolvePromise, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(env.PORT, env.HOST, () => resolvePromise());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    httpServer,
    services,
    auditAnchor,
    collab,
    realtime,
    sessions,
    search,
    mailer,
    suggestionLog,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((r) => httpServer.close(() => r()));
        await sessions.close();
        stopCommentEvents();
        await collab.close();
        await stopReviewWatch();
        stopSuggestionLog();
        stopSuggestionDecide();
        await suggestionLog.close();
        await search.close();
        await mailer.close();
        await realtime.close();
        await scale?.close();
        httpServer.closeAllConnections();
        await stopped;
        await auditAnchor.close();
        await vite?.close();
        if (!options.database) await database.close();
      })();
      return closing;
    },
  };
}
