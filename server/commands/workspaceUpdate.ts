/** Changing a workspace's details: title, description, lead organisation, deadline (its owners, its agenda's owners and admins; ADR 024). */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { authorize, type Actor } from "../policy";
import { appendAudit, lockAuditChain } from "../services/audit";
import { CommandError, parseInput } from "../errors";
import { daySchema, descriptionSchema, loadWorkspaceInAgenda, optionalIdSchema, requireOrganisations, titleSchema } from "./agendaSupport";
import { runCommand, type CommandDeps } from "./run";

export const workspaceUpdateSchema = z.object({
  title: titleSchema,
  description: descriptionSchema,
  leadOrganisationId: optionalIdSchema,
  deadline: daySchema,
});

export interface UpdateWorkspaceProps {
  /** Who asks; from the session. */
  actor: Actor;
  workspaceId: string;
  /** The details (parsed here). */
  input: unknown;
}

/** Changes a workspace's details; returns the fields that changed. */
export async function updateWorkspace(deps: CommandDeps, props: UpdateWorkspaceProps): Promise<{ changed: string[] }> {
  const { database, events } = deps;
  const { t } = database;
  const input = parseInput(workspaceUpdateSchema, props.input);
  return runCommand(deps, {
    load: () => loadWorkspaceInAgenda(database, props.actor, props.workspaceId),
    authorize: ({ facts }) => authorize(props.actor, "workspace.update", facts),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx) => {
      const rows = await tx.select().from(t.workspaces).where(eq(t.workspaces.id, props.workspaceId)).limit(1);
      const ws = rows[0];
      if (!ws || ws.archivedAt) throw new CommandError("archived", "This workspace is archived: restore it first.", 409);
      if (input.leadOrganisationId) await requireOrganisations(tx, database, [input.leadOrganisationId], "leadOrganisationId");
      const before: Record<string, unknown> = { title: ws.title, description: ws.description, leadOrganisationId: ws.leadOrganisationId, deadline: ws.deadline };
      const changes = Object.fromEntries(
        Object.entries(input)
          .filter(([k, v]) => before[k] !== v)
          .map(([k, v]) => [k, { from: before[k], to: v }]),
      );
      const changed = Object.keys(changes);
      if (!changed.length) return { result: { changed, agendaId: ws.agendaId } };
      await tx.update(t.workspaces).set({ ...input, updatedAt: new Date() }).where(eq(t.workspaces.id, props.workspaceId));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "workspace.updated",
        subjectType: "workspace",
        subjectId: props.workspaceId,
        workspaceId: props.workspaceId,
        data: changes,
      });
      return { result: { changed, agendaId: ws.agendaId } };
    },
    emit: ({ changed, agendaId }) => {
      if (!changed.length) return;
      events.emit("workspace.changed", { workspaceId: props.workspaceId });
      if (agendaId) events.emit("agenda.changed", { agendaId, userIds: [] });
    },
  }).then(({ changed }) => ({ changed }));
}
