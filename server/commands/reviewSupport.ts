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
import { canSection, Forbidden, type Verdict } from "../policy";
import type { NotifyProps } from "../services/notifications";
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
export function enforce(verdict: Verdict, action: "section.requestReview" | "section.decideReview" | "section.signOff" | "workspace.update", status: 403 | 409, field?: string): void {
  if (verdict.allowed) return;
  if (verdict.code === "forbidden") throw new Forbidden(action, "forbidden", verdict.reason);
  throw new CommandError(verdict.code, verdict.reason, status, field);
}

export function emitChanged(events: DomainEventBus, section: SectionRecord, status: SectionStatus) {
  events.emit("section.changed", { workspaceId: section.workspaceId, sectionId: section.id, status, title: section.title });
}


/**
 * The people who may sign an approved section off now (the minister's office, by the policy), told
 * that it is ready: asked when a decision or an edit makes a section `approved`.
 */
export async function readyForSignOff(tx: Db, database: Database, section: SectionRecord, actorId: string | null): Promise<NotifyProps[]> {
  const { t } = database;
  const people = await tx
    .select({ id: t.user.id, organisationId: t.user.organisationId, organisationKind: t.organisations.kind, isAdmin: t.user.isAdmin })
    .from(t.user)
    .innerJoin(t.organisations, eq(t.organisations.id, t.user.organisationId))
    .where(and(eq(t.organisations.kind, "minister-office"), isNull(t.user.disabledAt)));
  const roles = new Map(
    (await tx.select({ userId: t.memberships.userId, role: t.memberships.role }).from(t.memberships).where(eq(t.memberships.workspaceId, section.workspaceId))).map(
      (m) => [m.userId, m.role],
    ),
  );
  return people
    .filter((p) => p.id !== actorId)
    .filter((p) =>
      canSection(
        { id: p.id, organisationId: p.organisationId, organisationKind: p.organisationKind, isAdmin: Boolean(p.isAdmin) },
        "section.signOff",
        { role: roles.get(p.id) ?? null, approverOrganisation: false, agendaOwner: false, archived: false, status: "approved" },
      ),
    )
    .map((p) => ({
      userId: p.id,
      kind: "section.ready_for_signoff" as const,
      actorId,
      workspaceId: section.workspaceId,
      sectionId: section.id,
      data: { sectionTitle: section.title },
    }));
}
