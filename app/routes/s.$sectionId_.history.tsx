import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { useActionResult } from "~/utils/use-action-result";
import { useTranslation } from "react-i18next";
import { sectionAbilities } from "../../server/policy";
import { createVersion } from "../../server/commands/versionCreate";
import { restoreVersion } from "../../server/commands/versionRestore";
import { currentHash, listVersionsUnchecked } from "../../server/views/versions";
import { SectionBreadcrumbs } from "~/components/Breadcrumbs";
import { ErrorPage } from "~/components/ErrorPage";
import { formatMoment } from "~/components/format";
import { workspaceDetail } from "~/components/queries.server";
import { ActionMessage, Hash } from "~/components/review/ActionMessage";
import { field } from "~/components/review/actions.server";
import type { ActionResult } from "~/utils/action-result";
import { useLiveRevalidate } from "~/components/realtime/useLiveRevalidate";
import { ComparePicker } from "~/components/review/ComparePicker";
import { useDateLocale } from "~/components/root-data";
import { pageTitle } from "~/components/translate";
import { runSectionAction, viewSection } from "~/utils/section-actions.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data ? `${data.section.title} · history` : undefined) }];

/** A section's versions, newest first: open any read-only, compare any two, save one, restore one. */
export async function loader(args: LoaderFunctionArgs) {
  const { section, facts, actor, database } = await viewSection(args);
  const [workspace, versions, hash] = await Promise.all([
    workspaceDetail(database, section.workspaceId),
    listVersionsUnchecked(database, section.id),
    currentHash(database, section.id),
  ]);
  return {
    workspace: { id: section.workspaceId, title: workspace?.title ?? "" },
    section: { id: section.id, title: section.title, status: section.status },
    hash,
    versions: versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString(), current: v.contentHash === hash })),
    abilities: sectionAbilities(actor, facts),
  };
}

export async function action(args: ActionFunctionArgs) {
  return runSectionAction(args, {
    create: ({ deps, actor, sectionId, form }) => createVersion(deps, { actor, sectionId, name: field(form, "name") }),
    restore: ({ deps, actor, sectionId, form }) => restoreVersion(deps, { actor, sectionId, versionId: field(form, "versionId") }),
  });
}

export default function HistoryPage() {
  const { workspace, section, hash, versions, abilities } = useLoaderData<typeof loader>();
  const result = useActionResult<ActionResult>();
  const { t } = useTranslation("review");
  const dateLocale = useDateLocale();
  const busy = useNavigation().state !== "idle";
  useLiveRevalidate([workspace.id]);
  return (
    <main id="main" className="page" tabIndex={-1}>
      <SectionBreadcrumbs workspace={workspace} section={section} after={[{ label: t("history.title") }]} />
      <div className="page-heading">
        <h1>
          {t("history.title")}: {section.title}
        </h1>
        <p>
          {t("review.currentHash")}: <Hash value={hash} /> · <Link to={`/s/${section.id}`}>{t("review.backToText")}</Link> ·{" "}
          <Link to={`/s/${section.id}/review`}>{t("review.title")}</Link>
        </p>
      </div>
      <div className="columns">
        <section className="columns__main" aria-labelledby="versions-title">
          <h2 id="versions-title">{t("history.versions")}</h2>
          <ActionMessage result={result} intent="restore" />
          {versions.length === 0 ? (
            <p className="muted">{t("history.none")}</p>
          ) : (
            <ol className="version-list">
              {versions.map((v) => (
                <li key={v.id} data-version-id={v.id} data-kind={v.kind}>
                  <span className="version-list__name">{v.kind === "manual" ? v.name : t(`kind.${v.kind}`)}</span>
                  <span>{t("history.by", { name: v.createdByName ?? "—", date: formatMoment(v.createdAt, dateLocale) })}</span>
                  <Hash value={v.contentHash} />
                  {v.current ? <span className="badge">{t("history.sameAsCurrent")}</span> : null}
                  <Link to={`/s/${section.id}/versions/${v.id}`}>{t("history.open")}</Link>
                  <Link to={`/s/${section.id}/compare?from=${v.id}&to=current`}>{t("history.compareCurrent")}</Link>
                  {abilities["section.restoreVersion"] && !v.current ? (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="restore" />
                      <input type="hidden" name="versionId" value={v.id} />
                      <button type="submit" className="button button--quiet" disabled={busy}>
                        {t("history.restore")}
                      </button>
                    </Form>
                  ) : null}
                </li>
              ))}
            </ol>
          )}
        </section>
        <div className="columns__side stack">
          {abilities["section.createVersion"] ? (
            <section className="panel" aria-labelledby="save-title">
              <h2 id="save-title">{t("history.save")}</h2>
              <Form method="post" className="stack-form">
                <input type="hidden" name="intent" value="create" />
                <label htmlFor="version-name">{t("history.name")}</label>
                <input id="version-name" name="name" required maxLength={120} />
                <button type="submit" className="button button--primary" disabled={busy}>
                  {t("history.saveSubmit")}
                </button>
              </Form>
              <ActionMessage result={result} intent="create" />
            </section>
          ) : null}
          {versions.length > 0 ? (
            <section className="panel" aria-labelledby="compare-title">
              <h2 id="compare-title">{t("compare.title")}</h2>
              <ComparePicker sectionId={section.id} versions={versions} />
            </section>
          ) : null}
        </div>
      </div>
    </main>
  );
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} subject="section" />;
}
