/**
 * What the review, history and agenda pages' actions share: a command's refusal (CommandError) becomes
 * a 4xx answer with a code the page translates; Forbidden and NotFound become the 403 and 404 pages.
 */
import { data } from "@remix-run/node";
import { CommandError } from "../../../server/services/errors";
import { guard } from "~/utils/auth.server";

export interface ReviewActionResult {
  ok: boolean;
  intent: string;
  /** A stable code (review:errors.<code>) and the English words, when refused. */
  error?: { code: string; message: string; field?: string };
}

export async function runCommand(intent: string, fn: () => Promise<unknown>) {
  try {
    await guard(fn);
    return data<ReviewActionResult>({ ok: true, intent });
  } catch (error) {
    if (error instanceof CommandError) {
      return data<ReviewActionResult>(
        { ok: false, intent, error: { code: error.code, message: error.message, field: error.field } },
        { status: error.status },
      );
    }
    throw error;
  }
}

/** One string field of a form ("" when missing or not text). */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
