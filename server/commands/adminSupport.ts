/**
 * What the admin commands share (server/commands/organisation*.ts, person*.ts). Only admins may run
 * them (the policy module's `admin.*` actions); every change is audited in its own transaction.
 */
import { randomBytes } from "node:crypto";
import { and, eq, ne } from "drizzle-orm";
import type { Database, Db } from "../../db/index";
import type { Services } from "../context";
import { NotFound } from "../services/access";

export type AdminDeps = Pick<Services, "database" | "events" | "auth" | "log">;

/** Whether another organisation (not `exceptId`) has this short code. */
export async function shortCodeTaken(tx: Db | Database["db"], database: Database, shortCode: string, exceptId?: string): Promise<boolean> {
  const { t } = database;
  const rows = await tx
    .select({ id: t.organisations.id })
    .from(t.organisations)
    .where(exceptId ? and(eq(t.organisations.shortCode, shortCode), ne(t.organisations.id, exceptId)) : eq(t.organisations.shortCode, shortCode))
    .limit(1);
  return rows.length > 0;
}

/** A person's row; NotFound when there is none. */
export async function loadPerson(deps: Pick<Services, "database">, userId: string) {
  const { db, t } = deps.database;
  const rows = await db.select().from(t.user).where(eq(t.user.id, userId)).limit(1);
  if (!rows[0]) throw new NotFound("person", userId);
  return rows[0];
}

/** Whether an organisation with this id exists. */
export async function organisationExists(deps: Pick<Services, "database">, organisationId: string): Promise<boolean> {
  const { db, t } = deps.database;
  const rows = await db.select({ id: t.organisations.id }).from(t.organisations).where(eq(t.organisations.id, organisationId)).limit(1);
  return rows.length > 0;
}

/** A random password for a new person to sign in with once and change (20 characters, ~120 bits). */
export function temporaryPassword(): string {
  return randomBytes(15).toString("base64url");
}
