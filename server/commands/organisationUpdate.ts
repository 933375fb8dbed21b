/** Renaming an organisation, or changing its kind or short code (admins only; see adminSupport.ts). */
import { count, eq } from "drizzle-orm";
import type { OrganisationKind } from "../../app/shared/domain";
import { authorize, organisationKindChange, type Actor } from "../policy";
import { NotFound } from "../services/access";
import { appendAudit } from "../services/audit";
import { CommandError } from "../services/errors";
import { shortCodeTaken, type AdminDeps } from "./adminSupport";
import { runCommand } from "./run";

export interface UpdateOrganisationProps {
  /** Who asks; from the session. Must be an admin. */
  actor: Actor;
  /** The organisation to change. */
  organisationId: string;
  /** Its full name. */
  name: string;
  /** Its kind; a change is refused when it would put people in the minister's office (`organisationKindChange`). */
  kind: OrganisationKind;
  /** Its short code; unique. */
  shortCode: string;
}

/**
 * Renames an organisation (and sets its kind and short code). When the kind changes, its people's open
 * connections are checked again ("person.revoked" for each, after the commit).
 */
export async function updateOrganisation(deps: AdminDeps, props: UpdateOrganisationProps): Promise<void> {
  const { database, events } = deps;
  const { t } = database;
  const shortCode = props.shortCode.trim().toUpperCase();
  const name = props.name.trim();
  await runCommand(deps, {
    load: async () => undefined,
    authorize: () => authorize(props.actor, "admin.organisations"),
    change: async (tx) => {
      const before = (await tx.select().from(t.organisations).where(eq(t.organisations.id, props.organisationId)).limit(1))[0];
      if (!before) throw new NotFound("organisation", props.organisationId);
      if (await shortCodeTaken(tx, database, shortCode, before.id)) {
        throw new CommandError("short_code_taken", "Another organisation already has this short code.", 409, "shortCode");
      }
      if (before.name === name && before.kind === props.kind && before.shortCode === shortCode) return { result: [] };
      const kindChanged = before.kind !== props.kind;
      if (kindChanged) {
        // Rights come with the kind: everyone in the minister's office must have been put there by an admin.
        const [members] = await tx.select({ n: count() }).from(t.user).where(eq(t.user.organisationId, before.id));
        const verdict = organisationKindChange(props.actor, { from: before.kind, to: props.kind, people: Number(members?.n ?? 0) });
        if (!verdict.allowed) throw new CommandError(verdict.code, verdict.reason, 409, "kind");
      }
      await tx.update(t.organisations).set({ name, kind: props.kind, shortCode }).where(eq(t.organisations.id, before.id));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "organisation.updated",
        subjectType: "organisation",
        subjectId: before.id,
        data: {
          from: { name: before.name, kind: before.kind, shortCode: before.shortCode },
          to: { name, kind: props.kind, shortCode },
        },
      });
      // The kind decides rights (the minister's office signs off): whose connections to check again.
      const people = kindChanged ? await tx.select({ id: t.user.id }).from(t.user).where(eq(t.user.organisationId, before.id)) : [];
      return { result: people.map((p) => p.id) };
    },
    emit: (recheck) => {
      for (const userId of recheck) events.emit("person.revoked", { userId });
    },
  });
}
