/**
 * The select shapes several reads share, one per shape, so that a list and a page of the same thing
 * read the same columns under the same names. Each takes the tables (`database.t`); the caller adds the
 * join it names.
 */
import type { Schema } from "../../db/index";

/** A workspace with its lead organisation: join `t.organisations` on `t.workspaces.leadOrganisationId`. */
export const workspaceWithLead = (t: Schema) => ({
  id: t.workspaces.id,
  agendaId: t.workspaces.agendaId,
  title: t.workspaces.title,
  description: t.workspaces.description,
  deadline: t.workspaces.deadline,
  leadId: t.organisations.id,
  leadName: t.organisations.name,
  leadCode: t.organisations.shortCode,
});

/** A person with their organisation: join `t.organisations` on `t.user.organisationId`. */
export const personWithOrganisation = (t: Schema) => ({
  id: t.user.id,
  name: t.user.name,
  email: t.user.email,
  isAdmin: t.user.isAdmin,
  disabledAt: t.user.disabledAt,
  organisationId: t.user.organisationId,
  organisationName: t.organisations.name,
  organisationShortCode: t.organisations.shortCode,
});

/** A section as lists show it (a workspace's sections, the dashboard). */
export const sectionSummary = (t: Schema) => ({
  id: t.sections.id,
  workspaceId: t.sections.workspaceId,
  title: t.sections.title,
  status: t.sections.status,
  position: t.sections.position,
  updatedAt: t.sections.updatedAt,
});
