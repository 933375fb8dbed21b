/** Creating a workspace in an agenda, with its approving organisations and first members (the agenda's owners and admins; ADR 024). */
import { z } from "zod";
import type { Role } from "../../app/shared/domain";
import { approversChange, authorize, type Actor } from "../policy";
import { appendAudit, lockAuditChain } from "../services/audit";
import { CommandError, parseInput } from "../errors";
import { loadAgendaFacts } from "../views/agendas";
import {
  daySchema,
  descriptionSchema,
  idListSchema,
  memberSchema,
  nextPosition,
  optionalIdSchema,
  requireOrganisations,
  requirePeople,
  titleSchema,
} from "./agendaSupport";
import { addMemberInTx } from "./memberAdd";
import { runCommand, type CommandDeps } from "./run";

export const workspaceCreateSchema = z.object({
  title: titleSchema,
  description: descriptionSchema,
  /** The organisation that leads it, or null. */
  leadOrganisationId: optionalIdSchema,
  /** Its deadline (yyyy-mm-dd), or null. */
  deadline: daySchema,
  /** The organisations whose approval its sections need. */
  approverOrganisationIds: idListSchema("approving organisations").default([]),
  /** Its first members and their roles (at most 100). */
  members: z.array(memberSchema).max(100, "At most 100 first members.").default([]),
});

export interface CreateWorkspaceProps {
  /** Who asks; from the session. An owner of the agenda, or an admin. */
  actor: Actor;
  agendaId: string;
  /** The workspace's details, approving organisations and first members (parsed here). */
  input: unknown;
}

/** Creates a workspace after the agenda's others; returns its id. */
export async function createWorkspace(deps: CommandDeps, props: CreateWorkspaceProps): Promise<{ id: string }> {
  const { database, events } = deps;
  const { t } = database;
  const input = parseInput(workspaceCreateSchema, props.input);
  const approvers = [...new Set(input.approverOrganisationIds)];
  const members = new Map<string, Role>();
  for (const m of input.members) members.set(m.userId, m.role);
  const id = crypto.randomUUID();
  await runCommand(deps, {
    load: () => loadAgendaFacts(database, props.actor, props.agendaId),
    authorize: ({ facts }) => {
      authorize(props.actor, "agenda.manageWorkspaces", facts);
      const verdict = approversChange(props.actor, {
        role: null,
        approverOrganisation: false,
        agendaOwner: facts.owner,
        archived: false,
        organisationIds: approvers,
        openReviews: 0,
      });
      if (!verdict.allowed) throw new CommandError(verdict.code, verdict.reason, 403, "approverOrganisationIds");
    },
    lock: (tx) => lockAuditChain(tx),
    change: async (tx) => {
      if (input.leadOrganisationId) await requireOrganisations(tx, database, [input.leadOrganisationId], "leadOrganisationId");
      await requireOrganisations(tx, database, approvers, "approverOrganisationIds");
      await requirePeople(tx, database, [...members.keys()], "members");
      await tx.insert(t.workspaces).values({
        id,
        agendaId: props.agendaId,
        title: input.title,
        description: input.description,
        deadline: input.deadline,
        leadOrganisationId: input.leadOrganisationId,
        position: await nextPosition(tx, database, props.agendaId),
      });
      for (const organisationId of approvers) await tx.insert(t.workspaceApprovers).values({ workspaceId: id, organisationId });
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "workspace.created",
        subjectType: "workspace",
        subjectId: id,
        workspaceId: id,
        data: { agendaId: props.agendaId, title: input.title, description: input.description, deadline: input.deadline, leadOrganisationId: input.leadOrganisationId, approverOrganisationIds: approvers },
      });
      for (const [userId, role] of members) {
        await addMemberInTx(tx, database, { workspaceId: id, userId, role, actorId: props.actor.id, via: "workspace.created" });
      }
      return { result: undefined };
    },
    emit: () => {
      for (const [userId, role] of members) events.emit("membership.changed", { workspaceId: id, userId, role });
      events.emit("agenda.changed", { agendaId: props.agendaId, userIds: [...members.keys()] });
    },
  });
  return { id };
}
