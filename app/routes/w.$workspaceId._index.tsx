import { SECTION_STATUSES, type SectionStatus } from "../shared/domain";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useRouteError } from "@remix-run/react";
import { useConfirmDialog } from "~/components/ConfirmDialog";
import { useTranslation } from "react-i18next";
import { authorize, workspaceAbilities, workspaceRoleLabel } from "../../server/policy";
import { loadWorkspaceFacts } from "../../server/services/access";
import { listMembersUnchecked } from "../../server/views/workspaces";
import { CommandError } from "../../server/services/errors";
import { publishAgenda } from "../../server/commands/agendaPublish";
import { workspaceReviewSummaryUnchecked } from "../../server/views/agenda";
import { setWorkspaceApprovers } from "../../server/commands/reviewApproversSet";
import { sectionShaping } from "../../server/views/sections";
import { archiveNotice } from "../../server/views/agendas";
import { ArchivedNotice } from "~/components/agenda/ArchivedNotice";
import { consultationRecord } from "../../server/views/consultation";
import { EXPORT_FORMATS } from "../shared/exports";
import { ActionMessage } from "~/components/review/ActionMessage";
import { isSectionIntent, sectionAction } from "~/components/sections/actions.server";
import { ImportFile } from "~/components/imports/ImportFile";
import { SectionList } from "~/components/sections/SectionList";
import { SectionMessage } from "~/components/sections/SectionMessage";
import { useActionResult } from "~/utils/use-action-result";
import { field, runCommand } from "~/components/review/actions.server";
import type { ActionResult } from "~/utils/action-result";
import { Breadcrumbs } from "~/components/Breadcrumbs";
import { Deadline } from "~/components/Deadline";
import { ErrorPage } from "~/components/ErrorPage";
import { WorkspacePresence } from "~/components/realtime/WorkspacePresence";
import { useLiveRevalidate } from "~/components/realtime/useLiveRevalidate";
import { usePresence } from "~/components/realtime/usePresence";
import { RoleLabel } from "~/components/RoleLabel";
import { ChangeRequests } from "~/components/review/ChangeRequests";
import { StatusBadge } from "~/components/StatusBadge";
import { daysUntil, formatMoment } from "~/components/format";
import { workspaceDetail } from "~/components/queries.server";
import { useDateLocale, useRootData } from "~/components/root-data";
import { pageTitle } from "~/components/translate";
import { errorResponse, guard, requireActor } from "~/utils/auth.server";
import { stepUpFromForm, stepUpNeeded } from "~/utils/step-up.server";
import { StepUpField } from "~/components/auth/StepUpField";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data?.workspace.title) }];

