/** Adding sections to a workspace: one blank section with a title, or one or all sections of a template of its agenda. */
import { and, asc, eq } from "drizzle-orm";
import * as Y from "yjs";
import { z } from "zod";
import { writeDocument, type BlockJSON } from "../document";
import { invalidInput, NotFound } from "../errors";
import { authorize, type Actor } from "../policy";
import { loadWorkspaceFacts } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import { parseInput } from "../services/errors";
import { runCommand, type CommandDeps } from "./run";
import { idSchema, nextPosition, refuseArchivedWorkspace, sectionTitleSchema, workspaceRow } from "./sectionSupport";

/** What a door passes: a title for a blank section, or a template (and which of its sections, or all). */
export const sectionCreateInput = z
  .object({
    workspaceId: idSchema,
    /** The title of a blank section (without a template). */
    title: sectionTitleSchema.optional(),
    /** A template of the workspace's agenda to take the sections from. */
    templateId: idSchema.optional(),
    /** The template's section to take (its position from 0), or "all" (the default). */
    item: z.union([z.literal("all"), z.coerce.number().int().min(0).max(1000)]).optional(),
  })
  .strict()
  .refine((v) => (v.title === undefined) !== (v.templateId === undefined), {
    message: "Give either a title for a blank section or a template.",
    path: ["title"],
  });

export type SectionCreateInput = z.input<typeof sectionCreateInput>;

export interface SectionCreateProps {
  /** Who adds; from the session. Only the workspace's owners may. */
  actor: Actor;
  input: SectionCreateInput;
}

/** Adds the sections at the end of the workspace; returns their ids in order. */
export async function createSections(deps: CommandDeps, props: SectionCreateProps): Promise<{ sectionIds: string[] }> {
  const { database } = deps;
  const { t } = database;
  const input = parseInput(sectionCreateInput, props.input);
  return runCommand(deps, {
    load: () => loadWorkspaceFacts(database, props.actor, input.workspaceId),
    authorize: (facts) => authorize(props.actor, "section.create", facts),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx) => {
      const workspace = await workspaceRow(tx, t, input.workspaceId);
      refuseArchivedWorkspace(workspace);
      let wanted: { title: string; content: unknown }[];
      if (input.templateId !== undefined) {
        const template = (
          await tx
            .select({ id: t.sectionTemplates.id, agendaId: t.sectionTemplates.agendaId })
            .from(t.sectionTemplates)
            .where(eq(t.sectionTemplates.id, input.templateId))
            .limit(1)
        )[0];
        // A template of another agenda is not one this workspace can use.
        if (!template || template.agendaId !== workspace.agendaId) throw new NotFound("template", input.templateId);
        const items = await tx
          .select({ position: t.sectionTemplateItems.position, title: t.sectionTemplateItems.title, content: t.sectionTemplateItems.content })
          .from(t.sectionTemplateItems)
          .where(and(eq(t.sectionTemplateItems.templateId, template.id)))
          .orderBy(asc(t.sectionTemplateItems.position));
        const item = input.item ?? "all";
        wanted = item === "all" ? items : items.filter((i) => i.position === item);
        if (wanted.length === 0) throw invalidInput("The template has no such section.", "item");
      } else {
        wanted = [{ title: input.title!, content: null }];
      }
      let position = await nextPosition(tx, t, input.workspaceId);
      const sectionIds: string[] = [];
      for (const w of wanted) {
        const id = crypto.randomUUID();
        await tx.insert(t.sections).values({ id, workspaceId: input.workspaceId, title: w.title, position: position++ });
        const blocks = starterBlocks(w.content);
        if (blocks.length) {
          const doc = new Y.Doc();
          try {
            writeDocument(doc, blocks);
            await tx.insert(t.yjsSnapshots).values({ sectionId: id, data: Buffer.from(Y.encodeStateAsUpdate(doc)), upToSeq: 0 });
          } finally {
            doc.destroy();
          }
        }
        await appendAudit(tx, {
          actorId: props.actor.id,
          action: "section.created",
          subjectType: "section",
          subjectId: id,
          workspaceId: input.workspaceId,
          data: { title: w.title, templateId: input.templateId ?? null },
        });
        sectionIds.push(id);
      }
      return { result: { sectionIds } };
    },
    emit: ({ sectionIds }) => {
      for (const sectionId of sectionIds) deps.events.emit("section.created", { workspaceId: input.workspaceId, sectionId });
    },
  });
}

/** The blocks of a template's starter text (a ProseMirror document as JSON); none when it has none. */
function starterBlocks(content: unknown): BlockJSON[] {
  if (!content || typeof content !== "object") return [];
  const blocks = (content as { content?: unknown }).content;
  return Array.isArray(blocks) ? (blocks as BlockJSON[]) : [];
}
