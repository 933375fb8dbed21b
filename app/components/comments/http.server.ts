/**
 * The JSON adapter of server/errors.ts for resource routes: every refusal (AppError) becomes
 * `{ error: { code, message, field? } }` with 400 (bad input), 401, 403, 404 or 409.
 */
import { AppError, errorBody } from "../../../server/errors";

export function jsonError(status: number, code: string, message: string, field?: string): Response {
  return Response.json(errorBody({ code, message, field }), { status, headers: { "cache-control": "no-store" } });
}

export async function answerJson<T>(run: () => Promise<T>): Promise<Response> {
  try {
    return Response.json(await run(), { headers: { "cache-control": "no-store" } });
  } catch (error) {
    if (error instanceof Response) throw error;
    if (error instanceof AppError) return jsonError(error.status, error.code, error.message, error.field);
    throw error;
  }
}
