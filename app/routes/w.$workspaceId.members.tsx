import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { authorize, can, invitationOrganisations, workspaceAbilities } from "../../server/policy";
import { loadWorkspaceFacts } from "../../server/services/access";
import { listOrganisationsUnchecked } from "../../server/views/admin";
import { createInvitation } from "../../server/commands/invitationCreate";
import { revokeInvitation } from "../../server/commands/invitationRevoke";
import { listPendingInvitationsUnchecked } from "../../server/views/invitations";
import { changeMemberRole } from "../../server/commands/memberChangeRole";
import { removeMember } from "../../server/commands/memberRemove";
import { getWorkspaceUnchecked, listMembersUnchecked } from "../../server/views/workspaces";
import { ChangeRoleForm, InviteForm, MembersForm, RemoveMemberForm, RevokeInvitationForm } from "~/components/admin/schemas";
import { FieldError, FormError, invalid, OrganisationOptions, RoleOptions } from "~/components/admin/ui";
import { useSchemaForm } from "~/components/admin/useSchemaForm";
import { Breadcrumbs } from "~/components/Breadcrumbs";
import { useConfirmDialog } from "~/components/ConfirmDialog";
import { AdminErrorPage } from "~/components/admin/AdminErrorPage";
import { RoleLabel } from "~/components/RoleLabel";
import { formatMoment } from "~/components/format";
import { useDateLocale } from "~/components/root-data";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import { commandFailure, parseForm, type ActionFailure } from "~/utils/admin.server";
import { errorResponse, guard, requireActor } from "~/utils/auth.server";
import adminStyles from "~/components/admin/admin.css?url";
import { passOnHeaders } from "~/components/admin/headers";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: adminStyles }];

export const headers = passOnHeaders("cache-control");

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: pageTitle(`${translate(localeFromMatches(matches), "admin:members.title")}${data ? ` · ${data.workspace.title}` : ""}`) },
];

/** The actor and their abilities here; 403 unless the policy lets them manage members or invite. */
async function access(request: Request, context: LoaderFunctionArgs["context"], workspaceId: string) {
  const actor = await requireActor(request, context);
  const facts = await guard(() => loadWorkspaceFacts(context.services.database, actor, workspaceId));
  await guard(() => authorize(actor, "workspace.members", facts));
  return { actor, facts, abilities: workspaceAbilities(actor, facts) };
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const workspaceId = params.workspaceId ?? "";
  const { actor, facts, abilities } = await access(request, context, workspaceId);
  const { database } = context.services;
  const [workspace, members, invitations, organisations] = await Promise.all([
    getWorkspaceUnchecked(database, workspaceId),
    listMembersUnchecked(database, workspaceId),
    listPendingInvitationsUnchecked(context.services, workspaceId),
    listOrganisationsUnchecked(context.services),
  ]);
  if (!workspace) throw errorResponse(404, "not_found", `No workspace with id ${JSON.stringify(workspaceId)}.`);
  const placeable = invitationOrganisations(actor, facts, organisations);
  return {
    workspace: { id: workspace.id, title: workspace.title },
    members: members.map((m) => ({
      userId: m.userId,
      name: m.name,
      email: m.email,
      role: m.role,
      organisationName: m.organisationName,
      organisationShortCode: m.organisationShortCode,
      isMe: m.userId === actor.id,
    })),
    invitations: invitations.map((i) => ({
      id: i.id,
      email: i.email,
      role: i.role,
      organisationName: i.organisationName,
      invitedByName: i.invitedByName,
      expiresAt: i.expiresAt.toISOString(),
    })),
    // Only the organisations the policy lets this person place a new person in (their own, or for an
    // admin any but the minister's office).
    organisations: placeable.map((o) => ({ id: o.id, name: o.name, shortCode: o.shortCode })),
    abilities: { manageMembers: abilities["workspace.manageMembers"], invite: abilities["workspace.invite"], isAdmin: can(actor, "admin.people") },
  };
}

