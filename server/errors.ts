/**
 * The one error vocabulary of Overleg. Every refusal the server makes on purpose is an `AppError`:
 * an HTTP status, a stable `code` (the UI translates it; API clients switch on it) and an English
 * `message` a person can act on, and for a form the `field` it belongs to. Nothing was changed.
 *
 *   CommandError   a command refused for a reason the person can act on (409, or 400/403/410)
 *   Forbidden      the policy refuses (403; server/policy.ts throws it from `authorize`)
 *   NotFound       an unknown id, or one the person may not know about (404, code `not_found`)
 *
 * Bad input is always `bad_request` (400), made by `parseInput` or `invalidInput`; the code
 * `invalid_input` is retired (docs/decisions/016-one-lifecycle-one-error-vocabulary.md).
 *
 * Each door turns these into its own answer with a thin adapter, never by re-deciding:
 *   Remix pages       app/utils/auth.server.ts guard()             → the 403/404 error pages
 *   Remix forms       app/utils/admin.server.ts commandFailure(),  → a 4xx answer the form shows
 *                     app/components/review/actions.server.ts runCommand()
 *   JSON routes       server/api.ts, app/components/comments/http.server.ts → `errorBody`
 *   socket.io         server/realtime/handlers.ts                  → `{ ok: false, error: { code, message } }`
 *   collab upgrade    server/collab/upgrade.ts refuseUpgrade()     → a raw HTTP answer with `errorBody`
 */
import type { z } from "zod";

/** The statuses a deliberate refusal answers with. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 415 | 429 | 503;

/** The code of every refusal of bad input, at every door. */
export const BAD_REQUEST = "bad_request";

export class AppError extends Error {
  constructor(
    /** Stable; the UI translates it and API clients switch on it. */
    readonly code: string,
    /** English, for a person who can act on it (and for logs). */
    message: string,
    readonly status: ErrorStatus,
    /** The form field the problem belongs to, when there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/**
 * A command refused for a reason the person can act on (not a permission problem, which is
 * `Forbidden`, nor an unknown id, which is `NotFound`): the last owner cannot leave, an email already
 * has an account, an invitation was already used. A rule of the policy module that the person can act
 * on (separation of duties: choose your own organisation, let a colleague approve) is one too, with
 * status 403, so the form can say which rule.
 */
export class CommandError extends AppError {
  constructor(
    code: string,
    message: string,
    /** 400 bad input, 403 a policy rule refuses, 409 conflicts with the current state, 410 gone. */
    status: 400 | 403 | 409 | 410 = 409,
    field?: string,
  ) {
    super(code, message, status, field);
    this.name = "CommandError";
  }
}

/** An unknown id (or one the person may not know exists). */
export class NotFound extends AppError {
  constructor(
    readonly kind: string,
    readonly id: string,
  ) {
    super("not_found", `No ${kind} with id ${JSON.stringify(id)}.`, 404);
    this.name = "NotFound";
  }
}

/** Bad input: a 400 `bad_request`, naming the field when there is one. */
export function invalidInput(message: string, field?: string): CommandError {
  return new CommandError(BAD_REQUEST, message, 400, field);
}

/** "workspaceId: must be …; sectionId: …": one line naming every bad field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

/**
 * Parses input with its zod schema, or throws `bad_request`. With `field`, the value is that one
 * field: its first problem is the message. Without, every bad field is named, and the first one is
 * the field; `what` (e.g. "query") prefixes the message.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, options: { field?: string; what?: string } = {}): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const { issues } = parsed.error;
  if (options.field !== undefined) throw invalidInput(issues[0]?.message ?? "Invalid input.", options.field);
  const message = describeIssues(parsed.error);
  const first = issues[0]?.path.join(".");
  throw invalidInput(options.what ? `${options.what}: ${message}` : message, first || undefined);
}

/** The JSON body of every refusal: `{ "error": { "code", "message", "field"? } }`. */
export function errorBody(error: Pick<AppError, "code" | "message" | "field">): { error: { code: string; message: string; field?: string } } {
  return { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
}
