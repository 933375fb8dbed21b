/**
 * The step-up of sign-off, reopening and publishing from a page's form: a code the person typed in the
 * form (`secondFactorCode`) is checked by better-auth's two-factor plugin for this session first,
 * which records on the session that it was given; the command then decides (server/policy.ts `stepUp`).
 */
import type { AppLoadContext } from "@remix-run/node";
import type { SignedIn } from "../../server/context";
import { CommandError } from "../../server/errors";
import { stepUp } from "../../server/policy";
import { field } from "~/components/review/actions.server";
import { callAuth } from "./auth-call.server";

/** The actor after checking the form's second-factor code, if it has one; throws `wrong_second_factor` when the code is wrong. */
export async function stepUpFromForm(request: Request, context: AppLoadContext, form: FormData, actor: SignedIn): Promise<SignedIn> {
  const code = field(form, "secondFactorCode").trim().slice(0, 32);
  if (!code) return actor;
  const recovery = /[a-z-]/i.test(code);
  const answer = await callAuth(context, request, recovery ? "/two-factor/verify-backup-code" : "/two-factor/verify-totp", {
    code: recovery ? code : code.replace(/\s/g, ""),
  });
  if (!answer.ok) {
    throw new CommandError(
      answer.code === "ACCOUNT_TEMPORARILY_LOCKED" ? "second_factor_locked" : "wrong_second_factor",
      answer.code === "ACCOUNT_TEMPORARILY_LOCKED" ? "Too many wrong codes: try again in 15 minutes." : "This code is not right; enter the current code from your authenticator app.",
      403,
      "secondFactorCode",
    );
  }
  return (await context.services.actorFromHeaders(request.headers)) ?? actor;
}

/** Whether a step-up form should ask for the code now (the policy decides again when it is posted). */
export function stepUpNeeded(actor: SignedIn): boolean {
  const state = actor.secondFactor;
  return Boolean(state?.enabled) && !stepUp(state!, new Date(Date.now() + 60_000)).allowed;
}
