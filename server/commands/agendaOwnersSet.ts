/** Naming an agenda's owners (admins only; ADR 024). */
import { and, eq, inArray } from "drizzle-orm";
import { authorize, type Actor } from "../policy";
import { appendAudit, lockAuditChain } from "../services/audit";
import { parseInput } from "../errors";
import { loadAgendaFacts } from "../views/agendas";
import { idListSchema, requirePeople } from "./agendaSupport";
import { runCommand, type CommandDeps } from "./run";

export interface SetAgendaOwnersProps {
  /** Who asks; from the session. Must be an admin. */
  actor: Actor;
  agendaId: string;
  /** The people who own the agenda from now on (at least one; parsed here). */
  ownerIds: unknown;
}

const ownersSchema = idListSchema("owners").min(1, "An agenda keeps at least one owner.");

/** Replaces the agenda's owners; returns who was added and who removed. */
export async function setAgendaOwners(deps: CommandDeps, props: SetAgendaOwnersProps): Promise<{ added: string[]; removed: string[] }> {
  const { database, events } = deps;
  const { t } = database;
  const wanted = [...new Set(parseInput(ownersSchema, props.ownerIds, { field: "ownerIds" }))];
  return runCommand(deps, {
    load: () => loadAgendaFacts(database, props.actor, props.agendaId),
    authorize: ({ facts }) => authorize(props.actor, "agenda.setOwners", facts),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx) => {
      await requirePeople(tx, database, wanted, "ownerIds");
      const now = (await tx.select({ userId: t.agendaOwners.userId }).from(t.agendaOwners).where(eq(t.agendaOwners.agendaId, props.agendaId))).map((r) => r.userId);
      const added = wanted.filter((id) => !now.includes(id));
      const removed = now.filter((id) => !wanted.includes(id));
      if (removed.length) {
        await tx.delete(t.agendaOwners).where(and(eq(t.agendaOwners.agendaId, props.agendaId), inArray(t.agendaOwners.userId, removed)));
      }
      for (const userId of added) await tx.insert(t.agendaOwners).values({ agendaId: props.agendaId, userId });
      if (added.length || removed.length) {
        await appendAudit(tx, {
          actorId: props.actor.id,
          action: "agenda.owners_changed",
          subjectType: "agenda",
          subjectId: props.agendaId,
          data: { added, removed },
        });
      }
      const workspaces = (await tx.select({ id: t.workspaces.id }).from(t.workspaces).where(eq(t.workspaces.agendaId, props.agendaId))).map((r) => r.id);
      return { result: { added, removed, workspaces } };
    },
    emit: ({ added, removed, workspaces }) => {
      if (!added.length && !removed.length) return;
      events.emit("agenda.changed", { agendaId: props.agendaId, userIds: [...added, ...removed] });
      // Removed owners may no longer see the agenda's workspaces: their open rooms are checked again.
      if (removed.length) for (const workspaceId of workspaces) events.emit("workspace.changed", { workspaceId });
    },
  }).then(({ added, removed }) => ({ added, removed }));
}
