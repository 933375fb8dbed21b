/**
 * The workspace page's actions that shape its sections: each form intent runs one command of
 * server/commands/ (the same the JSON API calls), and any refusal of server/errors.ts (bad input, the
 * policy, an unknown id, a stale order) becomes the one form answer with its status, so the page says
 * why in place and nothing changed.
 */
import { data } from "@remix-run/node";
import { AppError } from "../../../server/errors";
import type { Services } from "../../../server/context";
import type { Actor } from "../../../server/policy";
import { archiveSection } from "../../../server/commands/sectionArchive";
import { createSections } from "../../../server/commands/sectionCreate";
import { moveSection } from "../../../server/commands/sectionMove";
import { renameSection } from "../../../server/commands/sectionRename";
import { reorderSections } from "../../../server/commands/sectionReorder";
import { restoreSection } from "../../../server/commands/sectionRestore";
import { createTemplate } from "../../../server/commands/templateCreate";
import { actionFailure, type ActionResult } from "~/utils/action-result";

export const SECTION_INTENTS = [
  "section.create",
  "section.rename",
  "section.reorder",
  "section.move",
  "section.archive",
  "section.restore",
  "template.create",
] as const;
export type SectionIntent = (typeof SECTION_INTENTS)[number];

export function isSectionIntent(intent: string): intent is SectionIntent {
  return (SECTION_INTENTS as readonly string[]).includes(intent);
}

const text = (form: FormData, name: string): string | undefined => {
  const v = form.get(name);
  return typeof v === "string" ? v : undefined;
};
const texts = (form: FormData, name: string): string[] => form.getAll(name).filter((v): v is string => typeof v === "string");

/** Runs the form's intent for `workspaceId` (the page's own workspace) and answers in the one shape. */
export async function sectionAction(services: Services, actor: Actor, workspaceId: string, intent: SectionIntent, form: FormData) {
  const sectionId = text(form, "sectionId") ?? "";
  try {
    switch (intent) {
      case "section.create": {
        // "templateId:all" or "templateId:<position>" from the template choice; else a blank section's title.
        const choice = text(form, "template");
        if (choice) {
          const [templateId, item] = choice.split(":");
          await createSections(services, { actor, input: { workspaceId, templateId, item: item === "all" || item === undefined ? "all" : item } });
        } else {
          await createSections(services, { actor, input: { workspaceId, title: text(form, "title") ?? "" } });
        }
        break;
      }
      case "section.rename":
        await renameSection(services, { actor, input: { sectionId, title: text(form, "title") ?? "" } });
        break;
      case "section.reorder":
        await reorderSections(services, { actor, input: { workspaceId, order: texts(form, "order"), expected: texts(form, "expected") } });
        break;
      case "section.move":
        await moveSection(services, { actor, input: { sectionId, toWorkspaceId: text(form, "toWorkspaceId") ?? "" } });
        break;
      case "section.archive":
        await archiveSection(services, { actor, input: { sectionId } });
        break;
      case "section.restore":
        await restoreSection(services, { actor, input: { sectionId } });
        break;
      case "template.create":
        await createTemplate(services, { actor, input: { workspaceId, name: text(form, "name") ?? "" } });
        break;
    }
    return data<ActionResult>({ ok: true, intent, ...(sectionId ? { target: sectionId } : {}) });
  } catch (error) {
    if (error instanceof AppError) {
      return data<ActionResult>(actionFailure(intent, { code: error.code, message: error.message, field: error.field }, sectionId || undefined), {
        status: error.status,
      });
    }
    throw error;
  }
}
