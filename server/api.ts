/**
 * The JSON API under /api/v1, for the same session cookie as the app or `Authorization: Bearer <token>`
 * (the token better-auth returns in the `set-auth-token` header at sign-in).
 *
 *   GET /api/v1/workspaces       → { workspaces: [{ id, title, description, deadline, leadOrganisation, role,
 *                                    sections: [{ id, title, status, position, updatedAt }] }] }
 *   GET /api/v1/sections/<id>    → { id, title, status, position, updatedAt, workspace: { id, title }, markdown }
 *
 * Answers hold only what the policy module lets the caller see. Every error is
 * `{ "error": { "code", "message" } }`: 400 bad_request (malformed id or query), 401 unauthorized,
 * 403 forbidden (with the policy's reason), 404 not_found (unknown id or route), 405 method_not_allowed,
 * 500 internal.
 */
import { Router, type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import type { Services, SignedIn } from "./context";
import { toMarkdown } from "./document";
import { toHeaders } from "./http";
import { AppError, BAD_REQUEST, errorBody, parseInput } from "./errors";
import { authorize } from "./policy";
import { entityId } from "./realtime/schemas";
import { loadSectionFacts } from "./services/access";
import { loadStoredDoc } from "./services/section-text";
import { getWorkspaceUnchecked, listWorkspacesFor } from "./views/workspaces";

function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json(errorBody({ code, message }));
}

/** No route takes query parameters yet: anything in the query string is a mistake worth saying. */
const noQuery = z.strictObject({});

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  return parseInput(schema, value, { what });
}

type Handler = (req: Request, actor: SignedIn) => Promise<unknown>;

export function createApiRouter(services: Services): Router {
  const { database, log } = services;
  const router = Router();

  router.use((_req, res, next) => {
    res.set("cache-control", "no-store");
    next();
  });

  /** One route: its methods are answered after sign-in; any other method gets 405 with Allow. */
  function route(path: string, methods: { GET: Handler }): void {
    const allowed = Object.keys(methods);
    router.all(path, (req, res) => {
      const method = req.method === "HEAD" ? "GET" : req.method;
      const handler = (methods as Record<string, Handler | undefined>)[method];
      if (!handler) {
        res.set("allow", [...allowed, "HEAD"].join(", "));
        return sendError(res, 405, "method_not_allowed", `${req.method} is not allowed on ${req.baseUrl}${req.path}; use ${allowed.join(" or ")}.`);
      }
      void (async () => {
        try {
          const actor = await services.actorFromHeaders(toHeaders(req.headers));
          if (!actor) {
            res.set("www-authenticate", 'Bearer realm="overleg"');
            throw new AppError("unauthorized", "Sign in first, or send Authorization: Bearer <token>.", 401);
          }
          parse(noQuery, req.query, "query");
          res.json(await handler(req, actor));
        } catch (error) {
          // The API's contract is { error: { code, message } }: the form field of a refusal stays out.
          if (error instanceof AppError) return sendError(res, error.status, error.code, error.message);
          log.error("api request failed", { method: req.method, path: req.originalUrl, error: String(error) });
          if (!res.headersSent) sendError(res, 500, "internal", "Overleg could not answer this request; try again shortly.");
        }
      })();
    });
  }

  route("/workspaces", {
    async GET(_req, actor) {
      const workspaces = await listWorkspacesFor(database, actor);
      return {
        workspaces: workspaces.map((w) => ({
          id: w.id,
          title: w.title,
          description: w.description,
          deadline: w.deadline,
          leadOrganisation: w.leadOrganisation,
          role: w.role,
          sections: w.sections.map((s) => ({ id: s.id, title: s.title, status: s.status, position: s.position, updatedAt: s.updatedAt })),
        })),
      };
    },
  });

  route("/sections/:id", {
    async GET(req, actor) {
      const id = parse(entityId, req.params.id, "section id");
      const { section, facts } = await loadSectionFacts(database, actor, id);
      authorize(actor, "section.view", facts);
      const [workspace, doc] = await Promise.all([getWorkspaceUnchecked(database, section.workspaceId), loadStoredDoc(database, id)]);
      try {
        return {
          id: section.id,
          title: section.title,
          status: section.status,
          position: section.position,
          updatedAt: new Date(section.updatedAt).toISOString(),
          workspace: { id: section.workspaceId, title: workspace?.title ?? "" },
          markdown: toMarkdown(doc),
        };
      } finally {
        doc.destroy();
      }
    },
  });

  router.use((req, res) => sendError(res, 404, "not_found", `There is no ${req.method} ${req.baseUrl}${req.path} in this API.`));
  // Errors Express raises itself, such as a path that is not valid percent-encoding.
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: unknown }).status;
    if (typeof status === "number" && status >= 400 && status < 500) {
      return sendError(res, status, BAD_REQUEST, `The request could not be read: ${(error as Error).message}.`);
    }
    log.error("api request failed", { method: req.method, path: req.originalUrl, error: String(error) });
    sendError(res, 500, "internal", "Overleg could not answer this request; try again shortly.");
  });
  return router;
}
