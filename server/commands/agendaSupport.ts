/**
 * What the agenda and workspace commands share (server/commands/agenda*.ts, workspace*.ts; ADR 024):
 * the input schemas (a refused field changes nothing and says which field), and the checks that
 * organisations and people named exist.
 */
import { asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { parseDay } from "../../app/shared/dates";
import { DOCUMENT_LANGUAGES, ROLES } from "../../app/shared/domain";
import { idSchema } from "../../app/shared/ids";
import type { Database, Db } from "../../db/index";
import { invalidInput, NotFound } from "../errors";
import type { Actor, AgendaFacts } from "../policy";
import { loadWorkspaceFacts } from "../services/access";
import { loadAgendaFacts } from "../views/agendas";

/** The longest title of an agenda or a workspace. */
export const TITLE_MAX = 200;
/** The longest description. */
export const DESCRIPTION_MAX = 4000;

export const titleSchema = z
  .string({ message: "Give a title." })
  .trim()
  .min(1, "Give a title.")
  .max(TITLE_MAX, `A title has at most ${TITLE_MAX} characters.`);
export const descriptionSchema = z
  .string()
  .trim()
  .max(DESCRIPTION_MAX, `A description has at most ${DESCRIPTION_MAX} characters.`)
  .default("");
/** An ISO day (yyyy-mm-dd) that exists, or null/empty for none. */
export const daySchema = z
  .string()
  .trim()
  .nullable()
  .default(null)
  .transform((v) => (v === "" ? null : v))
  // A day that exists: 2027-02-30 is not read as 2 March.
  .refine((v) => v === null || parseDay(v)?.toISOString().slice(0, 10) === v, "Give a date as yyyy-mm-dd.");
export const languageSchema = z.enum(DOCUMENT_LANGUAGES as [string, ...string[]], { message: "Choose Dutch (nl) or English (en)." }).transform((v) => v as "nl" | "en");
export const optionalIdSchema = z
  .string()
  .trim()
  .nullable()
  .default(null)
  .transform((v) => (v === "" ? null : v))
  .refine((v) => v === null || idSchema.safeParse(v).success, "Choose one from the list.");
export const idListSchema = (what: string, max = 50) => z.array(idSchema, { message: `Choose ${what} from the list.` }).max(max, `At most ${max} ${what}.`);
export const memberSchema = z.strictObject({ userId: idSchema, role: z.enum(ROLES, { message: "Choose a role: viewer, commenter, editor or owner." }) });

/** Throws bad_request (naming `field`) unless every organisation exists. */
export async function requireOrganisations(tx: Db | Database["db"], database: Database, ids: readonly string[], field: string): Promise<void> {
  if (!ids.length) return;
  const { t } = database;
  const rows = await tx.select({ id: t.organisations.id }).from(t.organisations).where(inArray(t.organisations.id, [...ids]));
  if (rows.length !== new Set(ids).size) throw invalidInput("This organisation does not exist.", field);
}

/** Throws bad_request (naming `field`) unless every person exists and is not disabled. */
export async function requirePeople(tx: Db | Database["db"], database: Database, ids: readonly string[], field: string): Promise<void> {
  if (!ids.length) return;
  const { t } = database;
  const rows = await tx.select({ id: t.user.id, disabledAt: t.user.disabledAt }).from(t.user).where(inArray(t.user.id, [...ids]));
  if (rows.length !== new Set(ids).size || rows.some((r) => r.disabledAt)) throw invalidInput("This person does not exist or is disabled.", field);
}

/** The workspaces of an agenda that are not archived, in their order (the order people see and send back). */
export async function activeOrder(tx: Db | Database["db"], database: Database, agendaId: string): Promise<string[]> {
  const { t } = database;
  const rows = await tx
    .select({ id: t.workspaces.id, archivedAt: t.workspaces.archivedAt })
    .from(t.workspaces)
    .where(eq(t.workspaces.agendaId, agendaId))
    .orderBy(asc(t.workspaces.position), asc(t.workspaces.title));
  return rows.filter((r) => r.archivedAt === null).map((r) => r.id);
}

/** The next free position in an agenda (after every workspace, archived ones too). */
export async function nextPosition(tx: Db, database: Database, agendaId: string): Promise<number> {
  const { t } = database;
  const rows = await tx.select({ position: t.workspaces.position }).from(t.workspaces).where(eq(t.workspaces.agendaId, agendaId));
  return rows.reduce((max, r) => Math.max(max, r.position + 1), 0);
}

/** A workspace with its agenda and the actor's facts on both; NotFound for an unknown workspace. */
export async function loadWorkspaceInAgenda(database: Database, actor: Actor, workspaceId: string) {
  const { db, t } = database;
  const rows = await db
    .select({ id: t.workspaces.id, title: t.workspaces.title, agendaId: t.workspaces.agendaId, archivedAt: t.workspaces.archivedAt })
    .from(t.workspaces)
    .where(eq(t.workspaces.id, workspaceId))
    .limit(1);
  const workspace = rows[0];
  if (!workspace) throw new NotFound("workspace", workspaceId);
  const agenda: AgendaFacts = workspace.agendaId
    ? (await loadAgendaFacts(database, actor, workspace.agendaId)).facts
    : { owner: false, seesWorkspace: false };
  const facts = await loadWorkspaceFacts(database, actor, workspaceId);
  return { workspace, agenda, facts };
}
