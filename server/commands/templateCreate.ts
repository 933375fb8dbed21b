/**
 * "Save this workspace's sections as a template": a named template of the workspace's agenda with each
 * section's title and its current text as starter text, in the workspace's order (archived ones left out).
 */
import { and, asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { toProseMirror } from "../document";
import { CommandError } from "../errors";
import { authorize, type Actor } from "../policy";
import { loadWorkspaceFacts } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import { parseInput } from "../services/errors";
import { currentState } from "../views/versions";
import { runCommand, type CommandDeps } from "./run";
import { idSchema, refuseArchivedWorkspace, templateNameSchema, workspaceRow } from "./sectionSupport";

export const templateCreateInput = z.object({ workspaceId: idSchema, name: templateNameSchema }).strict();
export type TemplateCreateInput = z.input<typeof templateCreateInput>;

export interface TemplateCreateProps {
  /** Who saves it; from the session. Only the workspace's owners may. */
  actor: Actor;
  input: TemplateCreateInput;
}

export async function createTemplate(deps: CommandDeps, props: TemplateCreateProps): Promise<{ templateId: string }> {
  const { database } = deps;
  const { db, t } = database;
  const input = parseInput(templateCreateInput, props.input);
  return runCommand(deps, {
    load: () => loadWorkspaceFacts(database, props.actor, input.workspaceId),
    authorize: (facts) => authorize(props.actor, "template.create", facts),
    // The texts as they are now, read outside the transaction (only for someone allowed to save them).
    prepare: async () => {
      const workspace = await workspaceRow(db, t, input.workspaceId);
      const sections = await db
        .select({ id: t.sections.id, title: t.sections.title })
        .from(t.sections)
        .where(and(eq(t.sections.workspaceId, input.workspaceId), isNull(t.sections.archivedAt)))
        .orderBy(asc(t.sections.position), asc(t.sections.title));
      const items = [];
      for (const s of sections) {
        const { doc } = await currentState(database, s.id);
        try {
          items.push({ title: s.title, content: toProseMirror(doc).toJSON() as unknown });
        } finally {
          doc.destroy();
        }
      }
      return { workspace, items };
    },
    lock: (tx) => lockAuditChain(tx),
    change: async (tx, { workspace, items }) => {
      refuseArchivedWorkspace(workspace);
      if (!workspace.agendaId) throw new CommandError("no_agenda", "This workspace belongs to no agenda, so its sections cannot be a template.", 409);
      if (items.length === 0) throw new CommandError("no_sections", "This workspace has no sections to save as a template.", 409);
      const templateId = crypto.randomUUID();
      await tx.insert(t.sectionTemplates).values({ id: templateId, agendaId: workspace.agendaId, name: input.name, createdBy: props.actor.id });
      for (const [position, item] of items.entries()) {
        await tx.insert(t.sectionTemplateItems).values({ templateId, position, title: item.title, content: item.content });
      }
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "template.created",
        subjectType: "template",
        subjectId: templateId,
        workspaceId: input.workspaceId,
        data: { name: input.name, agendaId: workspace.agendaId, sections: items.map((i) => i.title) },
      });
      return { result: { templateId } };
    },
    emit: () => deps.events.emit("workspace.changed", { workspaceId: input.workspaceId }),
  });
}
