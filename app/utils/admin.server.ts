/**
 * Helpers for the actions of the members, invitation and admin pages:
 *   const parsed = await parseForm(request, Schema);  if (!parsed.success) return parsed.failure;  // 400
 *   try { await changeMemberRole(…) } catch (e) { return commandFailure(e, intent, target) }     // 4xx
 * Forbidden and NotFound from the policy and the loaders become 403 and 404 pages (see guard()).
 * Remix itself refuses an action whose Origin is not this host (a form posted from another site).
 */
import { data, type AppLoadContext } from "@remix-run/node";
import type { z } from "zod";
import { BAD_REQUEST, CommandError, describeIssues } from "../../server/errors";
import { fieldErrors, formObject } from "~/components/admin/schemas";
import { actionFailure, type ActionFailure } from "./action-result";
import { can, type AdminAction } from "../../server/policy";
import { errorResponse, guard, requireActor } from "./auth.server";

export type { ActionFailure };

/** Parses a form with its schema; bad input gives a 400 answer naming each bad field, to return. */
export async function parseForm<S extends z.ZodType>(
  request: Request,
  schema: S,
): Promise<{ success: true; data: z.infer<S> } | { success: false; failure: ReturnType<typeof data<ActionFailure>> }> {
  const form = formObject(await request.formData());
  const result = schema.safeParse(form);
  if (result.success) return { success: true, data: result.data };
  const errors = fieldErrors(result.error);
  const field = Object.keys(errors)[0];
  const failure = actionFailure(
    form.intent ?? "",
    { code: BAD_REQUEST, message: describeIssues(result.error), ...(field && field !== "form" ? { field } : {}) },
    form.userId ?? form.invitationId ?? form.organisationId,
    errors,
  );
  return { success: false, failure: data(failure, { status: 400 }) };
}

/**
 * What a command's refusal becomes: a CommandError a 4xx answer for the form to show (return it);
 * Forbidden and NotFound are thrown on as the 403 and 404 pages; anything else is thrown as is.
 */
export async function commandFailure(error: unknown, intent: string, target?: string): Promise<ReturnType<typeof data<ActionFailure>>> {
  if (error instanceof CommandError) {
    return data(actionFailure(intent, { code: error.code, message: error.message, field: error.field }, target), { status: error.status });
  }
  return guard(() => {
    throw error;
  });
}

/** The signed-in admin, or a 403 page for anyone else (sign-in first when signed out). */
export async function requireAdmin(request: Request, context: AppLoadContext, action: AdminAction) {
  const actor = await requireActor(request, context);
  if (!can(actor, action)) throw errorResponse(403, "forbidden", "Only admins may use the administration pages.");
  return actor;
}
