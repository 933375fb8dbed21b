/**
 * Putting a workspace's sections in a new order. The door sends the whole order it wants and the order
 * it saw: when someone else changed the order meanwhile, the request is refused as stale (nothing
 * changes) and the person sees the order as it is now, so two owners reordering at once end in one order.
 */
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { CommandError, invalidInput } from "../errors";
import { authorize, type Actor } from "../policy";
import { loadWorkspaceFacts } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import { parseInput } from "../services/errors";
import { runCommand, type CommandDeps } from "./run";
import { idSchema, liveSectionIds, ORDER_MAX, refuseArchivedWorkspace, workspaceRow } from "./sectionSupport";

const orderSchema = z.array(idSchema).min(1, "The order lists no section.").max(ORDER_MAX, `An order lists at most ${ORDER_MAX} sections.`);

export const sectionReorderInput = z
  .object({
    workspaceId: idSchema,
    /** Every section of the workspace (not archived), each once, in the new order. */
    order: orderSchema.refine((ids) => new Set(ids).size === ids.length, "The order lists a section twice."),
    /** The order the person saw when they moved a section (to refuse a stale request). */
    expected: orderSchema,
  })
  .strict();
export type SectionReorderInput = z.input<typeof sectionReorderInput>;

export interface SectionReorderProps {
  /** Who reorders; from the session. Only the workspace's owners may. */
  actor: Actor;
  input: SectionReorderInput;
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id, i) => id === b[i]);

export async function reorderSections(deps: CommandDeps, props: SectionReorderProps): Promise<{ order: string[] }> {
  const { database } = deps;
  const { t } = database;
  const input = parseInput(sectionReorderInput, props.input);
  return runCommand(deps, {
    load: () => loadWorkspaceFacts(database, props.actor, input.workspaceId),
    authorize: (facts) => authorize(props.actor, "section.reorder", facts),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx) => {
      refuseArchivedWorkspace(await workspaceRow(tx, t, input.workspaceId));
      const current = await liveSectionIds(tx, t, input.workspaceId);
      if (!same(current, input.expected)) {
        throw new CommandError(
          "stale_order",
          "Someone else changed the order of these sections meanwhile; nothing was changed. The page now shows the current order: move the section again.",
          409,
        );
      }
      const known = new Set(current);
      const unknown = input.order.filter((id) => !known.has(id));
      if (unknown.length || input.order.length !== current.length) {
        throw invalidInput(
          unknown.length
            ? `The order names sections that are not in this workspace, or archived: ${unknown.join(", ")}.`
            : "The order must list every section of the workspace once.",
          "order",
        );
      }
      if (!same(current, input.order)) {
        for (const [position, id] of input.order.entries()) {
          await tx.update(t.sections).set({ position }).where(and(eq(t.sections.id, id), eq(t.sections.workspaceId, input.workspaceId)));
        }
        await appendAudit(tx, {
          actorId: props.actor.id,
          action: "sections.reordered",
          subjectType: "workspace",
          subjectId: input.workspaceId,
          workspaceId: input.workspaceId,
          data: { from: current, to: input.order },
        });
      }
      return { result: { order: input.order } };
    },
    emit: () => deps.events.emit("workspace.changed", { workspaceId: input.workspaceId }),
  });
}
