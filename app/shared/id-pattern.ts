/**
 * The id format itself (see ./ids.ts), without zod: the browser's editor checks links to sections
 * with it, and must not load zod for one regular expression.
 */

/** Letters, digits, '-' or '_', starting with a letter or digit; at most 64 characters. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The message a malformed id gets (English; the API and the socket.io errors say it). */
export const ID_MESSAGE = "must be an id of letters, digits, '-' or '_' (at most 64)";

/** Whether `value` has the form of an Overleg id. */
export function isId(value: unknown): value is string {
  return typeof value === "string" && ID_PATTERN.test(value);
}
