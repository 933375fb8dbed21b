/**
 * The form posts of a section's review and history pages: each names an intent, and each intent is one
 * server command for the signed-in person on the section in the URL. The command itself asks the policy
 * (server/policy.ts); its answer or refusal goes through runCommand like the other review actions.
 *   return runSectionAction(args, { create: ({ deps, actor, sectionId, form }) => createVersion(deps, { … }) });
 */
import type { ActionFunctionArgs, AppLoadContext } from "@remix-run/node";
import type { SignedIn } from "../../server/context";
import { CommandError } from "../../server/services/errors";
import { field, runCommand } from "~/components/review/actions.server";
import { requireActor } from "./auth.server";

/** What an intent's command is given: who acts, on which section, the posted form and the services. */
export interface SectionCommandInput {
  actor: SignedIn;
  sectionId: string;
  form: FormData;
  deps: AppLoadContext["services"];
}

export type SectionCommands = Record<string, (input: SectionCommandInput) => Promise<unknown>>;

/** Runs the command for the posted intent; an intent the page does not have is refused with a 400 the page shows. */
export async function runSectionAction({ request, params, context }: ActionFunctionArgs, commands: SectionCommands) {
  const actor = await requireActor(request, context);
  const sectionId = params.sectionId ?? "";
  const form = await request.formData();
  const intent = field(form, "intent");
  // Own keys only: an intent such as "constructor" must not reach Object.prototype.
  const command = Object.hasOwn(commands, intent) ? commands[intent] : undefined;
  if (command) return runCommand(intent, () => command({ actor, sectionId, form, deps: context.services }));
  return runCommand(intent, async () => {
    throw new CommandError("unknown_intent", "Unknown action.", 400);
  });
}
