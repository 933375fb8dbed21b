import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRouteError } from "@remix-run/react";
import { renderToHTMLString } from "@tiptap/static-renderer/pm/html-string";
import { useTranslation } from "react-i18next";
import { toProseMirror } from "../../server/document";
import { loadVersionUnchecked } from "../../server/views/versions";
import { documentExtensions } from "../shared/editor-extensions";
import { SectionBreadcrumbs } from "~/components/Breadcrumbs";
import { ErrorPage } from "~/components/ErrorPage";
import { formatMoment } from "~/components/format";
import { workspaceDetail } from "~/components/queries.server";
import { Hash } from "~/components/review/ActionMessage";
import { useDateLocale } from "~/components/root-data";
import { pageTitle } from "~/components/translate";
import { guard } from "~/utils/auth.server";
import { viewSection } from "~/utils/section-actions.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data ? `${data.version.name} · ${data.section.title}` : undefined) }];

/** One version of a section, read-only, rendered by the editor's own extensions (escaped, link allow-list). */
export async function loader(args: LoaderFunctionArgs) {
  const { section, database } = await viewSection(args);
  const version = await guard(() => loadVersionUnchecked(database, section.id, args.params.versionId ?? ""));
  let html: string;
  try {
    html = renderToHTMLString({ content: toProseMirror(version.doc), extensions: documentExtensions() });
  } finally {
    version.doc.destroy();
  }
  const workspace = await workspaceDetail(database, section.workspaceId);
  return {
    workspace: { id: section.workspaceId, title: workspace?.title ?? "" },
    section: { id: section.id, title: section.title },
    version: {
      id: version.id,
      name: version.name,
      kind: version.kind,
      contentHash: version.contentHash,
      createdAt: version.createdAt.toISOString(),
      createdByName: version.createdByName,
    },
    html,
  };
}

export default function VersionPage() {
  const { workspace, section, version, html } = useLoaderData<typeof loader>();
  const { t } = useTranslation("review");
  const dateLocale = useDateLocale();
  const name = version.kind === "manual" ? version.name : t(`kind.${version.kind}`);
  return (
    <main id="main" className="page" tabIndex={-1}>
      <SectionBreadcrumbs workspace={workspace} section={section} after={[{ label: t("history.title"), to: `/s/${section.id}/history` }, { label: name }]} />
      <div className="page-heading">
        <h1>{name}</h1>
        <p>
          {t("history.by", { name: version.createdByName ?? "—", date: formatMoment(version.createdAt, dateLocale) })} · <Hash value={version.contentHash} />
        </p>
        <p className="alert">{t("history.readOnly")}</p>
        <p>
          <Link to={`/s/${section.id}/compare?from=${version.id}&to=current`}>{t("history.compareCurrent")}</Link>
        </p>
      </div>
      <div className="section-static prose" data-version-text>
        <div dangerouslySetInnerHTML={{ __html: html }} />
      </div>
    </main>
  );
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} subject="section" />;
}
