/**
 * What the section's review, history, version and compare pages share on the server: opening the
 * section for the signed-in person (viewSection), and the form posts, each naming an intent that is one
 * server command for that person on the section in the URL. The command itself asks the policy
 * (server/policy.ts); its answer or refusal goes through runCommand like the other review actions.
 *   return runSectionAction(args, { create: ({ deps, actor, sectionId, form }) => createVersion(deps, { … }) });
 */
import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import type { SignedIn } from "../../server/context";
import { authorize } from "../../server/policy";
import { loadSectionFacts } from "../../server/services/access";
import { CommandError } from "../../server/services/errors";
import { field, runCommand } from "~/components/review/actions.server";
import { guard, requireActor } from "./auth.server";
import { stepUpFromForm } from "./step-up.server";

/** The signed-in person and the section in the URL, when the policy lets them view it (else 403/404 pages). */
export async function viewSection({ request, params, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const { section, facts } = await guard(() => loadSectionFacts(context.services.database, actor, params.sectionId ?? ""));
  await guard(() => authorize(actor, "section.view", facts));
  return { actor, section, facts, database: context.services.database };
}

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
  if (command) {
    return runCommand(intent, async () =>
      command({ actor: await stepUpFromForm(request, context, form, actor), sectionId, form, deps: context.services }),
    );
  }
  return runCommand(intent, async () => {
    throw new CommandError("unknown_intent", "Unknown action.", 400);
  });
}
