/**
 * The JSON API under /api/v1. Its operations are the entries of server/api/endpoints.ts; this router
 * authenticates, parses (zod), runs and answers them, and serves their OpenAPI 3.1 document at
 * /api/v1/openapi.json.
 *
 * Who asks (docs/decisions/026-search-and-api-tokens.md):
 * - `Authorization: Bearer ovl_…`: a personal API token (server/api/tokens.ts), the person's rights
 *   as they are now; refused when revoked, expired or the person is disabled;
 * - `Authorization: Bearer <session token>`: the token better-auth returns in `set-auth-token` at sign-in;
 * - otherwise the app's session cookie. A request with an Authorization header is judged by it alone
 *   (its cookie is ignored); changes with the cookie pass the origin check first (server/http/origin.ts).
 *
 * Every error is `{ "error": { "code", "message" } }`: 400 bad_request (malformed id, query or body),
 * 401 unauthorized, 403 forbidden (with the policy's reason), 404 not_found (unknown id or route),
 * 405 method_not_allowed, 415 unsupported_media_type, 500 internal.
 */
import { z } from "zod";
import express, { Router, type NextFunction, type Request, type Response } from "express";
import type { Services, SignedIn } from "./context";
import { AppError, BAD_REQUEST, errorBody, parseInput } from "./errors";
import type { Endpoint } from "./api/endpoint";
import { endpoints as defaultEndpoints } from "./api/endpoints";
import { openApiDocument } from "./api/openapi";
import { actorFromApiToken, isApiToken } from "./api/tokens";
import { secondFactorOf } from "./services/second-factor";
import { secondFactorGate } from "./policy";

function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json(errorBody({ code, message }));
}

/** The person a request speaks for, or null. An Authorization header decides alone; else the cookie. */
async function actorOf(services: Services, req: Request): Promise<SignedIn | null> {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(authorization);
    if (!match) return null;
    if (isApiToken(match[1])) {
      const actor = await actorFromApiToken(services.database, match[1]);
      if (!actor) return null;
      // The session's gate holds for tokens too: a person who must set up a second factor opens no door yet.
      const second = await secondFactorOf(services.database, services.env, actor.id);
      return secondFactorGate({ ...second, checkedAt: null }, "token") ? null : actor;
    }
    return services.actorFromHeaders(new Headers({ authorization: `Bearer ${match[1]}` }));
  }
  const cookie = req.headers.cookie;
  return cookie ? services.actorFromHeaders(new Headers({ cookie })) : null;
}

const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ":$1");

export function createApiRouter(services: Services, endpoints: readonly Endpoint[] = defaultEndpoints): Router {
  const { log } = services;
  const router = Router();
  const json = express.json({ limit: "256kb", strict: true });

  router.use((_req, res, next) => {
    res.set("cache-control", "no-store");
    next();
  });

  router.get("/openapi.json", (_req, res) => {
    res.json(openApiDocument(endpoints, services.env.PUBLIC_URL));
  });

  const byPath = new Map<string, Endpoint[]>();
  for (const e of endpoints) byPath.set(e.path, [...(byPath.get(e.path) ?? []), e]);

  for (const [path, list] of byPath) {
    const allowed = list.map((e) => e.method);
    router.all(expressPath(path), (req, res, next) => {
      const method = req.method === "HEAD" ? "GET" : req.method;
      const e = list.find((x) => x.method === method);
      if (!e) {
        res.set("allow", [...allowed, ...(allowed.includes("GET") ? ["HEAD"] : [])].join(", "));
        return sendError(res, 405, "method_not_allowed", `${req.method} is not allowed on ${req.baseUrl}${req.path}; use ${allowed.join(" or ")}.`);
      }
      void (async () => {
        try {
          const actor = await actorOf(services, req);
          if (!actor) {
            res.set("www-authenticate", 'Bearer realm="overleg"');
            throw new AppError("unauthorized", "Sign in first, or send Authorization: Bearer <token>.", 401);
          }
          // Each path parameter on its own, named by its description ("section id: must be …").
          const params: Record<string, unknown> = {};
          for (const [name, schema] of Object.entries(e.params?.shape ?? {})) {
            params[name] = parseInput(schema as z.ZodType, req.params[name], { what: (schema as z.ZodType).description ?? name });
          }
          const query = parseInput(e.query ?? emptyQuery, req.query, { what: "query" });
          let body: unknown = undefined;
          if (e.body) {
            if (!req.is("application/json")) throw new AppError("unsupported_media_type", "Send the body as application/json.", 415);
            await new Promise<void>((resolve, reject) => json(req, res, (error?: unknown) => (error ? reject(error as Error) : resolve())));
            body = parseInput(e.body, req.body, { what: "body" });
          }
          const result = await e.run({ services, actor, params, query, body });
          if (e.status === 204) res.status(204).end();
          else res.status(e.status ?? 200).json(result);
        } catch (error) {
          // The API's contract is { error: { code, message } }: the form field of a refusal stays out.
          if (error instanceof AppError) return sendError(res, error.status, error.code, error.message);
          if (isClientError(error)) return next(error);
          log.error("api request failed", { method: req.method, path: req.originalUrl, error: String(error) });
          if (!res.headersSent) sendError(res, 500, "internal", "Overleg could not answer this request; try again shortly.");
        }
      })();
    });
  }

  router.use((req, res) => sendError(res, 404, "not_found", `There is no ${req.method} ${req.baseUrl}${req.path} in this API.`));
  // Errors Express raises itself, such as a path that is not valid percent-encoding or a body that is not JSON.
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (isClientError(error)) return sendError(res, 400, BAD_REQUEST, `The request could not be read: ${(error as Error).message}.`);
    log.error("api request failed", { method: req.method, path: req.originalUrl, error: String(error) });
    sendError(res, 500, "internal", "Overleg could not answer this request; try again shortly.");
  });
  return router;
}

/** An operation without query parameters refuses any: something in the query string is a mistake worth saying. */
const emptyQuery = z.strictObject({});

function isClientError(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" && status >= 400 && status < 500 && !(error instanceof AppError);
}
