/**
 * The published agenda. When every section of a workspace (or of all workspaces) is final, the
 * minister's office publishes it: the sections become `published`.
 */
import { and, eq, inArray, isNull } from "drizzle-orm";
import { canStep, isLocked, statusAfter, statusesFrom } from "../lifecycle";
import { authorize, consultationPublish, type Actor } from "../policy";
import { consultationPublishFactsUnchecked } from "../views/consultation";
import { loadWorkspaceFacts } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import type { AuditAnchor } from "../services/audit-anchor";
import { CommandError } from "../services/errors";
import { runCommand, type CommandDeps } from "./run";
import { requireStepUp, secondFactorAudit } from "../services/second-factor";
import type { SecondFactorState } from "../policy";

export interface PublishDeps extends CommandDeps {
  /** Signs the audit chain's head after a publication (server/services/audit-anchor.ts). */
  auditAnchor?: Pick<AuditAnchor, "checkpoint">;
}

export interface PublishProps {
  /** Who publishes; from the session. Only the minister's office may. */
  actor: Actor;
  /** One workspace, or null for every workspace (not archived) of the agenda `agendaId`. */
  workspaceId: string | null;
  /** The agenda published whole (with `workspaceId` null). */
  agendaId?: string;
}

/** Publishes a workspace (or every workspace) whose sections are all final. */
export async function publishAgenda(deps: PublishDeps, props: PublishProps) {
  const { database, events } = deps;
  const { t } = database;
  let secondFactor: SecondFactorState | undefined;
  const published = await runCommand(deps, {
    load: async () =>
      props.workspaceId !== null
        ? await loadWorkspaceFacts(database, props.actor, props.workspaceId)
        : {
            role: null,
            approverOrganisation: false,
            agendaOwner: false,
            // An archived agenda is published by nobody (ADR 031).
            archived: props.agendaId
              ? (await database.db.select({ archivedAt: t.agendas.archivedAt }).from(t.agendas).where(eq(t.agendas.id, props.agendaId)).limit(1))[0]?.archivedAt != null
              : false,
          },
    authorize: async (facts) => {
      authorize(props.actor, "workspace.publish", facts);
      secondFactor = await requireStepUp(deps, props.actor, "workspace.publish");
    },
    lock: (tx) => lockAuditChain(tx),
    change: async (tx) => {
      if (props.workspaceId === null && !props.agendaId) throw new CommandError("bad_request", "Name the agenda to publish.", 400);
      const rows = await tx
        .select({ id: t.sections.id, workspaceId: t.sections.workspaceId, title: t.sections.title, status: t.sections.status })
        .from(t.sections)
        .innerJoin(t.workspaces, eq(t.workspaces.id, t.sections.workspaceId))
        .where(
          props.workspaceId
            ? and(eq(t.sections.workspaceId, props.workspaceId), isNull(t.workspaces.archivedAt), isNull(t.sections.archivedAt))
            : and(eq(t.workspaces.agendaId, props.agendaId!), isNull(t.workspaces.archivedAt), isNull(t.sections.archivedAt)),
        );
      if (rows.length === 0) throw new CommandError("nothing_to_publish", "There are no sections to publish.", 409);
      const open = rows.filter((r) => !isLocked(r.status));
      if (open.length) {
        throw new CommandError(
          "not_final",
          `Every section must be final before publishing; not yet: ${open.map((r) => r.title).join(", ")}.`,
          409,
        );
      }
      const toPublish = rows.filter((r) => canStep(r.status, "publish"));
      if (toPublish.length === 0) throw new CommandError("already_published", "Everything here is already published.", 409);
      // Under consultation, with dispositions required: every external input of what is published has one.
      const agendaId =
        props.agendaId ??
        (await tx.select({ agendaId: t.workspaces.agendaId }).from(t.workspaces).where(eq(t.workspaces.id, props.workspaceId!)).limit(1))[0]?.agendaId ??
        null;
      const gate = consultationPublish(await consultationPublishFactsUnchecked(database, tx, agendaId, [...new Set(rows.map((r) => r.workspaceId))]));
      if (!gate.allowed) throw new CommandError(gate.code, gate.reason, 409);
      const now = new Date();
      await tx
        .update(t.sections)
        .set({ status: statusAfter("publish"), updatedAt: now })
        .where(and(inArray(t.sections.id, toPublish.map((r) => r.id)), inArray(t.sections.status, statusesFrom("publish"))));
      const hashes: Record<string, string> = {};
      for (const r of toPublish) {
        const signed = await tx
          .select({ contentHash: t.signoffs.contentHash })
          .from(t.signoffs)
          .where(and(eq(t.signoffs.sectionId, r.id), isNull(t.signoffs.reopenedAt)))
          .limit(1);
        hashes[r.id] = signed[0]?.contentHash ?? "";
      }
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "agenda.published",
        subjectType: props.workspaceId ? "workspace" : "agenda",
        subjectId: props.workspaceId ?? props.agendaId!,
        workspaceId: props.workspaceId,
        data: { sections: hashes, ...secondFactorAudit(secondFactor!) },
      });
      return { result: toPublish };
    },
    emit: (published) => {
      for (const r of published) {
        events.emit("section.changed", { workspaceId: r.workspaceId, sectionId: r.id, status: statusAfter("publish"), title: r.title });
      }
      for (const ws of new Set(published.map((r) => r.workspaceId))) events.emit("workspace.changed", { workspaceId: ws });
    },
  });
  // The signed head of the audit chain, covering the publication's own event: kept with the
  // publication, it shows later that no audit event up to it was deleted or rewritten.
  const auditCheckpoint = (await deps.auditAnchor?.checkpoint("publication")) ?? null;
  return { count: published.length, auditCheckpoint };
}

