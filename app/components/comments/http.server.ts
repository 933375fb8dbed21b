/**
 * Turning the comment commands' refusals into JSON answers for resource routes:
 * `{ error: { code, message, field? } }` with 400 (bad input), 401, 403, 404 or 409.
 */
import { Forbidden } from "../../../server/policy";
import { NotFound } from "../../../server/services/access";
import { CommandError } from "../../../server/services/errors";

export function jsonError(status: number, code: string, message: string, field?: string): Response {
  return Response.json({ error: { code, message, ...(field ? { field } : {}) } }, { status, headers: { "cache-control": "no-store" } });
}

export async function answerJson<T>(run: () => Promise<T>): Promise<Response> {
  try {
    return Response.json(await run(), { headers: { "cache-control": "no-store" } });
  } catch (error) {
    if (error instanceof Response) throw error;
    if (error instanceof Forbidden) return jsonError(403, error.code, error.message);
    if (error instanceof NotFound) return jsonError(404, "not_found", error.message);
    if (error instanceof CommandError) return jsonError(error.status, error.code, error.message, error.field);
    throw error;
  }
}
