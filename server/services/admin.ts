/**
 * Admin commands: organisations (list, create, rename) and people (list, create with a temporary
 * password, move to another organisation, make or unmake admin, disable and enable). Only admins may
 * (the policy module's `admin.*` actions); every change is audited in its own transaction.
 *
 * Disabling a person sets `user.disabledAt`, deletes every session they have (so their cookies and
 * bearer tokens stop working at once) and announces "person.revoked" so that open WebSocket and
 * socket.io connections are closed.
 */
import { randomBytes } from "node:crypto";
import { and, asc, count, eq, isNull, ne } from "drizzle-orm";
import { createPerson } from "../auth";
import type { Services } from "../context";
import { authorize, organisationKindChange, type Actor } from "../policy";
import type { OrganisationKind } from "../../app/shared/domain";
import { NotFound } from "./access";
import { appendAudit, lockAuditChain } from "./audit";
import { CommandError } from "./errors";

export const ORGANISATION_KINDS: readonly OrganisationKind[] = ["ministry", "industry", "institute", "partner-country", "minister-office"];

export type AdminDeps = Pick<Services, "database" | "events" | "auth" | "log">;

// ── organisations ────────────────────────────────────────────────────────────────────────────────

/** Every organisation with how many people belong to it, by name. */
export async function listOrganisations(deps: Pick<Services, "database">) {
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

async function shortCodeTaken(deps: Pick<Services, "database">, shortCode: string, exceptId?: string): Promise<boolean> {
  const { db, t } = deps.database;
  const rows = await db
    .select({ id: t.organisations.id })
    .from(t.organisations)
    .where(exceptId ? and(eq(t.organisations.shortCode, shortCode), ne(t.organisations.id, exceptId)) : eq(t.organisations.shortCode, shortCode))
    .limit(1);
  return rows.length > 0;
}

export interface CreateOrganisationProps {
  /** Who asks; must be an admin. */
  actor: Actor;
  kind: OrganisationKind;
  /** The full name ("Ministerie van Economische Zaken"). */
  name: string;
  /** The short code shown beside names ("EZ"); unique. */
  shortCode: string;
}

/** Creates an organisation; CommandError("short_code_taken") when the short code is in use. */
export async function createOrganisation(deps: AdminDeps, props: CreateOrganisationProps): Promise<{ id: string }> {
  authorize(props.actor, "admin.organisations");
  const { database } = deps;
  const { t } = database;
  const shortCode = props.shortCode.trim().toUpperCase();
  const id = crypto.randomUUID();
  await database.transaction(async (tx) => {
    if (await shortCodeTaken(deps, shortCode)) {
      throw new CommandError("short_code_taken", "Another organisation already has this short code.", 409, "shortCode");
    }
    await tx.insert(t.organisations).values({ id, kind: props.kind, name: props.name.trim(), shortCode });
    await appendAudit(tx, {
      actorId: props.actor.id,
      action: "organisation.created",
      subjectType: "organisation",
      subjectId: id,
      data: { kind: props.kind, name: props.name.trim(), shortCode },
    });
  });
  return { id };
}

export interface UpdateOrganisationProps {
  /** Who asks; must be an admin. */
  actor: Actor;
  organisationId: string;
  name: string;
  kind: OrganisationKind;
  shortCode: string;
}

/** Renames an organisation (and sets its kind and short code). */
export async function updateOrganisation(deps: AdminDeps, props: UpdateOrganisationProps): Promise<void> {
  authorize(props.actor, "admin.organisations");
  const { database, events } = deps;
  const { t } = database;
  const shortCode = props.shortCode.trim().toUpperCase();
  const name = props.name.trim();
  let kindChanged = false;
  await database.transaction(async (tx) => {
    const rows = await tx.select().from(t.organisations).where(eq(t.organisations.id, props.organisationId)).limit(1);
    const before = rows[0];
    if (!before) throw new NotFound("organisation", props.organisationId);
    if (await shortCodeTaken(deps, shortCode, before.id)) {
      throw new CommandError("short_code_taken", "Another organisation already has this short code.", 409, "shortCode");
    }
    if (before.name === name && before.kind === props.kind && before.shortCode === shortCode) return;
    kindChanged = before.kind !== props.kind;
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
  });
  if (kindChanged) {
    // The kind decides rights (the minister's office signs off): its people's connections are checked again.
    const people = await database.db.select({ id: t.user.id }).from(t.user).where(eq(t.user.organisationId, props.organisationId));
    for (const p of people) events.emit("person.revoked", { userId: p.id });
  }
}

// ── people ───────────────────────────────────────────────────────────────────────────────────────

/** Every person with their organisation, admins and disabled people included, by name. */
export async function listPeople(deps: Pick<Services, "database">) {
  const { db, t } = deps.database;
  const rows = await db
    .select({
      id: t.user.id,
      name: t.user.name,
      email: t.user.email,
      isAdmin: t.user.isAdmin,
      disabledAt: t.user.disabledAt,
      organisationId: t.user.organisationId,
      organisationName: t.organisations.name,
      organisationShortCode: t.organisations.shortCode,
    })
    .from(t.user)
    .leftJoin(t.organisations, eq(t.organisations.id, t.user.organisationId))
    .orderBy(asc(t.user.name));
  return rows.map((r) => ({ ...r, isAdmin: Boolean(r.isAdmin), organisationName: r.organisationName ?? null, organisationShortCode: r.organisationShortCode ?? null }));
}

async function loadPerson(deps: Pick<Services, "database">, userId: string) {
  const { db, t } = deps.database;
  const rows = await db.select().from(t.user).where(eq(t.user.id, userId)).limit(1);
  if (!rows[0]) throw new NotFound("person", userId);
  return rows[0];
}

async function organisationExists(deps: Pick<Services, "database">, organisationId: string): Promise<boolean> {
  const { db, t } = deps.database;
  const rows = await db.select({ id: t.organisations.id }).from(t.organisations).where(eq(t.organisations.id, organisationId)).limit(1);
  return rows.length > 0;
}

/** A random password for a new person to sign in with once and change (20 characters, ~120 bits). */
export function temporaryPassword(): string {
  return randomBytes(15).toString("base64url");
}

export interface CreatePersonProps {
  /** Who asks; must be an admin. */
  actor: Actor;
  email: string;
  name: string;
  /** Their organisation, or null for an operator without one. */
  organisationId: string | null;
}

/**
 * Creates a person with a temporary password, returned once for the admin to pass on.
 * CommandError("email_taken") when someone already has the address.
 */
export async function createPersonByAdmin(deps: AdminDeps, props: CreatePersonProps): Promise<{ id: string; temporaryPassword: string }> {
  authorize(props.actor, "admin.people");
  const { database, auth } = deps;
  const { db, t } = database;
  const email = props.email.trim().toLowerCase();
  if (props.organisationId && !(await organisationExists(deps, props.organisationId))) {
    throw new CommandError("unknown_organisation", "Choose one of the organisations.", 400, "organisationId");
  }
  const taken = await db.select({ id: t.user.id }).from(t.user).where(eq(t.user.email, email)).limit(1);
  if (taken[0]) throw new CommandError("email_taken", "Someone already has an account with this email address.", 409, "email");
  const password = temporaryPassword();
  const id = await createPerson(auth, { email, name: props.name.trim(), password, organisationId: props.organisationId });
  try {
    await database.transaction((tx) =>
      appendAudit(tx, {
        actorId: props.actor.id,
        action: "person.created",
        subjectType: "person",
        subjectId: id,
        data: { email, name: props.name.trim(), organisationId: props.organisationId, via: "admin" },
      }),
    );
  } catch (error) {
    // No person without an audit record of their creation.
    await db.delete(t.user).where(eq(t.user.id, id));
    throw error;
  }
  return { id, temporaryPassword: password };
}

export interface ChangeOrganisationProps {
  /** Who asks; must be an admin. */
  actor: Actor;
  userId: string;
  /** The new organisation, or null for none. */
  organisationId: string | null;
}

/** Moves a person to another organisation; their open connections are checked again. */
export async function changePersonOrganisation(deps: AdminDeps, props: ChangeOrganisationProps): Promise<void> {
  authorize(props.actor, "admin.people");
  const { database, events } = deps;
  const { t } = database;
  const person = await loadPerson(deps, props.userId);
  if (props.organisationId && !(await organisationExists(deps, props.organisationId))) {
    throw new CommandError("unknown_organisation", "Choose one of the organisations.", 400, "organisationId");
  }
  if (person.organisationId === props.organisationId) return;
  await database.transaction(async (tx) => {
    await tx.update(t.user).set({ organisationId: props.organisationId, updatedAt: new Date() }).where(eq(t.user.id, person.id));
    await appendAudit(tx, {
      actorId: props.actor.id,
      action: "person.organisation_changed",
      subjectType: "person",
      subjectId: person.id,
      data: { email: person.email, from: person.organisationId, to: props.organisationId },
    });
  });
  events.emit("person.revoked", { userId: person.id });
}

export interface SetAdminProps {
  /** Who asks; must be an admin. */
  actor: Actor;
  userId: string;
  isAdmin: boolean;
}

/** Makes a person an admin or takes it away; the last enabled admin stays one. */
export async function setPersonAdmin(deps: AdminDeps, props: SetAdminProps): Promise<void> {
  authorize(props.actor, "admin.people");
  const { database, events } = deps;
  const { t } = database;
  await database.transaction(async (tx) => {
    await lockAuditChain(tx);
    const person = await loadPerson(deps, props.userId);
    if (Boolean(person.isAdmin) === props.isAdmin) return;
    if (!props.isAdmin) {
      const admins = await tx
        .select({ n: count() })
        .from(t.user)
        .where(and(eq(t.user.isAdmin, true), isNull(t.user.disabledAt)));
      if (Number(admins[0]?.n ?? 0) <= 1) {
        throw new CommandError("last_admin", "Overleg needs at least one admin: make someone else admin first.");
      }
    }
    await tx.update(t.user).set({ isAdmin: props.isAdmin, updatedAt: new Date() }).where(eq(t.user.id, person.id));
    await appendAudit(tx, {
      actorId: props.actor.id,
      action: props.isAdmin ? "person.admin_granted" : "person.admin_revoked",
      subjectType: "person",
      subjectId: person.id,
      data: { email: person.email },
    });
  });
  events.emit("person.revoked", { userId: props.userId });
}

export interface DisablePersonProps {
  /** Who asks; must be an admin, and cannot disable themself. */
  actor: Actor;
  userId: string;
  now?: Date;
}

/** Disables a person: they are signed out everywhere at once and cannot use Overleg until enabled. */
export async function disablePerson(deps: AdminDeps, props: DisablePersonProps): Promise<void> {
  authorize(props.actor, "admin.people");
  const { database, events } = deps;
  const { t } = database;
  if (props.userId === props.actor.id) {
    throw new CommandError("disable_self", "You cannot disable your own account.", 409);
  }
  const now = props.now ?? new Date();
  await database.transaction(async (tx) => {
    const person = await loadPerson(deps, props.userId);
    if (person.disabledAt) return;
    await tx.update(t.user).set({ disabledAt: now, updatedAt: now }).where(eq(t.user.id, person.id));
    const sessions = await tx.delete(t.session).where(eq(t.session.userId, person.id)).returning({ id: t.session.id });
    await appendAudit(tx, {
      actorId: props.actor.id,
      action: "person.disabled",
      subjectType: "person",
      subjectId: person.id,
      data: { email: person.email, sessionsEnded: sessions.length },
    });
  });
  // Announced even when already disabled: a connection opened before is closed either way.
  events.emit("person.revoked", { userId: props.userId });
}

export interface EnablePersonProps {
  /** Who asks; must be an admin. */
  actor: Actor;
  userId: string;
}

/** Enables a disabled person again; they sign in anew. */
export async function enablePerson(deps: AdminDeps, props: EnablePersonProps): Promise<void> {
  authorize(props.actor, "admin.people");
  const { database } = deps;
  const { t } = database;
  await database.transaction(async (tx) => {
    const person = await loadPerson(deps, props.userId);
    if (!person.disabledAt) return;
    await tx.update(t.user).set({ disabledAt: null, updatedAt: new Date() }).where(eq(t.user.id, person.id));
    await appendAudit(tx, {
      actorId: props.actor.id,
      action: "person.enabled",
      subjectType: "person",
      subjectId: person.id,
      data: { email: person.email },
    });
  });
}
