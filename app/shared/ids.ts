/**
 * The one id format of Overleg. Every id it hands out (UUIDs today: sections, workspaces, threads,
 * comments, people) matches it; anything else is malformed, not merely unknown, and is refused before
 * it reaches the database: in the collab path /collab/<sectionId>, the socket.io payloads, the
 * comment commands and the /api/v1 paths.
 */
import { z } from "zod";

/** Letters, digits, '-' or '_', starting with a letter or digit; at most 64 characters. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The message a malformed id gets (English; the API and the socket.io errors say it). */
export const ID_MESSAGE = "must be an id of letters, digits, '-' or '_' (at most 64)";

/** Whether `value` has the form of an Overleg id. */
export function isId(value: unknown): value is string {
  return typeof value === "string" && ID_PATTERN.test(value);
}

/** The zod schema of an id, for every schema that takes one. */
export const idSchema = z.string().regex(ID_PATTERN, ID_MESSAGE);
