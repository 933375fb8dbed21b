/**
 * The one result shape of every form action (review, history, agenda, workspace, members, invitation
 * and admin pages), read in the page with `useActionResult` (./use-action-result.ts).
 *
 *   { ok: true,  intent, target?, …what the page needs }
 *   { ok: false, intent, target?, error: { code, message, field? }, errors: { [field | "form"]: code } }
 *
 * `error` is the refusal as server/errors.ts states it (a stable code the page translates, English
 * words as fallback); `errors` places it, and any other bad field of the form, at its field.
 */

import type { FieldErrors } from "~/components/admin/schemas";

export type { FieldErrors };

export interface ActionSuccess {
  ok: true;
  intent: string;
  /** The id the form was about (the member, the invitation), so the right row shows the answer. */
  target?: string;
}

export interface ActionFailure {
  ok: false;
  intent: string;
  target?: string;
  error: { code: string; message: string; field?: string };
  errors: FieldErrors;
}

export type ActionResult<S extends object = object> = (ActionSuccess & S) | ActionFailure;

/** The failure for a refusal with `code`, shown at `field` (or at the form). */
export function actionFailure(intent: string, error: { code: string; message: string; field?: string }, target?: string, errors?: FieldErrors): ActionFailure {
  return { ok: false, intent, ...(target !== undefined ? { target } : {}), error, errors: errors ?? { [error.field ?? "form"]: error.code } };
}