type Success = { ok: true; intent: string; target?: string; invited?: { email: string; url: string; expiresAt: string } };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const workspaceId = params.workspaceId ?? "";
  const { actor } = await access(request, context, workspaceId);
  const parsed = await parseForm(request, MembersForm);
  if (!parsed.success) return parsed.failure;
  const form = parsed.data;
  const services = context.services;
  try {
    switch (form.intent) {
      case "changeRole":
        await changeMemberRole(services, { actor, workspaceId, userId: form.userId, role: form.role });
        return { ok: true, intent: form.intent, target: form.userId } satisfies Success;
      case "remove":
        await removeMember(services, { actor, workspaceId, userId: form.userId });
        return { ok: true, intent: form.intent, target: form.userId } satisfies Success;
      case "invite": {
        const invitation = await createInvitation(services, { actor, workspaceId, email: form.email, role: form.role, organisationId: form.organisationId });
        return data(
          { ok: true, intent: form.intent, invited: { email: form.email, url: invitation.url, expiresAt: invitation.expiresAt.toISOString() } } satisfies Success,
          // The link is shown once: never store this answer.
          { headers: { "cache-control": "no-store" } },
        );
      }
      case "revoke":
        await revokeInvitation(services, { actor, invitationId: form.invitationId });
        return { ok: true, intent: form.intent, target: form.invitationId } satisfies Success;
    }
  } catch (error) {
    const target = "userId" in form ? form.userId : "invitationId" in form ? form.invitationId : undefined;
    return commandFailure(error, form.intent, target);
  }
}

type ActionResult = Success | ActionFailure;

function failureFor(result: ActionResult | undefined, intent: string, target?: string) {
  if (!result || result.ok || result.intent !== intent || (target && result.target !== target)) return undefined;
  return result.errors;
}

function MemberRow({ member, canManage, pageResult }: { member: ReturnType<typeof useLoaderData<typeof loader>>["members"][number]; canManage: boolean; pageResult?: ActionResult }) {
  const { t } = useTranslation("admin");
  const roleFetcher = useFetcher<ActionResult>();
  const removeFetcher = useFetcher<ActionResult>();
  const roleForm = useSchemaForm(ChangeRoleForm, failureFor(roleFetcher.data ?? pageResult, "changeRole", member.userId));
  const removeForm = useSchemaForm(RemoveMemberForm, failureFor(removeFetcher.data ?? pageResult, "remove", member.userId));
  const roleId = `role-${member.userId}`;
  const errorId = `member-error-${member.userId}`;
  const errorCode = roleForm.errors.form ?? roleForm.errors.role ?? removeForm.errors.form;
  const which = member.isMe ? "leave" : "remove";
  const removeConfirm = useConfirmDialog({
    id: `remove-${member.userId}`,
    title: t(`confirm.${which}.title`, { name: member.name }),
    body: <p>{t(`confirm.${which}.body`, { name: member.name })}</p>,
    confirmLabel: t(`confirm.${which}.ok`),
  });
  return (
    <tr>
      <th scope="row">
        {member.name}
        {member.isMe ? <span className="muted"> {t("members.you")}</span> : null}
        <br />
        <span className="muted">{member.email}</span>
      </th>
      <td data-label={t("members.organisation")}>{member.organisationName ?? "—"}</td>
      <td data-label={t("members.role")}>
        {canManage ? (
          <roleFetcher.Form method="post" className="inline-form" onSubmit={roleForm.onSubmit}>
            <input type="hidden" name="intent" value="changeRole" />
            <input type="hidden" name="userId" value={member.userId} />
            <label htmlFor={roleId} className="visually-hidden">
              {t("members.roleOf", { name: member.name })}
            </label>
            <select id={roleId} name="role" defaultValue={member.role} key={member.role} {...(errorCode ? { "aria-invalid": true, "aria-describedby": errorId } : {})}>
              <RoleOptions />
            </select>{" "}
            <button type="submit" className="button" disabled={roleFetcher.state !== "idle"}>
              {t("members.changeRole")}
            </button>
          </roleFetcher.Form>
        ) : (
          <RoleLabel role={member.role} />
        )}
        <FieldError id={errorId} code={errorCode} />
      </td>
      {canManage ? (
        <td>
          <removeFetcher.Form
            method="post"
            onSubmit={(event) => removeConfirm.onSubmit(event, removeForm.onSubmit)}
          >
            <input type="hidden" name="intent" value="remove" />
            <input type="hidden" name="userId" value={member.userId} />
            <button type="submit" className="button button--quiet" disabled={removeFetcher.state !== "idle"}>
              {member.isMe ? t("members.leave") : t("members.remove")}
              <span className="visually-hidden"> {member.name}</span>
            </button>
          </removeFetcher.Form>
          {removeConfirm.dialog}
        </td>
      ) : null}
    </tr>
  );
}

