/**
 * What the commands that shape a workspace's sections share (create, rename, reorder, move, archive,
 * restore, save as template): their input rules, and reads of the workspace under the transaction.
 * The input schemas are exported so every door (the pages, socket.io, the JSON API) parses the same way.
 */
import { and, asc, eq, isNull, max } from "drizzle-orm";
import { z } from "zod";
import { idSchema } from "../../app/shared/ids";
import type { Db } from "../../db/index";
import { CommandError, NotFound } from "../errors";
import type { Database } from "../../db/index";

/** The longest section title (a heading in the agenda, not a paragraph). */
export const SECTION_TITLE_MAX = 200;

export const sectionTitleSchema = z
  .string({ message: "A section needs a title." })
  .trim()
  .min(1, "A section needs a title.")
  .max(SECTION_TITLE_MAX, `A section title has at most ${SECTION_TITLE_MAX} characters.`);

export const templateNameSchema = z
  .string({ message: "A template needs a name." })
  .trim()
  .min(1, "A template needs a name.")
  .max(SECTION_TITLE_MAX, `A template name has at most ${SECTION_TITLE_MAX} characters.`);

/** The most sections one workspace's order lists (a bound on the input, far above real use). */
export const ORDER_MAX = 500;

/** A workspace's row as the section commands need it. */
export interface WorkspaceRow {
  id: string;
  agendaId: string | null;
  archivedAt: Date | null;
}

/** The workspace (its agenda and whether it is archived); NotFound when there is none. */
export async function workspaceRow(db: Db | Database["db"], t: Database["t"], workspaceId: string): Promise<WorkspaceRow> {
  const row = (
    await db
      .select({ id: t.workspaces.id, agendaId: t.workspaces.agendaId, archivedAt: t.workspaces.archivedAt })
      .from(t.workspaces)
      .where(eq(t.workspaces.id, workspaceId))
      .limit(1)
  )[0];
  if (!row) throw new NotFound("workspace", workspaceId);
  return row;
}

/** Refuses a change in an archived workspace. */
export function refuseArchivedWorkspace(row: WorkspaceRow): void {
  if (row.archivedAt) throw new CommandError("workspace_archived", "This workspace is archived: an agenda owner restores it first.", 409);
}

/** The ids of the workspace's sections that are not archived, in their order. */
export async function liveSectionIds(tx: Db, t: Database["t"], workspaceId: string): Promise<string[]> {
  const rows = await tx
    .select({ id: t.sections.id })
    .from(t.sections)
    .where(and(eq(t.sections.workspaceId, workspaceId), isNull(t.sections.archivedAt)))
    .orderBy(asc(t.sections.position), asc(t.sections.title), asc(t.sections.id));
  return rows.map((r) => r.id);
}

/** The position after every section of the workspace (archived ones included, so restoring keeps them apart). */
export async function nextPosition(tx: Db, t: Database["t"], workspaceId: string): Promise<number> {
  const row = (await tx.select({ last: max(t.sections.position) }).from(t.sections).where(eq(t.sections.workspaceId, workspaceId)))[0];
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
}

/** The section's row as it is now, under the transaction (status, archive, workspace). */
export async function sectionRowNow(tx: Db, t: Database["t"], sectionId: string) {
  const row = (
    await tx
      .select({ status: t.sections.status, archivedAt: t.sections.archivedAt, workspaceId: t.sections.workspaceId, title: t.sections.title })
      .from(t.sections)
      .where(eq(t.sections.id, sectionId))
      .limit(1)
  )[0];
  if (!row) throw new NotFound("section", sectionId);
  return row;
}

export { idSchema };
