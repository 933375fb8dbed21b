/** Creating an agenda, with its owners (admins only; ADR 024). */
import { max } from "drizzle-orm";
import { z } from "zod";
import { authorize, type Actor } from "../policy";
import { appendAudit, lockAuditChain } from "../services/audit";
import { parseInput } from "../errors";
import { daySchema, descriptionSchema, idListSchema, languageSchema, optionalIdSchema, requireOrganisations, requirePeople, titleSchema } from "./agendaSupport";
import { runCommand, type CommandDeps } from "./run";

export const agendaInputSchema = z.object({
  /** The document's title ("Actie-agenda verwerking kritieke grondstoffen"). */
  title: titleSchema,
  description: descriptionSchema,
  /** The day it is to be published (yyyy-mm-dd), or null. */
  publicationDate: daySchema,
  /** The language its text is written in (nl by default), whatever each reader's interface language is. */
  language: languageSchema.default("nl"),
  /** The organisation that owns it, or null. */
  ownerOrganisationId: optionalIdSchema,
});

export const agendaCreateSchema = agendaInputSchema.extend({
  /** The people who own it (at least one). */
  ownerIds: idListSchema("owners").min(1, "Name at least one owner."),
});

export interface CreateAgendaProps {
  /** Who asks; from the session. Must be an admin. */
  actor: Actor;
  /** The agenda's settings and owners, as the form or API sent them (parsed here). */
  input: unknown;
}

/** Creates an agenda after every other; returns its id. */
export async function createAgenda(deps: CommandDeps, props: CreateAgendaProps): Promise<{ id: string }> {
  const { database, events } = deps;
  const { t } = database;
  const input = parseInput(agendaCreateSchema, props.input);
  const ownerIds = [...new Set(input.ownerIds)];
  const id = crypto.randomUUID();
  await runCommand(deps, {
    load: async () => undefined,
    authorize: () => authorize(props.actor, "agenda.create", { owner: false, seesWorkspace: false }),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx) => {
      if (input.ownerOrganisationId) await requireOrganisations(tx, database, [input.ownerOrganisationId], "ownerOrganisationId");
      await requirePeople(tx, database, ownerIds, "ownerIds");
      const last = await tx.select({ p: max(t.agendas.position) }).from(t.agendas);
      await tx.insert(t.agendas).values({
        id,
        title: input.title,
        description: input.description,
        publicationDate: input.publicationDate,
        language: input.language,
        ownerOrganisationId: input.ownerOrganisationId,
        position: (last[0]?.p ?? -1) + 1,
      });
      for (const userId of ownerIds) await tx.insert(t.agendaOwners).values({ agendaId: id, userId });
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "agenda.created",
        subjectType: "agenda",
        subjectId: id,
        data: { ...input, ownerIds },
      });
      return { result: undefined };
    },
    emit: () => events.emit("agenda.changed", { agendaId: id, userIds: ownerIds }),
  });
  return { id };
}
