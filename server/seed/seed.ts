/**
 * Demo data (outside production, or with SEED_DEMO=true) and the first admin (production).
 */
import { backfillSearchIndex } from "../search/index";
import { count, eq } from "drizzle-orm";
import * as Y from "yjs";
import { createPerson, type Auth } from "../auth";
import { writeDocument } from "../document";
import type { Logger } from "../log";
import * as content from "./content";
import type { Database } from "../../db/index";

export async function isEmpty(database: Database): Promise<boolean> {
  const rows = await database.db.select({ n: count() }).from(database.t.organisations);
  return Number(rows[0]?.n ?? 0) === 0;
}

/** The deadline of the action agenda: 30 September of next year. */
export function agendaDeadline(now = new Date()): string {
  return `${now.getUTCFullYear() + 1}-09-30`;
}

/** Loads the demo organisations, people, workspaces and sections into an empty database. */
export async function seedDemo(database: Database, auth: Auth, log: Logger): Promise<void> {
  const { db, t } = database;
  const orgIds = new Map<string, string>();
  for (const org of content.organisations) {
    const id = crypto.randomUUID();
    orgIds.set(org.code, id);
    await db.insert(t.organisations).values({ id, kind: org.kind, name: org.name, shortCode: org.code });
  }

  const userIds = new Map<string, string>();
  // One published password for every demo person: hashed once (scrypt is slow on purpose), so every
  // demo account's hash is the same. Demo data only; it is refused in production.
  const demoHash = await (await auth.$context).password.hash(content.DEMO_PASSWORD);
  for (const person of content.people) {
    const id = await createPerson(
      auth,
      {
        email: person.email,
        name: person.name,
        password: content.DEMO_PASSWORD,
        organisationId: person.org ? (orgIds.get(person.org) ?? null) : null,
        isAdmin: person.isAdmin,
      },
      demoHash,
    );
    userIds.set(person.email, id);
  }

  const deadline = agendaDeadline();
  const agendaId = crypto.randomUUID();
  await database.transaction(async (tx) => {
    await tx.insert(t.agendas).values({
      id: agendaId,
      title: content.agenda.title,
      description: content.agenda.description,
      publicationDate: deadline,
      language: "nl",
      ownerOrganisationId: orgIds.get(content.agenda.ownerOrganisation) ?? null,
    });
    for (const email of content.agenda.owners) {
      await tx.insert(t.agendaOwners).values({ agendaId, userId: userIds.get(email)! });
    }
    for (const template of content.templates) {
      const templateId = crypto.randomUUID();
      await tx.insert(t.sectionTemplates).values({ id: templateId, agendaId, name: template.name });
      for (const [position, item] of template.sections.entries()) {
        await tx.insert(t.sectionTemplateItems).values({ templateId, position, title: item.title, content: item.content });
      }
    }
  });
  for (const [index, ws] of content.workspaces.entries()) {
    const workspaceId = crypto.randomUUID();
    await database.transaction(async (tx) => {
      await tx.insert(t.workspaces).values({
        id: workspaceId,
        agendaId,
        title: ws.title,
        description: ws.description,
        deadline,
        leadOrganisationId: orgIds.get(ws.lead) ?? null,
        position: index,
      });
      for (const code of ws.approvers) {
        await tx.insert(t.workspaceApprovers).values({ workspaceId, organisationId: orgIds.get(code)! });
      }
      for (const [email, fallback] of Object.entries(content.defaultRoles)) {
        const role = ws.roles && email in ws.roles ? ws.roles[email] : fallback;
        if (role) await tx.insert(t.memberships).values({ workspaceId, userId: userIds.get(email)!, role });
      }
      for (const [position, section] of ws.sections.entries()) {
        const sectionId = crypto.randomUUID();
        await tx.insert(t.sections).values({ id: sectionId, workspaceId, title: section.title, position });
        const doc = new Y.Doc();
        writeDocument(doc, section.content);
        await tx.insert(t.yjsSnapshots).values({ sectionId, data: Buffer.from(Y.encodeStateAsUpdate(doc)), upToSeq: 0 });
        doc.destroy();
      }
    });
  }
  // Searchable at once, also in copies of a seeded database (the tests' template).
  await backfillSearchIndex(database);
  log.info("demo data loaded", {
    organisations: content.organisations.length,
    people: content.people.length,
    workspaces: content.workspaces.length,
  });
}

/** Empties every table (for `npm run seed`); refuses nothing by itself: callers check the environment. */
export async function wipe(database: Database): Promise<void> {
  const { t } = database;
  const order = [
    t.auditEvents,
    t.mailOutbox,
    t.mailPreferences,
    t.jobLeases,
    t.notifications,
    t.comments,
    t.commentThreads,
    t.reviewDecisions,
    t.reviewRounds,
    t.signoffs,
    t.versions,
    t.yjsUpdates,
    t.yjsSnapshots,
    t.sections,
    t.invitations,
    t.memberships,
    t.workspaceApprovers,
    t.workspaces,
    t.sectionTemplateItems,
    t.sectionTemplates,
    t.agendaOwners,
    t.agendas,
    t.apiTokens,
    t.session,
    t.account,
    t.verification,
    t.rateLimit,
    t.user,
    t.organisations,
  ];
  await database.transaction(async (tx) => {
    for (const table of order) await tx.delete(table);
  });
}

/** Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD, once. */
export async function ensureAdmin(
  database: Database,
  auth: Auth,
  admin: { email: string; password: string },
  log: Logger,
): Promise<void> {
  const { db, t } = database;
  const email = admin.email.toLowerCase();
  const existing = await db.select({ id: t.user.id }).from(t.user).where(eq(t.user.email, email)).limit(1);
  if (existing[0]) return;
  await createPerson(auth, { email, name: "Administrator", password: admin.password, organisationId: null, isAdmin: true });
  log.info("first admin created", { email });
}
