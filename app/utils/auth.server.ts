/**
 * Access helpers for loaders and actions: each is one line in a route and throws a Response.
 *   const actor = await requireActor(request, context);            // → /sign-in?redirectTo=… if signed out
 *   authorizeOr403(() => authorize(actor, "section.edit", facts));   // → 403 page that says why
 *   await or404(() => loadSectionFacts(database, actor, id));        // → 404 for an unknown id
 */
import { redirect, type AppLoadContext } from "@remix-run/node";
import type { SignedIn } from "../../server/context";
import { Forbidden } from "../../server/policy";
import { NotFound } from "../../server/services/access";

export async function getActor(request: Request, context: AppLoadContext): Promise<SignedIn | null> {
  return context.services.actorFromHeaders(request.headers);
}

export async function requireActor(request: Request, context: AppLoadContext): Promise<SignedIn> {
  const actor = await getActor(request, context);
  if (!actor) {
    const url = new URL(request.url);
    const redirectTo = `${url.pathname}${url.search}`;
    throw redirect(`/sign-in${redirectTo === "/" ? "" : `?redirectTo=${encodeURIComponent(redirectTo)}`}`);
  }
  return actor;
}

/** The body of an error response: a code the UI translates, and English words for logs and the API. */
export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorResponse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } } satisfies ErrorBody, { status });
}

/** Runs a policy check or a lookup; turns Forbidden into 403 and NotFound into 404 responses. */
export async function guard<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof Forbidden) throw errorResponse(403, error.code, error.message);
    if (error instanceof NotFound) throw errorResponse(404, "not_found", error.message);
    throw error;
  }
}
