/**
 * The agendas a person may see, for the API's list: an agenda is listed for whoever may see one of
 * its workspaces (`workspace.view`: members, the minister's office, admins), and for its owners and
 * admins even while it has none yet. Archived agendas are not listed.
 */
import { asc, eq } from "drizzle-orm";
import type { Database } from "../../db/index";
import type { DocumentLanguage } from "../../app/shared/domain";
import type { Actor } from "../policy";
import { listWorkspacesFor } from "../views/workspaces";

export interface AgendaSummary {
  id: string;
  title: string;
  description: string;
  publicationDate: string | null;
  language: DocumentLanguage;
  /** The ids of its workspaces the person may see, in agenda order. */
  workspaceIds: string[];
}

export async function listAgendasFor(database: Database, actor: Actor): Promise<AgendaSummary[]> {
  const { db, t } = database;
  const [agendas, owned, workspaces] = await Promise.all([
    db.select().from(t.agendas).orderBy(asc(t.agendas.position), asc(t.agendas.title)),
    db.select({ agendaId: t.agendaOwners.agendaId }).from(t.agendaOwners).where(eq(t.agendaOwners.userId, actor.id)),
    listWorkspacesFor(database, actor),
  ]);
  const owner = new Set(owned.map((o) => o.agendaId));
  return agendas
    .filter((a) => !a.archivedAt)
    .map((a) => ({
      id: a.id,
      title: a.title,
      description: a.description,
      publicationDate: a.publicationDate,
      language: a.language,
      workspaceIds: workspaces.filter((w) => w.agendaId === a.id).map((w) => w.id),
      listed: actor.isAdmin || owner.has(a.id),
    }))
    .filter((a) => a.listed || a.workspaceIds.length > 0)
    .map(({ listed: _listed, ...a }) => a);
}
