/**
 * The membership, invitation and admin commands against a real seeded database (SQLite, or
 * PostgreSQL with TEST_DATABASE_URL): who may, what changes, what is refused, that each change is
 * audited, and which domain events are announced.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DomainEvents } from "../../server/events";
import { Forbidden } from "../../server/policy";
import { loadActor, NotFound } from "../../server/services/access";
import { createOrganisation } from "../../server/commands/organisationCreate";
import { updateOrganisation } from "../../server/commands/organisationUpdate";
import { changePersonOrganisation } from "../../server/commands/personChangeOrganisation";
import { createPersonByAdmin } from "../../server/commands/personCreate";
import { disablePerson } from "../../server/commands/personDisable";
import { enablePerson } from "../../server/commands/personEnable";
import { setPersonAdmin } from "../../server/commands/personSetAdmin";
import { listOrganisationsUnchecked } from "../../server/views/admin";
import { listAudit, verifyAuditChain } from "../../server/services/audit";
import { CommandError } from "../../server/services/errors";
import { acceptInvitation } from "../../server/commands/invitationAccept";
import { acceptInvitationAsNewPerson } from "../../server/commands/invitationAcceptAsNewPerson";
import { createInvitation } from "../../server/commands/invitationCreate";
import { revokeInvitation } from "../../server/commands/invitationRevoke";
import { findInvitation, listPendingInvitationsUnchecked } from "../../server/views/invitations";
import { changeMemberRole } from "../../server/commands/memberChangeRole";
import { removeMember } from "../../server/commands/memberRemove";
import { startTestServer, type TestServer } from "../support/server";

describe("membership, invitation and admin commands", () => {
  let server: TestServer;
  const announced: { name: keyof DomainEvents; payload: unknown }[] = [];
  let ws: string;

  const actor = async (email: string) => (await loadActor(server.database, await server.userId(email)))!;
  const role = async (workspaceId: string, email: string) => {
    const { db, t } = server.database;
    const rows = await db
      .select({ role: t.memberships.role })
      .from(t.memberships)
      .where(and(eq(t.memberships.workspaceId, workspaceId), eq(t.memberships.userId, await server.userId(email))));
    return rows[0]?.role ?? null;
  };
  const auditCount = async () => (await listAudit(server.database, { limit: 500 })).length;

  beforeAll(async () => {
    server = await startTestServer();
    ws = await server.workspaceId("Toegang tot financiering");
    for (const name of ["membership.changed", "person.revoked"] as const) {
      server.services.events.on(name, (payload) => announced.push({ name, payload }));
    }
  });
  afterAll(() => server?.stop());

  describe("memberships", () => {
    it("lets an owner change a role, audits it and announces it after commit", async () => {
      announced.length = 0;
      const result = await changeMemberRole(server.services, {
        actor: await actor("lead@ez.example"),
        workspaceId: ws,
        userId: await server.userId("viewer@tno.example"),
        role: "commenter",
      });
      expect(result).toEqual({ from: "viewer", to: "commenter" });
      expect(await role(ws, "viewer@tno.example")).toBe("commenter");
      const [last] = await listAudit(server.database, { limit: 1 });
      expect(last).toMatchObject({ action: "membership.role_changed", workspaceId: ws, data: { from: "viewer", to: "commenter" } });
      expect(announced).toEqual([
        { name: "membership.changed", payload: { workspaceId: ws, userId: await server.userId("viewer@tno.example"), role: "commenter" } },
      ]);
    });

    it("refuses an editor (Forbidden) and changes nothing", async () => {
      const before = await auditCount();
      await expect(
        changeMemberRole(server.services, {
          actor: await actor("drafter@kgg.example"),
          workspaceId: ws,
          userId: await server.userId("expert@fme.example"),
          role: "owner",
        }),
      ).rejects.toBeInstanceOf(Forbidden);
      expect(await role(ws, "expert@fme.example")).toBe("commenter");
      expect(await auditCount()).toBe(before);
    });

    it("never leaves a workspace without an owner", async () => {
      const lead = await actor("lead@ez.example");
      const before = await auditCount();
      const attempt = changeMemberRole(server.services, { actor: lead, workspaceId: ws, userId: lead.id, role: "editor" });
      await expect(attempt).rejects.toMatchObject({ code: "last_owner" });
      await expect(removeMember(server.services, { actor: lead, workspaceId: ws, userId: lead.id })).rejects.toBeInstanceOf(CommandError);
      expect(await role(ws, "lead@ez.example")).toBe("owner");
      expect(await auditCount()).toBe(before);
    });

    it("lets an owner step down once there is another owner, and an admin manage members", async () => {
      const admin = await actor("admin@overleg.example");
      const other = await server.workspaceId("Afnameverplichtingen op lange termijn");
      await changeMemberRole(server.services, { actor: admin, workspaceId: other, userId: await server.userId("drafter@kgg.example"), role: "owner" });
      const lead = await actor("lead@ez.example");
      await removeMember(server.services, { actor: lead, workspaceId: other, userId: lead.id });
      expect(await role(other, "lead@ez.example")).toBeNull();
      expect(await role(other, "drafter@kgg.example")).toBe("owner");
    });

    it("says NotFound for someone who is not a member and for an unknown workspace", async () => {
      const lead = await actor("lead@ez.example");
      await expect(
        changeMemberRole(server.services, { actor: lead, workspaceId: ws, userId: await server.userId("partner@be.example"), role: "viewer" }),
      ).rejects.toBeInstanceOf(NotFound);
      await expect(removeMember(server.services, { actor: lead, workspaceId: "nope", userId: lead.id })).rejects.toBeInstanceOf(NotFound);
    });
  });

  describe("invitations", () => {
    it("invites a new person who joins in the right organisation with the right role and is signed in", async () => {
      // An admin places new people in any organisation but the minister's office (an owner: only their own).
      const admin = await actor("admin@overleg.example");
      const orgs = await listOrganisationsUnchecked(server.services);
      const mu = orgs.find((o) => o.shortCode === "MU")!;
      const invite = await createInvitation(server.services, { actor: admin, workspaceId: ws, email: "New.Person@Metaalunie.example", role: "editor", organisationId: mu.id });
      expect(invite.url).toBe(`${server.env.PUBLIC_URL}/invite/${invite.token}`);
      const { db, t } = server.database;
      const [stored] = await db.select().from(t.invitations).where(eq(t.invitations.id, invite.id));
      expect(stored.tokenHash).not.toContain(invite.token);
      expect(stored.email).toBe("new.person@metaalunie.example");
      expect((await listPendingInvitationsUnchecked(server.services, ws)).map((i) => i.email)).toContain("new.person@metaalunie.example");

      const view = await findInvitation(server.services, invite.token);
      expect(view).toMatchObject({ state: "pending", role: "editor", organisationName: mu.name, accountExists: false });

      const accepted = await acceptInvitationAsNewPerson(server.services, {
        token: invite.token,
        name: "Nieuwe Persoon",
        password: "a-long-enough-password",
        headers: new Headers(),
      });
      expect(accepted.role).toBe("editor");
      const cookie = accepted.setCookie.map((c) => c.split(";")[0]).join("; ");
      const me = await server.services.actorFromHeaders(new Headers({ cookie }));
      expect(me).toMatchObject({ email: "new.person@metaalunie.example", name: "Nieuwe Persoon", organisationShortCode: "MU" });
      expect(await role(ws, "new.person@metaalunie.example")).toBe("editor");
      expect((await listAudit(server.database, { limit: 3 })).map((e) => e.action)).toEqual([
        "person.created",
        "invitation.accepted",
        "membership.added",
      ]);

      // The same link again: refused, nothing changes.
      await expect(
        acceptInvitationAsNewPerson(server.services, { token: invite.token, name: "X", password: "another-long-password", headers: new Headers() }),
      ).rejects.toMatchObject({ code: "invitation_accepted" });
      expect((await findInvitation(server.services, invite.token)).state).toBe("accepted");
    });

    it("lets a signed-in person with the invited email join, and refuses another person", async () => {
      const lead = await actor("lead@ez.example");
      const other = await server.workspaceId("Geschoolde arbeidskrachten");
      // The lead may only name their own organisation; someone with an account keeps theirs.
      const invite = await createInvitation(server.services, { actor: lead, workspaceId: other, email: "partner@be.example", role: "commenter", organisationId: lead.organisationId! });
      expect((await findInvitation(server.services, invite.token)).accountExists).toBe(true);
      await expect(acceptInvitation(server.services, { token: invite.token, actor: await actor("viewer@tno.example") })).rejects.toMatchObject({
        code: "invitation_other_email",
      });
      await expect(
        acceptInvitationAsNewPerson(server.services, { token: invite.token, name: "Pieter", password: "a-long-enough-password", headers: new Headers() }),
      ).rejects.toMatchObject({ code: "account_exists" });
      expect(await role(other, "partner@be.example")).toBeNull();
      await acceptInvitation(server.services, { token: invite.token, actor: await actor("partner@be.example") });
      expect(await role(other, "partner@be.example")).toBe("commenter");
      expect((await actor("partner@be.example")).organisationShortCode).toBe("BE");
    });

    it("refuses revoked, expired and unknown tokens, and editors who invite", async () => {
      const lead = await actor("lead@ez.example");
      const orgs = (await listOrganisationsUnchecked(server.services)).filter((o) => o.id === lead.organisationId);
      const invite = await createInvitation(server.services, { actor: lead, workspaceId: ws, email: "late@tno.example", role: "viewer", organisationId: orgs[0].id });
      await expect(
        createInvitation(server.services, { actor: lead, workspaceId: ws, email: "late@tno.example", role: "viewer", organisationId: orgs[0].id }),
      ).rejects.toMatchObject({ code: "already_invited" });
      await expect(revokeInvitation(server.services, { actor: await actor("drafter@kgg.example"), invitationId: invite.id })).rejects.toBeInstanceOf(Forbidden);
      await revokeInvitation(server.services, { actor: lead, invitationId: invite.id });
      await expect(
        acceptInvitationAsNewPerson(server.services, { token: invite.token, name: "Late", password: "a-long-enough-password", headers: new Headers() }),
      ).rejects.toMatchObject({ code: "invitation_revoked", status: 410 });
      const { db, t } = server.database;
      expect(await db.select().from(t.user).where(eq(t.user.email, "late@tno.example"))).toEqual([]);

      const old = await createInvitation(server.services, {
        actor: lead, workspaceId: ws, email: "old@tno.example", role: "viewer", organisationId: orgs[0].id, now: new Date(Date.now() - 30 * 86_400_000),
      });
      await expect(acceptInvitationAsNewPerson(server.services, { token: old.token, name: "Old", password: "a-long-enough-password", headers: new Headers() })).rejects.toMatchObject({
        code: "invitation_expired",
      });
      await expect(findInvitation(server.services, "not-a-token")).rejects.toBeInstanceOf(NotFound);
      await expect(
        createInvitation(server.services, { actor: await actor("drafter@kgg.example"), workspaceId: ws, email: "x@y.example", role: "owner", organisationId: orgs[0].id }),
      ).rejects.toBeInstanceOf(Forbidden);
    });
  });

  describe("admin", () => {
    it("refuses non-admins every admin command", async () => {
      const lead = await actor("lead@ez.example");
      const before = await auditCount();
      await expect(createOrganisation(server.services, { actor: lead, kind: "ministry", name: "X", shortCode: "X" })).rejects.toBeInstanceOf(Forbidden);
      await expect(disablePerson(server.services, { actor: lead, userId: await server.userId("viewer@tno.example") })).rejects.toBeInstanceOf(Forbidden);
      await expect(setPersonAdmin(server.services, { actor: lead, userId: lead.id, isAdmin: true })).rejects.toBeInstanceOf(Forbidden);
      await expect(createPersonByAdmin(server.services, { actor: lead, email: "a@b.example", name: "A", organisationId: null })).rejects.toBeInstanceOf(Forbidden);
      expect(await auditCount()).toBe(before);
    });

    it("creates and renames organisations with unique short codes", async () => {
      const admin = await actor("admin@overleg.example");
      const { id } = await createOrganisation(server.services, { actor: admin, kind: "partner-country", name: "Frankrijk", shortCode: "fr" });
      await expect(createOrganisation(server.services, { actor: admin, kind: "ministry", name: "Dubbel", shortCode: "FR" })).rejects.toMatchObject({
        code: "short_code_taken",
      });
      await updateOrganisation(server.services, { actor: admin, organisationId: id, name: "Frankrijk (ambassade)", kind: "partner-country", shortCode: "FR" });
      const fr = (await listOrganisationsUnchecked(server.services)).find((o) => o.id === id);
      expect(fr).toMatchObject({ name: "Frankrijk (ambassade)", shortCode: "FR", people: 0 });
    });

    it("creates a person who can sign in with the temporary password, moves them and makes them admin", async () => {
      const admin = await actor("admin@overleg.example");
      const tno = (await listOrganisationsUnchecked(server.services)).find((o) => o.shortCode === "TNO")!;
      const ez = (await listOrganisationsUnchecked(server.services)).find((o) => o.shortCode === "EZ")!;
      const created = await createPersonByAdmin(server.services, { actor: admin, email: "Analist@TNO.example", name: "Anna Analist", organisationId: tno.id });
      await expect(createPersonByAdmin(server.services, { actor: admin, email: "analist@tno.example", name: "Dup", organisationId: null })).rejects.toMatchObject({ code: "email_taken" });
      const session = await server.signIn("analist@tno.example", created.temporaryPassword);
      expect((await server.services.actorFromHeaders(new Headers({ cookie: session.cookie })))?.organisationShortCode).toBe("TNO");
      await changePersonOrganisation(server.services, { actor: admin, userId: created.id, organisationId: ez.id });
      expect((await server.services.actorFromHeaders(new Headers({ cookie: session.cookie })))?.organisationShortCode).toBe("EZ");
      await setPersonAdmin(server.services, { actor: admin, userId: created.id, isAdmin: true });
      expect((await actor("analist@tno.example")).isAdmin).toBe(true);
      await setPersonAdmin(server.services, { actor: admin, userId: created.id, isAdmin: false });
      await expect(setPersonAdmin(server.services, { actor: admin, userId: admin.id, isAdmin: false })).rejects.toMatchObject({ code: "last_admin" });
    });

    it("disabling a person ends their sessions at once and announces it; enabling lets them sign in again", async () => {
      const admin = await actor("admin@overleg.example");
      const session = await server.signIn("viewer@tno.example");
      const viewerId = await server.userId("viewer@tno.example");
      expect(await server.services.actorFromHeaders(new Headers({ cookie: session.cookie }))).not.toBeNull();
      announced.length = 0;
      await disablePerson(server.services, { actor: admin, userId: viewerId });
      expect(await server.services.actorFromHeaders(new Headers({ cookie: session.cookie }))).toBeNull();
      expect(await server.services.actorFromHeaders(new Headers({ authorization: `Bearer ${session.token}` }))).toBeNull();
      expect(announced).toEqual([{ name: "person.revoked", payload: { userId: viewerId } }]);
      await expect(server.signIn("viewer@tno.example")).rejects.toThrow(/403.*disabled/);
      await expect(disablePerson(server.services, { actor: admin, userId: admin.id })).rejects.toMatchObject({ code: "disable_self" });
      await enablePerson(server.services, { actor: admin, userId: viewerId });
      const again = await server.signIn("viewer@tno.example");
      expect(await server.services.actorFromHeaders(new Headers({ cookie: again.cookie }))).not.toBeNull();
    });

    it("leaves an intact audit chain after all of the above", async () => {
      const verdict = await verifyAuditChain(server.database);
      expect(verdict.ok).toBe(true);
      expect(verdict.count).toBeGreaterThan(15);
    });
  });
});