/** One workspace: its sections in order, its members and roles, and what I may do here. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const { database } = context.services;
  const workspaceId = params.workspaceId ?? "";
  const facts = await guard(() => loadWorkspaceFacts(database, actor, workspaceId));
  await guard(() => authorize(actor, "workspace.view", facts));
  const [workspace, members] = await Promise.all([workspaceDetail(database, workspaceId), listMembersUnchecked(database, workspaceId)]);
  if (!workspace) throw errorResponse(404, "not_found", `No workspace with id ${JSON.stringify(workspaceId)}.`);
  const [reviews, shaping, archived] = await Promise.all([
    workspaceReviewSummaryUnchecked(database, workspace.sections),
    guard(() => sectionShaping(database, actor, workspaceId)),
    archiveNotice(database, actor, workspaceId),
  ]);
  const mayChooseApprovers = workspaceAbilities(actor, facts)["workspace.update"];
  // The consultation record's summary, for those who may read it (the view asks the policy).
  const record = workspaceAbilities(actor, facts)["workspace.consultation"] ? await guard(() => consultationRecord(database, actor, workspaceId)) : null;
  const consultation = record?.consultation ? { open: record.inputs.filter((i) => i.disposition === null).length, total: record.inputs.length } : null;
  const organisations = mayChooseApprovers
    ? (await database.db.select({ id: database.t.organisations.id, name: database.t.organisations.name, shortCode: database.t.organisations.shortCode, kind: database.t.organisations.kind }).from(database.t.organisations)).filter((o) => o.kind !== "minister-office").sort((a, b) => a.name.localeCompare(b.name))
    : [];
  // The agenda roll-up's counters link here with a status: only the sections in that status are listed.
  const search = new URL(request.url).searchParams;
  const statusParam = search.get("status");
  const statusFilter = SECTION_STATUSES.includes(statusParam as SectionStatus) ? (statusParam as SectionStatus) : null;
  return {
    statusFilter,
    // Just joined from an invitation: welcomed with the workspace and the role it gave (members only).
    welcome: search.get("welcome") === "1" && facts.role !== null,
    organisations: organisations.map((o) => ({ id: o.id, name: o.name, chosen: workspace.approvers.some((a) => a.shortCode === o.shortCode) })),
    reviews: Object.fromEntries(reviews.map((r) => [r.id, r])),
    workspace: { ...workspace, daysLeft: workspace.deadline ? daysUntil(workspace.deadline) : null },
    members: members.map((m) => ({
      userId: m.userId,
      name: m.name,
      role: m.role,
      organisationName: m.organisationName,
      organisationKind: m.organisationKind,
      isMe: m.userId === actor.id,
    })),
    myRole: workspaceRoleLabel(actor, facts),
    abilities: workspaceAbilities(actor, facts),
    stepUpNeeded: stepUpNeeded(actor),
    shaping,
    archived,
    consultation,
  };
}

/** Publishing this workspace (the minister's office), when every section is final. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const actor = await requireActor(request, context);
  const form = await request.formData();
  const intent = field(form, "intent");
  if (isSectionIntent(intent)) return sectionAction(context.services, actor, params.workspaceId ?? "", intent, form);
  if (intent === "approvers") {
    return runCommand(intent, () =>
      setWorkspaceApprovers(context.services, {
        actor,
        workspaceId: params.workspaceId ?? "",
        organisationIds: form.getAll("organisationId").filter((v): v is string => typeof v === "string"),
      }),
    );
  }
  if (intent !== "publish") {
    return runCommand(intent, async () => {
      throw new CommandError("unknown_intent", "Unknown action.", 400);
    });
  }
  return runCommand(intent, async () =>
    publishAgenda(context.services, { actor: await stepUpFromForm(request, context, form, actor), workspaceId: params.workspaceId ?? "" }),
  );
}

export default function WorkspacePage() {
  const { workspace, members, myRole, abilities, reviews, organisations, stepUpNeeded, shaping, archived, consultation, statusFilter, welcome } = useLoaderData<typeof loader>();
  // Kept through the live refresh that the action itself causes (useActionResult).
  const publishResult = useActionResult<ActionResult>();
  const shapeResult = useActionResult<ActionResult>();
  const { t: ts } = useTranslation("sections");
  const mayShape = abilities["section.create"];
  const { t: tr } = useTranslation("review");
  const { t } = useTranslation();
  const dateLocale = useDateLocale();
  const mayManage = abilities["workspace.manageMembers"] || abilities["workspace.invite"];
  const { user } = useRootData();
  const { people } = usePresence(workspace.id);
  useLiveRevalidate([workspace.id]);
  const allPublished = workspace.sections.length > 0 && workspace.sections.every((s) => s.status === "published");
  const publishConfirm = useConfirmDialog({ id: "publish", title: tr("confirm.publish.title"), body: <p>{tr("confirm.publish.body")}</p>, confirmLabel: tr("confirm.publish.ok") });
  return (
    <main id="main" className="page" tabIndex={-1}>
      <Breadcrumbs items={[{ label: t("nav.dashboard"), to: "/" }, { label: workspace.title }]} />
      <ArchivedNotice notice={archived} workspaceId={workspace.id} />
      {welcome ? (
        <div className="notice" role="status" data-welcome>
          <p>
            <strong>{t("workspace.welcome", { workspace: workspace.title })}</strong> {t("workspace.welcomeRole")} <RoleLabel role={myRole} />.
          </p>
          <p className="muted">{t(`workspace.welcomeWhat.${myRole ?? "none"}`)}</p>
        </div>
      ) : null}
      <div className="page-heading">
        <h1>{workspace.title}</h1>
        {workspace.description ? <p className="lede">{workspace.description}</p> : null}
        <dl className="facts facts--inline">
          <div>
            <dt>{t("workspace.lead")}</dt>
            <dd>{workspace.lead?.name ?? "—"}</dd>
          </div>
          <div>
            <dt>{t("workspace.deadline")}</dt>
            <dd>
              <Deadline deadline={workspace.deadline} daysLeft={workspace.daysLeft} />
            </dd>
          </div>
          <div>
            <dt>{t("workspace.myRole")}</dt>
            <dd>
              <RoleLabel role={myRole} />
            </dd>
          </div>
          {workspace.approvers.length ? (
            <div>
              <dt>{t("workspace.approvers")}</dt>
              <dd>{workspace.approvers.map((a) => a.name).join(", ")}</dd>
            </div>
          ) : null}
        </dl>
      </div>

      <div className="columns">
        <section className="columns__main" aria-labelledby="sections-title">
          <h2 id="sections-title">{t("workspace.sections")}</h2>
          {workspace.sections.length === 0 ? <p className="muted">{t("workspace.noSections")}</p> : null}
          {statusFilter ? (
            <p className="alert" role="status" data-filter>
              {t("workspace.filtered", { status: t(`status.${statusFilter}`) })} <Link to={`/w/${workspace.id}`}>{t("workspace.showAll")}</Link>
            </p>
          ) : null}
          <SectionList
            sections={statusFilter ? workspace.sections.filter((s) => s.status === statusFilter) : workspace.sections}
            mayShape={mayShape && !statusFilter}
            moveTargets={shaping.moveTargets}
            result={shapeResult}
            extra={(s) => (
              <>
                <span className="section-list__updated">{t("workspace.updated", { date: formatMoment(s.updatedAt, dateLocale) })}</span>
                {reviews[s.id]?.pending.length || reviews[s.id]?.stale.length ? (
                  <span className={`review-summary${reviews[s.id].late.length ? " review-summary--late" : ""}`} data-review-summary>
                    {reviews[s.id].pending.length ? tr("summary.pending", { organisations: reviews[s.id].pending.join(", ") }) : null}
                    {reviews[s.id].late.length ? ` · ${tr("summary.late", { organisations: reviews[s.id].late.join(", ") })}` : null}
                    {reviews[s.id].stale.length ? ` · ${tr("summary.stale", { organisations: reviews[s.id].stale.join(", ") })}` : null}{" "}
                    <Link to={`/s/${s.id}/review`}>{tr("review.title")}</Link>
                  </span>
                ) : null}
                <ChangeRequests requests={reviews[s.id]?.changesRequested ?? []} />
                <StatusBadge status={s.status} />
              </>
            )}
          />
        </section>

        <div className="columns__side stack">
          {mayShape ? (
            <section className="panel" aria-labelledby="add-sections-title">
              <h2 id="add-sections-title">{ts("add.title")}</h2>
              <Form method="post" className="stack-form" data-form="add-blank">
                <input type="hidden" name="intent" value="section.create" />
                <label>
                  {ts("add.blankLabel")}
                  <input name="title" maxLength={200} required />
                </label>
                <button type="submit" className="button">
                  {ts("add.blankSubmit")}
                </button>
              </Form>
              {shaping.templates.length ? (
                <Form method="post" className="stack-form" data-form="add-template">
                  <input type="hidden" name="intent" value="section.create" />
                  <label>
                    {ts("add.templateLabel")}
                    <select name="template" defaultValue={`${shaping.templates[0].id}:all`}>
                      {shaping.templates.map((tpl) => [
                        <option key={`${tpl.id}:all`} value={`${tpl.id}:all`}>
                          {ts("add.templateAll", { name: tpl.name })}
                        </option>,
                        ...tpl.items.map((item) => (
                          <option key={`${tpl.id}:${item.position}`} value={`${tpl.id}:${item.position}`}>
                            {ts("add.templateItem", { name: tpl.name, title: item.title })}
                          </option>
                        )),
                      ])}
                    </select>
                  </label>
                  <button type="submit" className="button">
                    {ts("add.templateSubmit")}
                  </button>
                </Form>
              ) : null}
              <SectionMessage result={shapeResult} intent="section.create" />
              <h3>{ts("import.titleNew")}</h3>
              <ImportFile target={{ kind: "workspace", workspaceId: workspace.id }} />
            </section>
          ) : null}
          {mayShape && workspace.sections.length ? (
            <section className="panel" aria-labelledby="save-template-title">
              <h2 id="save-template-title">{ts("template.title")}</h2>
              <p className="muted">{ts("template.explain")}</p>
              <Form method="post" className="stack-form">
                <input type="hidden" name="intent" value="template.create" />
                <label>
                  {ts("template.nameLabel")}
                  <input name="name" maxLength={200} required />
                </label>
                <button type="submit" className="button">
                  {ts("template.submit")}
                </button>
              </Form>
              <SectionMessage result={shapeResult} intent="template.create" />
            </section>
          ) : null}
          {shaping.archivedCount > 0 ? (
            <p className="panel">
              <Link to={`/w/${workspace.id}/archived`} data-link="archived">
                {ts("archived.link", { count: shaping.archivedCount })}
              </Link>
            </p>
          ) : null}
          {consultation ? (
            <p className="panel" data-consultation-open={consultation.open}>
              <Link to={`/w/${workspace.id}/consultation`} data-link="consultation">
                {consultation.open > 0 ? tr("consultation.linkOpen", { count: consultation.open }) : tr("consultation.link")}
              </Link>
            </p>
          ) : null}
          <section className="panel" aria-labelledby="export-title">
            <h2 id="export-title">{tr("agenda.downloads")}</h2>
            <ul className="export-links">
              {EXPORT_FORMATS.map((f) => (
                <li key={f}>
                  <a className="button button--quiet" href={`/agenda/export?format=${f}&workspace=${workspace.id}`} download data-export={f}>
                    {tr(`format.${f}`)}
                  </a>
                </li>
              ))}
            </ul>
            {workspace.sections.length > 0 && workspace.sections.every((s) => s.status === "published") ? (
              <p>
                <a className="button" href={`/w/${workspace.id}/package`} download data-link="publication-package">
                  {tr("agenda.package")}
                </a>
                <br />
                <span className="muted">{tr("agenda.packageExplain")}</span>
              </p>
            ) : null}
            {abilities["workspace.publish"] && !allPublished ? (
              <Form method="post" onSubmit={publishConfirm.onSubmit}>
                <input type="hidden" name="intent" value="publish" />
                <StepUpField needed={stepUpNeeded} result={publishResult} intent="publish" id="publish-code" />
                <button type="submit" className="button button--primary">
                  {tr("agenda.publishWorkspace")}
                </button>
              </Form>
            ) : null}
            {abilities["workspace.publish"] && allPublished ? <p data-published>{tr("agenda.workspacePublished")}</p> : null}
            {publishConfirm.dialog}
            <ActionMessage result={publishResult} intent="publish" />
          </section>
          {organisations.length ? (
            <section className="panel" aria-labelledby="approvers-title">
              <h2 id="approvers-title">{tr("approvers.title")}</h2>
              <p className="muted">{tr("approvers.explain")}</p>
              <Form method="post" className="stack-form">
                <input type="hidden" name="intent" value="approvers" />
                {organisations.map((o) => (
                  <label key={o.id}>
                    <input type="checkbox" name="organisationId" value={o.id} defaultChecked={o.chosen} /> {o.name}
                  </label>
                ))}
                <button type="submit" className="button">
                  {tr("approvers.submit")}
                </button>
              </Form>
              <ActionMessage result={publishResult} intent="approvers" />
            </section>
          ) : null}
          <p className="panel">
            <Link to={`/w/${workspace.id}/activity`} data-link="activity">
              {t("comments:activity.title")}
            </Link>
          </p>
          <div className="panel">
            <WorkspacePresence
              people={people}
              currentUserId={user?.id ?? null}
              sectionTitles={Object.fromEntries(workspace.sections.map((s) => [s.id, s.title]))}
            />
          </div>
          <section className="panel" aria-labelledby="members-title">
            <h2 id="members-title">
              {t("workspace.members")} <span className="count">({t("workspace.membersCount", { count: members.length })})</span>
            </h2>
            {members.length === 0 ? (
              <p className="muted">{t("workspace.noMembers")}</p>
            ) : (
              <ul className="member-list">
                {members.map((m) => (
                  <li key={m.userId} className="member-list__item" data-member-id={m.userId}>
                    <span className="member-list__who">
                      <span className="member-list__name">
                        {m.name}
                        {m.isMe ? <span className="muted"> ({t("workspace.you")})</span> : null}
                      </span>
                      <span className="member-list__org">{m.organisationName ?? "—"}</span>
                    </span>
                    <RoleLabel role={m.role} />
                  </li>
                ))}
              </ul>
            )}
            {mayManage ? (
              <p>
                <Link to={`/w/${workspace.id}/members`} className="button">
                  {t("workspace.manageMembers")}
                </Link>
              </p>
            ) : null}
          </section>
        </div>
      </div>
    </main>
  );
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} subject="workspace" />;
}