function InvitationRow({ invitation, pageResult }: { invitation: ReturnType<typeof useLoaderData<typeof loader>>["invitations"][number]; pageResult?: ActionResult }) {
  const { t } = useTranslation("admin");
  const dateLocale = useDateLocale();
  const fetcher = useFetcher<ActionResult>();
  const form = useSchemaForm(RevokeInvitationForm, failureFor(fetcher.data ?? pageResult, "revoke", invitation.id));
  const revokeConfirm = useConfirmDialog({
    id: `revoke-${invitation.id}`,
    title: t("confirm.revoke.title", { email: invitation.email }),
    body: <p>{t("confirm.revoke.body", { email: invitation.email })}</p>,
    confirmLabel: t("confirm.revoke.ok"),
  });
  return (
    <tr>
      <th scope="row">{invitation.email}</th>
      <td data-label={t("invitations.role")}>
        <RoleLabel role={invitation.role} />
      </td>
      <td data-label={t("invitations.organisation")}>{invitation.organisationName ?? "—"}</td>
      <td data-label={t("invitations.invitedBy")}>{invitation.invitedByName ?? "—"}</td>
      <td data-label={t("invitations.expires")}>
        <time dateTime={invitation.expiresAt}>{formatMoment(invitation.expiresAt, dateLocale)}</time>
      </td>
      <td>
        <fetcher.Form method="post" onSubmit={(event) => revokeConfirm.onSubmit(event, form.onSubmit)}>
          <input type="hidden" name="intent" value="revoke" />
          <input type="hidden" name="invitationId" value={invitation.id} />
          <button type="submit" className="button button--quiet" disabled={fetcher.state !== "idle"}>
            {t("invitations.revoke")}
            <span className="visually-hidden"> {invitation.email}</span>
          </button>
        </fetcher.Form>
        {revokeConfirm.dialog}
        <FieldError id={`invitation-error-${invitation.id}`} code={form.errors.form} />
      </td>
    </tr>
  );
}

/** Copies the invitation link; says so (live) when it did, or that the person should copy it by hand. */
function CopyButton({ value }: { value: string }) {
  const { t } = useTranslation("admin");
  const [said, setSaid] = useState<"copied" | "failed" | null>(null);
  return (
    <>
      <button
        type="button"
        className="button button--small"
        data-copy-link
        onClick={() => {
          const copied = navigator.clipboard?.writeText(value);
          if (!copied) return setSaid("failed");
          copied.then(
            () => setSaid("copied"),
            () => setSaid("failed"),
          );
        }}
      >
        {t("invitations.copy")}
      </button>{" "}
      <span role="status" data-copy-status={said ?? ""}>
        {said === "copied" ? t("invitations.copied") : said === "failed" ? t("invitations.copyFailed") : ""}
      </span>
    </>
  );
}

