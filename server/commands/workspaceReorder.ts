/**
 * Ordering an agenda's workspaces (its owners and admins; ADR 024). The client sends the whole new
 * order and the order it saw: under the audit chain's lock the order is read again, and a different
 * one (another owner moved something meanwhile) refuses the request as stale, so two owners moving
 * at once end in one order that everybody sees. Positions are rewritten 0…n-1, unique in the agenda.
 */
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { idSchema } from "../../app/shared/ids";
import { authorize, type Actor } from "../policy";
import { appendAudit, lockAuditChain } from "../services/audit";
import { CommandError, invalidInput, parseInput } from "../errors";
import { loadAgendaFacts } from "../views/agendas";
import { runCommand, type CommandDeps } from "./run";

const orderSchema = z.array(idSchema, { message: "Send the order as a list of workspace ids." }).max(500, "At most 500 workspaces.");

export const workspaceReorderSchema = z.object({
  /** Every workspace of the agenda that is not archived, in the new order. */
  order: orderSchema,
  /** The order the client saw before the move (what it believes is current). */
  expected: orderSchema,
});

export interface ReorderWorkspacesProps {
  /** Who asks; from the session. */
  actor: Actor;
  agendaId: string;
  /** `{ order, expected }` (parsed here). */
  input: unknown;
}

/** Puts the agenda's workspaces in the given order; returns it. */
export async function reorderWorkspaces(deps: CommandDeps, props: ReorderWorkspacesProps): Promise<{ order: string[] }> {
  const { database, events } = deps;
  const { t } = database;
  const { order, expected } = parseInput(workspaceReorderSchema, props.input);
  if (new Set(order).size !== order.length) throw invalidInput("Each workspace appears once in the order: two would share a position.", "order");
  return runCommand(deps, {
    load: () => loadAgendaFacts(database, props.actor, props.agendaId),
    authorize: ({ facts }) => authorize(props.actor, "agenda.manageWorkspaces", facts),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx) => {
      const rows = await tx
        .select({ id: t.workspaces.id, archivedAt: t.workspaces.archivedAt })
        .from(t.workspaces)
        .where(eq(t.workspaces.agendaId, props.agendaId))
        .orderBy(asc(t.workspaces.position), asc(t.workspaces.title));
      const current = rows.filter((r) => r.archivedAt === null).map((r) => r.id);
      const archived = new Set(rows.filter((r) => r.archivedAt !== null).map((r) => r.id));
      const known = new Set(current);
      for (const id of order) {
        if (known.has(id)) continue;
        if (archived.has(id)) throw new CommandError("archived", "An archived workspace has no place in the order: restore it first.", 409, "order");
        const elsewhere = await tx.select({ id: t.workspaces.id }).from(t.workspaces).where(eq(t.workspaces.id, id)).limit(1);
        if (elsewhere.length) throw invalidInput("A workspace moves only within its own agenda.", "order");
        throw invalidInput("The order names a workspace that does not exist.", "order");
      }
      if (expected.length !== current.length || expected.some((id, i) => id !== current[i])) {
        throw new CommandError("stale_order", "Someone else changed the order meanwhile: the page shows it now; move again if needed.", 409, "order");
      }
      if (order.length !== current.length) throw invalidInput("The order must name every workspace of the agenda once.", "order");
      if (order.every((id, i) => id === current[i])) return { result: { order, moved: false } };
      // Archived workspaces keep their places after the others, so positions stay unique in the agenda.
      const all = [...order, ...rows.filter((r) => r.archivedAt !== null).map((r) => r.id)];
      for (const [position, id] of all.entries()) {
        await tx.update(t.workspaces).set({ position }).where(and(eq(t.workspaces.id, id), eq(t.workspaces.agendaId, props.agendaId)));
      }
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "agenda.workspaces_reordered",
        subjectType: "agenda",
        subjectId: props.agendaId,
        data: { from: current, to: order },
      });
      return { result: { order, moved: true } };
    },
    emit: ({ moved }) => {
      if (moved) events.emit("agenda.changed", { agendaId: props.agendaId, userIds: [] });
    },
  }).then(({ order }) => ({ order }));
}

