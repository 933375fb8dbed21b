/**
 * Archiving and restoring a workspace (its agenda's owners and admins; ADR 024). Archived, it is hidden
 * from its members and changed by nobody (server/policy.ts); its sections, versions, comments and
 * audit stay. A workspace with final or published sections is not archived until the minister's office
 * reopens them. After the commit "workspace.changed" makes the collab server and socket.io check
 * every open connection of it again, which closes those of its members.
 */
import { eq } from "drizzle-orm";
import { isLocked } from "../lifecycle";
import { workspaceArchive, workspaceRestore, type Actor, type Verdict } from "../policy";
import { appendAudit, lockAuditChain } from "../services/audit";
import { CommandError } from "../errors";
import { loadWorkspaceInAgenda } from "./agendaSupport";
import { runCommand, type CommandDeps } from "./run";

export interface ArchiveWorkspaceProps {
  /** Who asks; from the session. */
  actor: Actor;
  workspaceId: string;
  /** true archives, false restores. */
  archived: boolean;
}

function enforce(verdict: Verdict): void {
  if (!verdict.allowed) throw new CommandError(verdict.code, verdict.reason, verdict.code === "forbidden" ? 403 : 409);
}

/** Archives (or restores) a workspace. */
export async function setWorkspaceArchived(deps: CommandDeps, props: ArchiveWorkspaceProps): Promise<void> {
  const { database, events } = deps;
  const { t } = database;
  const lockedTitles = async (db: Pick<typeof database.db, "select">) =>
    (await db.select({ title: t.sections.title, status: t.sections.status }).from(t.sections).where(eq(t.sections.workspaceId, props.workspaceId)))
      .filter((s) => isLocked(s.status))
      .map((s) => s.title);
  const verdict = async (loaded: Awaited<ReturnType<typeof loadWorkspaceInAgenda>>, archivedNow: boolean, db: Pick<typeof database.db, "select">) =>
    props.archived
      ? workspaceArchive(props.actor, { agenda: loaded.agenda, archived: archivedNow, lockedSections: await lockedTitles(db) })
      : workspaceRestore(props.actor, { agenda: loaded.agenda, archived: archivedNow });
  await runCommand(deps, {
    load: () => loadWorkspaceInAgenda(database, props.actor, props.workspaceId),
    authorize: async (loaded) => enforce(await verdict(loaded, loaded.workspace.archivedAt !== null, database.db)),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx, loaded) => {
      // Again under the lock: a section signed off, or the workspace archived, meanwhile.
      const rows = await tx.select({ archivedAt: t.workspaces.archivedAt }).from(t.workspaces).where(eq(t.workspaces.id, props.workspaceId)).limit(1);
      enforce(await verdict(loaded, rows[0]?.archivedAt != null, tx));
      await tx
        .update(t.workspaces)
        .set({ archivedAt: props.archived ? new Date() : null, updatedAt: new Date() })
        .where(eq(t.workspaces.id, props.workspaceId));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: props.archived ? "workspace.archived" : "workspace.restored",
        subjectType: "workspace",
        subjectId: props.workspaceId,
        workspaceId: props.workspaceId,
        data: { agendaId: loaded.workspace.agendaId, title: loaded.workspace.title },
      });
      return { result: undefined };
    },
    emit: (_r, loaded) => {
      events.emit("workspace.changed", { workspaceId: props.workspaceId });
      if (loaded.workspace.agendaId) events.emit("agenda.changed", { agendaId: loaded.workspace.agendaId, userIds: [] });
    },
  });
}
