/**
 * Giving an external input a disposition during a consultation (issue #16, ADR 028): the workspace's
 * owners answer an input from outside the lead organisation with adopted, partly adopted or not
 * adopted, and a short reason (required unless adopted). A new disposition replaces the previous one;
 * both are in the audit trail.
 */
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { authorize, type Actor } from "../policy";
import { CommandError, NotFound, parseInput } from "../errors";
import { loadWorkspaceFacts } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import { DISPOSITIONS, INPUT_KINDS, type DispositionValue, type InputKind } from "../../app/shared/consultation";
import { listExternalInputsUnchecked } from "../views/consultation";
import { runCommand, type CommandDeps } from "./run";

/** The longest reason. */
export const REASON_MAX = 1000;

export const dispositionInputSchema = z
  .strictObject({
    /** What is answered: a comment thread, or (once suggestion mode stores them) a suggestion. */
    targetKind: z.enum(INPUT_KINDS, { message: "Choose what is answered: a thread or a suggestion." }),
    /** The thread's id or the suggestion's mark id. */
    targetId: z.string({ message: "Name the input." }).trim().min(1, "Name the input.").max(200, "Name the input."),
    disposition: z.enum(DISPOSITIONS, { message: "Choose adopted, partly adopted or not adopted." }),
    reason: z.string().trim().max(REASON_MAX, `A reason has at most ${REASON_MAX} characters.`).default(""),
  })
  .refine((v) => v.disposition === "adopted" || v.reason.length > 0, { message: "Give a reason when an input is not adopted in full.", path: ["reason"] });

export interface SetDispositionProps {
  /** Who answers; from the session. An owner of the workspace. */
  actor: Actor;
  workspaceId: string;
  /** { targetKind, targetId, disposition, reason } as the form or API sent it (parsed here). */
  input: unknown;
}

export interface DispositionResult {
  targetKind: InputKind;
  targetId: string;
  disposition: DispositionValue;
  reason: string;
  /** The disposition it replaced, or null. */
  previous: { disposition: DispositionValue; reason: string } | null;
}

/** Records the owners' disposition of one external input of a workspace under consultation. */
export async function setDisposition(deps: CommandDeps, props: SetDispositionProps): Promise<DispositionResult> {
  const { database, events } = deps;
  const { t } = database;
  const input = parseInput(dispositionInputSchema, props.input);
  return runCommand(deps, {
    load: () => loadWorkspaceFacts(database, props.actor, props.workspaceId),
    authorize: (facts) => authorize(props.actor, "workspace.dispose", facts),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx) => {
      const [ws] = await tx
        .select({ consultation: t.agendas.consultation })
        .from(t.workspaces)
        .leftJoin(t.agendas, eq(t.agendas.id, t.workspaces.agendaId))
        .where(eq(t.workspaces.id, props.workspaceId))
        .limit(1);
      if (!ws?.consultation) throw new CommandError("not_under_consultation", "This workspace's agenda is not under consultation.", 409);
      const inputs = await listExternalInputsUnchecked(database, [props.workspaceId], tx);
      const target = inputs.find((i) => i.kind === input.targetKind && i.id === input.targetId);
      if (!target) throw new NotFound(input.targetKind, input.targetId);
      const previous = target.disposition ? { disposition: target.disposition.value, reason: target.disposition.reason } : null;
      const now = new Date();
      const key = and(eq(t.dispositions.workspaceId, props.workspaceId), eq(t.dispositions.targetKind, input.targetKind), eq(t.dispositions.targetId, input.targetId));
      if (previous) {
        await tx.update(t.dispositions).set({ disposition: input.disposition, reason: input.reason, decidedBy: props.actor.id, decidedAt: now }).where(key);
      } else {
        await tx.insert(t.dispositions).values({
          workspaceId: props.workspaceId,
          targetKind: input.targetKind,
          targetId: input.targetId,
          disposition: input.disposition,
          reason: input.reason,
          decidedBy: props.actor.id,
          decidedAt: now,
        });
      }
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "consultation.disposition",
        subjectType: input.targetKind,
        subjectId: input.targetId,
        workspaceId: props.workspaceId,
        data: { disposition: input.disposition, reason: input.reason, organisationId: target.organisationId, sectionId: target.sectionId, previous },
      });
      return { result: { targetKind: input.targetKind, targetId: input.targetId, disposition: input.disposition, reason: input.reason, previous } };
    },
    emit: () => events.emit("workspace.changed", { workspaceId: props.workspaceId }),
  });
}