function InvitePanel() {
  const { organisations } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const navigation = useNavigation();
  const { t } = useTranslation("admin");
  const dateLocale = useDateLocale();
  const form = useSchemaForm(InviteForm, failureFor(result, "invite"));
  const invited = result?.ok && result.intent === "invite" ? result.invited : undefined;
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "invite";
  return (
    <section className="panel" aria-labelledby="invite-title">
      <h2 id="invite-title">{t("invitations.inviteTitle")}</h2>
      <p className="muted">{t("invitations.inviteIntro")}</p>
      {invited ? (
        <div className="notice" role="status">
          <p>
            <strong>{t("invitations.created", { email: invited.email })}</strong>
          </p>
          <p>{t("invitations.linkOnce", { date: formatMoment(invited.expiresAt, dateLocale) })}</p>
          <label htmlFor="invitation-link">{t("invitations.link")}</label>
          <input id="invitation-link" type="text" readOnly value={invited.url} onFocus={(e) => e.currentTarget.select()} className="invitation-link" />
          <CopyButton value={invited.url} />
        </div>
      ) : null}
      <FormError errors={form.errors} />
      <Form method="post" onSubmit={form.onSubmit} noValidate key={invited?.url}>
        <input type="hidden" name="intent" value="invite" />
        <div className="field">
          <label htmlFor="invite-email">{t("invitations.email")}</label>
          <input id="invite-email" name="email" type="email" required maxLength={254} autoComplete="off" {...invalid(form.errors, "email", "invite-email-error")} />
          <FieldError id="invite-email-error" code={form.errors.email} />
        </div>
        <div className="field">
          <label htmlFor="invite-role">{t("invitations.role")}</label>
          <select id="invite-role" name="role" defaultValue="editor" {...invalid(form.errors, "role", "invite-role-error")}>
            <RoleOptions />
          </select>
          <FieldError id="invite-role-error" code={form.errors.role} />
        </div>
        <div className="field">
          <label htmlFor="invite-organisation">{t("invitations.organisation")}</label>
          <select id="invite-organisation" name="organisationId" defaultValue="" required {...invalid(form.errors, "organisationId", "invite-organisation-error")}>
            <option value="" disabled>
              {t("invitations.chooseOrganisation")}
            </option>
            <OrganisationOptions organisations={organisations} />
          </select>
          <p className="muted">{organisations.length ? t("invitations.organisationHint") : t("invitations.noOrganisation")}</p>
          <FieldError id="invite-organisation-error" code={form.errors.organisationId} />
        </div>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? t("invitations.sending") : t("invitations.send")}
        </button>
      </Form>
    </section>
  );
}

export default function MembersPage() {
  const { workspace, members, invitations, abilities } = useLoaderData<typeof loader>();
  const pageResult = useActionData<typeof action>() as ActionResult | undefined;
  const { t } = useTranslation("admin");
  const { t: common } = useTranslation();
  return (
    <main id="main" className="page admin-page" tabIndex={-1}>
      <Breadcrumbs
        items={[
          { label: common("nav.dashboard"), to: "/" },
          { label: workspace.title, to: `/w/${workspace.id}` },
          { label: t("members.title") },
        ]}
      />
      <div className="page-heading">
        <h1>{t("members.title")}</h1>
        <p className="lede">{t("members.intro", { workspace: workspace.title })}</p>
      </div>

      <section className="panel" aria-labelledby="members-title">
        <h2 id="members-title">{t("members.listTitle", { count: members.length })}</h2>
        <table className="table admin-table">
          <thead>
            <tr>
              <th scope="col">{t("members.person")}</th>
              <th scope="col">{t("members.organisation")}</th>
              <th scope="col">{t("members.role")}</th>
              {abilities.manageMembers ? <th scope="col">{t("members.actions")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <MemberRow key={m.userId} member={m} canManage={abilities.manageMembers} pageResult={pageResult} />
            ))}
          </tbody>
        </table>
        <p className="muted">{t("members.lastOwnerHint")}</p>
      </section>

      {abilities.invite ? <InvitePanel /> : null}

      <section className="panel" aria-labelledby="pending-title">
        <h2 id="pending-title">{t("invitations.pendingTitle", { count: invitations.length })}</h2>
        {invitations.length === 0 ? (
          <p className="muted">{t("invitations.none")}</p>
        ) : (
          <table className="table admin-table">
            <thead>
              <tr>
                <th scope="col">{t("invitations.email")}</th>
                <th scope="col">{t("invitations.role")}</th>
                <th scope="col">{t("invitations.organisation")}</th>
                <th scope="col">{t("invitations.invitedBy")}</th>
                <th scope="col">{t("invitations.expires")}</th>
                <th scope="col">{t("members.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {invitations.map((i) => (
                <InvitationRow key={i.id} invitation={i} pageResult={pageResult} />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}

export function ErrorBoundary() {
  return <AdminErrorPage error={useRouteError()} page="members" subject="workspace" />;
}
