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
  const state = await context.services.sessionFromHeaders(request.headers);
  const url = new URL(request.url);
  const redirectTo = `${url.pathname}${url.search}`;
  const back = redirectTo === "/" ? "" : `?redirectTo=${encodeURIComponent(redirectTo)}`;
  if (!state) throw redirect(`/sign-in${back}`);
  // Before anything else: a person who must have a second factor sets it up; a session that has not
  // given it yet (single sign-on) gives it.
  if (state.gate === "setup") throw redirect(`/settings/security${back}`);
  if (state.gate === "verify") throw redirect(`/sign-in/two-factor${back}`);
  return state.actor;
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
