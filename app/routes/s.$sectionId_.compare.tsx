import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type * as Y from "yjs";
import { z } from "zod";
import { BAD_REQUEST } from "../../server/errors";
import { contentHash } from "../../server/document";
import { idSchema } from "../shared/ids";
import { loadStoredDoc } from "../../server/services/section-text";
import { listVersionsUnchecked, loadVersionUnchecked } from "../../server/views/versions";
import { clientAuthorsUnchecked, diffWithAuthors } from "../../server/views/authorship";
import { layoutDiff } from "../../server/views/diff-layout";
import { toProseMirror } from "../../server/document";
import { SectionBreadcrumbs } from "~/components/Breadcrumbs";
import { ErrorPage } from "~/components/ErrorPage";
import { formatMoment } from "~/components/format";
import { workspaceDetail } from "~/components/queries.server";
import { Hash } from "~/components/review/ActionMessage";
import { DiffView } from "~/components/review/DiffView";
import { ComparePicker } from "~/components/review/ComparePicker";
import { useDateLocale } from "~/components/root-data";
import { pageTitle } from "~/components/translate";
import { errorResponse, guard } from "~/utils/auth.server";
import { viewSection } from "~/utils/section-actions.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data ? `${data.section.title} · compare` : undefined) }];

/** The word diff with its authors, laid out in the texts' own blocks and marks (headings, lists, bold, italic). */
function formatted(older: Y.Doc, newer: Y.Doc, owners: Parameters<typeof diffWithAuthors>[2]) {
  const parts = diffWithAuthors(older, newer, owners);
  return { parts, lines: layoutDiff(parts, toProseMirror(older), toProseMirror(newer)) };
}

/** The section's versions for the pickers, newest first. */
async function pickable(database: Parameters<typeof listVersionsUnchecked>[0], sectionId: string) {
  return (await listVersionsUnchecked(database, sectionId)).map((v) => ({ id: v.id, name: v.name, kind: v.kind as string, createdAt: v.createdAt.toISOString() }));
}

const Query = z.object({ from: idSchema, to: idSchema });

/** Two versions of a section (or a version and the current text), compared word by word. */
export async function loader(args: LoaderFunctionArgs) {
  const { section, database } = await viewSection(args);
  const url = new URL(args.request.url);
  if (!url.searchParams.get("from")) {
    // Nothing chosen yet (an address typed or shared without its versions): the pickers, not an error.
    const [workspace, versions] = await Promise.all([workspaceDetail(database, section.workspaceId), pickable(database, section.id)]);
    return { choose: true as const, workspace: { id: section.workspaceId, title: workspace?.title ?? "" }, section: { id: section.id, title: section.title }, versions };
  }
  const query = Query.safeParse({ from: url.searchParams.get("from"), to: url.searchParams.get("to") ?? "current" });
  if (!query.success) throw errorResponse(400, BAD_REQUEST, "Choose two versions to compare (from, to).");
  const docs: Y.Doc[] = [];
  const side = async (id: string) => {
    if (id === "current") {
      const doc = await loadStoredDoc(database, section.id);
      docs.push(doc);
      return { id, name: null, kind: null, createdAt: null, createdByName: null, hash: contentHash(doc), doc };
    }
    const v = await guard(() => loadVersionUnchecked(database, section.id, id));
    docs.push(v.doc);
    return { id, name: v.name, kind: v.kind, createdAt: v.createdAt.toISOString(), createdByName: v.createdByName, hash: v.contentHash, doc: v.doc };
  };
  try {
    const [from, to] = [await side(query.data.from), await side(query.data.to)];
    // The section was checked (viewSection): whoever reads it sees who wrote each change (ADR 028).
    const [workspace, owners, versions] = await Promise.all([workspaceDetail(database, section.workspaceId), clientAuthorsUnchecked(database, section.id), pickable(database, section.id)]);
    const strip = ({ doc: _doc, ...rest }: typeof from) => rest;
    return {
      choose: false as const,
      versions,
      workspace: { id: section.workspaceId, title: workspace?.title ?? "" },
      section: { id: section.id, title: section.title },
      from: strip(from),
      to: strip(to),
      ...formatted(from.doc, to.doc, owners),
    };
  } finally {
    for (const d of docs) d.destroy();
  }
}

export default function ComparePage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("review");
  if (data.choose) {
    const { workspace, section, versions } = data;
    return (
      <main id="main" className="page" tabIndex={-1}>
        <SectionBreadcrumbs workspace={workspace} section={section} after={[{ label: t("history.title"), to: `/s/${section.id}/history` }, { label: t("compare.title") }]} />
        <div className="page-heading">
          <h1>{t("compare.title")}</h1>
          <p className="lede">{t("compare.choose")}</p>
        </div>
        <section className="panel">
          <ComparePicker sectionId={section.id} versions={versions} />
        </section>
        <p>
          <Link to={`/s/${section.id}/history`}>{t("history.title")}</Link>
        </p>
      </main>
    );
  }
  return <Comparison data={data} />;
}

function Comparison({ data }: { data: Extract<ReturnType<typeof useLoaderData<typeof loader>>, { choose: false }> }) {
  const { workspace, section, from, to, parts, lines, versions } = data;
  const { t } = useTranslation("review");
  const dateLocale = useDateLocale();
  const label = (s: typeof from) =>
    s.id === "current" ? t("compare.current") : `${s.kind === "manual" ? s.name : t(`kind.${s.kind}`)} · ${s.createdAt ? formatMoment(s.createdAt, dateLocale) : ""}`;
  return (
    <main id="main" className="page" tabIndex={-1}>
      <SectionBreadcrumbs workspace={workspace} section={section} after={[{ label: t("history.title"), to: `/s/${section.id}/history` }, { label: t("compare.title") }]} />
      <div className="page-heading">
        <h1>{t("compare.title")}</h1>
        <dl className="facts">
          <div>
            <dt>{t("compare.from")}</dt>
            <dd>
              {label(from)} <Hash value={from.hash} />
            </dd>
          </div>
          <div>
            <dt>{t("compare.to")}</dt>
            <dd>
              {label(to)} <Hash value={to.hash} />
            </dd>
          </div>
        </dl>
        <p className="muted">{t("compare.legend")}</p>
      </div>
      <DiffView parts={parts} lines={lines} />
      <details className="panel">
        <summary>{t("compare.other")}</summary>
        <ComparePicker sectionId={section.id} versions={versions} from={from.id} to={to.id} idPrefix="again-" />
      </details>
      <p>
        <Link to={`/s/${section.id}/history`}>{t("history.title")}</Link> · <Link to={`/s/${section.id}/review`}>{t("review.title")}</Link>
      </p>
    </main>
  );
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} subject="section" />;
}
