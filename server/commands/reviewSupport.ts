/**
 * What the review commands share (server/commands/review*.ts): their input schemas, whom to tell about
 * a review step, how a policy refusal becomes an error, and the event a status change sends.
 */
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { todayInNetherlands } from "../../app/shared/dates";
import type { SectionStatus } from "../../app/shared/domain";
import type { Database, Db } from "../../db/index";
import type { DomainEventBus } from "../events";
import { Forbidden, type Verdict } from "../policy";
import type { SectionRecord } from "../services/access";
import { CommandError, parseInput } from "../services/errors";

export function parse<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  return parseInput(schema, value, { field });
}

export const dueDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Give the due date as yyyy-mm-dd.")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "That date does not exist.")
  .refine((v) => v >= todayInNetherlands(), "The due date cannot be in the past.");

export const decisionSchema = z.enum(["approve", "request_changes"], { message: "Choose approve or request changes." });
export const noteSchema = z.string().trim().max(4000, "A note has at most 4000 characters.");
export const hashSchema = z.string().regex(/^[0-9a-f]{64}$/, "The version you decided on is missing; reload the page.");

/**
 * The members of a workspace to tell about a review step: those of the given organisations, or with
 * the given role; never the person who did it.
 */
export async function membersToTell(
  tx: Db,
  database: Database,
  workspaceId: string,
  who: { organisationIds?: string[]; role?: "owner" },
  exceptUserId: string,
): Promise<string[]> {
  const { t } = database;
  const rows = await tx
    .select({ userId: t.memberships.userId, role: t.memberships.role, organisationId: t.user.organisationId })
    .from(t.memberships)
    .innerJoin(t.user, eq(t.user.id, t.memberships.userId))
    .where(and(eq(t.memberships.workspaceId, workspaceId), isNull(t.user.disabledAt)));
  return rows
    .filter((r) => r.userId !== exceptUserId)
    .filter((r) => (who.role ? r.role === who.role : true))
    .filter((r) => (who.organisationIds ? r.organisationId !== null && who.organisationIds.includes(r.organisationId) : true))
    .map((r) => r.userId);
}

/** Throws the policy's refusal: Forbidden when the person may not act here at all, else a CommandError naming the rule. */
export function enforce(verdict: Verdict, action: "section.requestReview" | "section.decideReview" | "workspace.update", status: 403 | 409, field?: string): void {
  if (verdict.allowed) return;
  if (verdict.code === "forbidden") throw new Forbidden(action, "forbidden", verdict.reason);
  throw new CommandError(verdict.code, verdict.reason, status, field);
}

export function emitChanged(events: DomainEventBus, section: SectionRecord, status: SectionStatus) {
  events.emit("section.changed", { workspaceId: section.workspaceId, sectionId: section.id, status, title: section.title });
}

