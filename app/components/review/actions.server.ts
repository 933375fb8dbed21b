/**
 * What the review, history and agenda pages' actions share: a command's refusal (CommandError) becomes
 * a 4xx answer with a code the page translates; Forbidden and NotFound become the 403 and 404 pages.
 */
import { data } from "@remix-run/node";
import { CommandError } from "../../../server/errors";
import { actionFailure, type ActionResult } from "~/utils/action-result";
import { guard } from "~/utils/auth.server";

export async function runCommand(intent: string, fn: () => Promise<unknown>) {
  try {
    await guard(fn);
    return data<ActionResult>({ ok: true, intent });
  } catch (error) {
    if (error instanceof CommandError) {
      return data<ActionResult>(actionFailure(intent, { code: error.code, message: error.message, field: error.field }), { status: error.status });
    }
    throw error;
  }
}

/** One string field of a form ("" when missing or not text). */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
