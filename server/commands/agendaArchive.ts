/**
 * Archiving and restoring a whole agenda (its owners and admins; ADR 031). Archived, every workspace
 * in it counts as archived (server/services/access.ts): hidden from its members, read-only for its
 * owners and admins, found by nobody's search. Each workspace keeps its own archived flag, so a
 * restore brings back the agenda as it was. After the commit "workspace.changed" for each of its
 * workspaces makes the collab server and socket.io check their open connections again, as a
 * workspace's archive does, which closes those of their members.
 */
import { eq, isNull, and } from "drizzle-orm";
import { isLocked } from "../lifecycle";
import { agendaArchive, agendaRestore, type Actor, type Verdict } from "../policy";
import { appendAudit, lockAuditChain } from "../services/audit";
import { CommandError } from "../errors";
import { loadAgendaFacts } from "../views/agendas";
import type { Database, Db } from "../../db/index";
import { runCommand, type CommandDeps } from "./run";

export interface ArchiveAgendaProps {
  /** Who asks; from the session. An owner of the agenda, or an admin. */
  actor: Actor;
  agendaId: string;
  /** true archives, false restores. */
  archived: boolean;
}

function enforce(verdict: Verdict): void {
  if (!verdict.allowed) throw new CommandError(verdict.code, verdict.reason, verdict.code === "forbidden" ? 403 : 409);
}

/** The titles of final or published sections in the agenda's live workspaces (the archive refuses them). */
async function lockedTitles(db: Db | Database["db"], database: Database, agendaId: string): Promise<string[]> {
  const { t } = database;
  const rows = await db
    .select({ title: t.sections.title, status: t.sections.status })
    .from(t.sections)
    .innerJoin(t.workspaces, eq(t.workspaces.id, t.sections.workspaceId))
    .where(and(eq(t.workspaces.agendaId, agendaId), isNull(t.workspaces.archivedAt), isNull(t.sections.archivedAt)));
  return rows.filter((s) => isLocked(s.status)).map((s) => s.title);
}

/** Archives (or restores) an agenda with all its workspaces. */
export async function setAgendaArchived(deps: CommandDeps, props: ArchiveAgendaProps): Promise<void> {
  const { database, events } = deps;
  const { t } = database;
  const verdict = async (loaded: Awaited<ReturnType<typeof loadAgendaFacts>>, archivedNow: boolean, db: Db | Database["db"]) => {
    const agenda = { ...loaded.facts, archived: archivedNow };
    return props.archived
      ? agendaArchive(props.actor, { agenda, lockedSections: await lockedTitles(db, database, props.agendaId) })
      : agendaRestore(props.actor, { agenda });
  };
  await runCommand(deps, {
    load: () => loadAgendaFacts(database, props.actor, props.agendaId),
    authorize: async (loaded) => enforce(await verdict(loaded, loaded.facts.archived === true, database.db)),
    lock: (tx) => lockAuditChain(tx),
    change: async (tx, loaded) => {
      // Again under the lock: a section signed off, or the agenda archived, meanwhile.
      const rows = await tx.select({ archivedAt: t.agendas.archivedAt }).from(t.agendas).where(eq(t.agendas.id, props.agendaId)).limit(1);
      enforce(await verdict(loaded, rows[0]?.archivedAt != null, tx));
      await tx
        .update(t.agendas)
        .set({ archivedAt: props.archived ? new Date() : null, updatedAt: new Date() })
        .where(eq(t.agendas.id, props.agendaId));
      const workspaces = await tx.select({ id: t.workspaces.id }).from(t.workspaces).where(eq(t.workspaces.agendaId, props.agendaId));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: props.archived ? "agenda.archived" : "agenda.restored",
        subjectType: "agenda",
        subjectId: props.agendaId,
        data: { title: loaded.agenda.title, workspaces: workspaces.length },
      });
      return { result: workspaces.map((w) => w.id) };
    },
    emit: (ids) => {
      for (const workspaceId of ids) events.emit("workspace.changed", { workspaceId });
      events.emit("agenda.changed", { agendaId: props.agendaId, userIds: [] });
    },
  });
}
