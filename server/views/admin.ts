/**
 * The reads of the admin pages (ADR 017): the organisations and the people. The commands are in
 * server/commands/organisation*.ts and person*.ts.
 *
 * `listPeople` takes the actor and asks the policy (`admin.people`). `listOrganisationsUnchecked` does not check,
 * as its name says (three pages call it): organisation names are no secret to anyone signed
 * in, the members page shows them to inviters, and the admin pages ask `requireAdmin` first.
 */
import { asc, count, eq } from "drizzle-orm";
import type { Services } from "../context";
import { authorize, type Actor } from "../policy";
import { personWithOrganisation } from "./shapes";

/** Every organisation with how many people belong to it, by name. Does not check: see above. */
export async function listOrganisationsUnchecked(deps: Pick<Services, "database">) {
  const { db, t } = deps.database;
  const rows = await db
    .select({
      id: t.organisations.id,
      name: t.organisations.name,
      shortCode: t.organisations.shortCode,
      kind: t.organisations.kind,
      people: count(t.user.id),
    })
    .from(t.organisations)
    .leftJoin(t.user, eq(t.user.organisationId, t.organisations.id))
    .groupBy(t.organisations.id, t.organisations.name, t.organisations.shortCode, t.organisations.kind)
    .orderBy(asc(t.organisations.name));
  return rows.map((r) => ({ ...r, people: Number(r.people) }));
}

/** Every person with their organisation, admins and disabled people included, by name; admins only. */
export async function listPeople(deps: Pick<Services, "database">, actor: Actor) {
  authorize(actor, "admin.people");
  const { db, t } = deps.database;
  const rows = await db
    .select(personWithOrganisation(t))
    .from(t.user)
    .leftJoin(t.organisations, eq(t.organisations.id, t.user.organisationId))
    .orderBy(asc(t.user.name));
  return rows.map((r) => ({ ...r, isAdmin: Boolean(r.isAdmin), organisationName: r.organisationName ?? null, organisationShortCode: r.organisationShortCode ?? null }));
}
