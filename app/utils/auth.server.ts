/**
 * Access helpers for loaders and actions: each is one line in a route and throws a Response.
 *   const actor = await requireActor(request, context);            // → /sign-in?redirectTo=… if signed out
 *   authorizeOr403(() => authorize(actor, "section.edit", facts));   // → 403 page that says why
 *   await or404(() => loadSectionFacts(database, actor, id));        // → 404 for an unknown id
 */
import { redirect, type AppLoadContext } from "@remix-run/node";
import type { SignedIn } from "../../server/context";
import { errorBody, NotFound } from "../../server/errors";
import { Forbidden } from "../../server/policy";

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
  return Response.json(errorBody({ code, message }) satisfies ErrorBody, { status });
}

/**
 * The page adapter of server/errors.ts: runs a policy check or a lookup and turns Forbidden and
 * NotFound into the 403 and 404 pages. A command's refusal (CommandError) is thrown on, for the form
 * to show (runCommand, commandFailure).
 */
export async function guard<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof Forbidden || error instanceof NotFound) throw errorResponse(error.status, error.code, error.message);
    throw error;
  }
}
