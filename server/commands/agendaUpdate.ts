/** Changing an agenda's settings (its owners and admins; ADR 024). */
import { eq } from "drizzle-orm";
import { authorize, type Actor } from "../policy";
import { appendAudit, lockAuditChain } from "../services/audit";
import { parseInput } from "../errors";
import { loadAgendaFacts } from "../views/agendas";
import { z } from "zod";
import { agendaInputSchema } from "./agendaCreate";
import { requireOrganisations } from "./agendaSupport";
import { runCommand, type CommandDeps } from "./run";

/**
 * An agenda's settings, and its consultation: under consultation, owners give every input from outside
 * a workspace's lead organisation a disposition; with `requireDispositions` the office publishes only
 * when each has one. Absent: unchanged.
 */
export const agendaUpdateSchema = agendaInputSchema.extend({
  consultation: z.boolean({ message: "Say whether the agenda is under consultation." }).optional(),
  requireDispositions: z.boolean({ message: "Say whether every external input needs a disposition before publishing." }).optional(),
});

export interface UpdateAgendaProps {
  /** Who asks; from the session. An owner of the agenda, or an admin. */
  actor: Actor;
  agendaId: string;
  /** Title, description, publication date, language, owner organisation, consultation (parsed here). */
  input: unknown;
}

/** Changes an agenda's settings; returns what changed (field → [before, after]). */
export async function updateAgenda(deps: CommandDeps, props: UpdateAgendaProps): Promise<{ changed: string[] }> {
  const { database, events } = deps;
  const { t } = database;
  const input = parseInput(agendaUpdateSchema, props.input);
  return runCommand(deps, {
    load: () => loadAgendaFacts(database, props.actor, props.agendaId),
    authorize: ({ facts }) => authorize(props.actor, "agenda.update", facts),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx, { agenda }) => {
      if (input.ownerOrganisationId) await requireOrganisations(tx, database, [input.ownerOrganisationId], "ownerOrganisationId");
      const before: Record<string, unknown> = {
        title: agenda.title,
        description: agenda.description,
        publicationDate: agenda.publicationDate,
        language: agenda.language,
        ownerOrganisationId: agenda.ownerOrganisationId,
        consultation: agenda.consultation,
        requireDispositions: agenda.requireDispositions,
      };
      const changes = Object.fromEntries(
        Object.entries(input)
          .filter(([k, v]) => v !== undefined && before[k] !== v)
          .map(([k, v]) => [k, { from: before[k], to: v }]),
      );
      const changed = Object.keys(changes);
      if (!changed.length) return { result: { changed } };
      await tx
        .update(t.agendas)
        .set({ ...input, updatedAt: new Date() })
        .where(eq(t.agendas.id, props.agendaId));
      await appendAudit(tx, { actorId: props.actor.id, action: "agenda.updated", subjectType: "agenda", subjectId: props.agendaId, data: changes });
      return { result: { changed } };
    },
    emit: ({ changed }) => {
      if (changed.length) events.emit("agenda.changed", { agendaId: props.agendaId, userIds: [] });
    },
  });
}
