/**
 * Read-only queries for the workspace and section pages. Stateless: each takes the database. Access
 * is decided before they are called (by the policy module, in the route's loader).
 */
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Database } from "../../db/index";
import { sectionSummary, workspaceWithLead } from "../../server/views/shapes";

/** A workspace with its lead organisation, required approver organisations and ordered sections. */
export async function workspaceDetail(database: Database, workspaceId: string) {
  const { db, t } = database;
  const [rows, approvers, sections] = await Promise.all([
    db
      .select(workspaceWithLead(t))
      .from(t.workspaces)
      .leftJoin(t.organisations, eq(t.organisations.id, t.workspaces.leadOrganisationId))
      .where(eq(t.workspaces.id, workspaceId))
      .limit(1),
    db
      .select({ name: t.organisations.name, shortCode: t.organisations.shortCode })
      .from(t.workspaceApprovers)
      .innerJoin(t.organisations, eq(t.organisations.id, t.workspaceApprovers.organisationId))
      .where(eq(t.workspaceApprovers.workspaceId, workspaceId))
      .orderBy(asc(t.organisations.name)),
    db
      .select(sectionSummary(t))
      .from(t.sections)
      // Archived sections are not part of the workspace's order (server/views/sections.ts lists them).
      .where(and(eq(t.sections.workspaceId, workspaceId), isNull(t.sections.archivedAt)))
      .orderBy(asc(t.sections.position), asc(t.sections.title)),
  ]);
  const ws = rows[0];
  if (!ws) return undefined;
  return {
    id: ws.id,
    title: ws.title,
    description: ws.description,
    deadline: ws.deadline,
    lead: ws.leadName ? { name: ws.leadName, shortCode: ws.leadCode ?? "" } : null,
    approvers,
    sections: sections.map((s) => ({
      id: s.id,
      title: s.title,
      status: s.status,
      position: s.position,
      updatedAt: new Date(s.updatedAt).toISOString(),
    })),
  };
}

/** Display names of people by id (for "locked by"). */
export async function personNames(database: Database, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const { db, t } = database;
  const rows = await db.select({ id: t.user.id, name: t.user.name }).from(t.user).where(inArray(t.user.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}
