/**
 * A workspace's archived sections: still readable (their page, versions, comments) to whoever may see
 * the workspace; its owners restore them.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useRouteError } from "@remix-run/react";
import { archiveNotice } from "../../server/views/agendas";
import { ArchivedNotice } from "~/components/agenda/ArchivedNotice";
import { useTranslation } from "react-i18next";
import { listArchivedSections } from "../../server/views/sections";
import { getWorkspaceUnchecked } from "../../server/views/workspaces";
import { Breadcrumbs } from "~/components/Breadcrumbs";
import { ErrorPage } from "~/components/ErrorPage";
import { formatMoment } from "~/components/format";
import { useLiveRevalidate } from "~/components/realtime/useLiveRevalidate";
import { field } from "~/components/review/actions.server";
import { useDateLocale } from "~/components/root-data";
import { sectionAction } from "~/components/sections/actions.server";
import { SectionMessage } from "~/components/sections/SectionMessage";
import { StatusBadge } from "~/components/StatusBadge";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import type { ActionResult } from "~/utils/action-result";
import { guard, requireActor } from "~/utils/auth.server";
import { useActionResult } from "~/utils/use-action-result";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: pageTitle(`${translate(localeFromMatches(matches), "sections:archived.title")}${data ? ` · ${data.workspace.title}` : ""}`) },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const workspaceId = params.workspaceId ?? "";
  const { database } = context.services;
  const sections = await guard(() => listArchivedSections(database, actor, workspaceId));
  const workspace = await getWorkspaceUnchecked(database, workspaceId);
  // After the guard above: only someone who may see the workspace gets here.
  const archived = await archiveNotice(database, actor, workspaceId);
  return { workspace: { id: workspaceId, title: workspace?.title ?? "" }, sections, archived };
}

/** Restoring one archived section (the command asks the policy). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const actor = await requireActor(request, context);
  const form = await request.formData();
  // The only thing this page does; any other intent is refused as bad input by the form answer.
  if (field(form, "intent") !== "section.restore") return sectionAction(context.services, actor, params.workspaceId ?? "", "section.restore", new FormData());
  return sectionAction(context.services, actor, params.workspaceId ?? "", "section.restore", form);
}

export default function ArchivedSectionsPage() {
  const { workspace, sections, archived } = useLoaderData<typeof loader>();
  const result = useActionResult<ActionResult>();
  const { t } = useTranslation("sections");
  const { t: tc } = useTranslation();
  const dateLocale = useDateLocale();
  useLiveRevalidate([workspace.id]);
  return (
    <main id="main" className="page" tabIndex={-1}>
      <Breadcrumbs
        items={[
          { label: tc("nav.dashboard"), to: "/" },
          { label: workspace.title, to: `/w/${workspace.id}` },
          { label: t("archived.title") },
        ]}
      />
      <ArchivedNotice notice={archived} workspaceId={workspace.id} />
      <div className="page-heading">
        <h1>{t("archived.title")}</h1>
      </div>
      <SectionMessage result={result} intent="section.restore" />
      {sections.length === 0 ? (
        <p className="muted">{t("archived.none")}</p>
      ) : (
        <ul className="section-list" aria-label={t("archived.title")}>
          {sections.map((s) => (
            <li key={s.id} className="section-list__item" data-section-id={s.id}>
              <div className="section-list__main">
                <Link to={`/s/${s.id}`} className="section-list__title">
                  {s.title}
                </Link>
                <span className="section-list__updated">{t("archived.at", { date: formatMoment(s.archivedAt, dateLocale) })}</span>
              </div>
              <StatusBadge status={s.status} />
              {s.mayRestore ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="section.restore" />
                  <input type="hidden" name="sectionId" value={s.id} />
                  <button type="submit" className="button" aria-label={`${t("archived.restore")}: ${s.title}`}>
                    {t("archived.restore")}
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} subject="workspace" />;
}
