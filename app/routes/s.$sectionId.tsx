import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRouteError } from "@remix-run/react";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { isLocked } from "../../server/lifecycle";
import { authorize, sectionAbilities, sectionActions, workspaceRoleLabel } from "../../server/policy";
import { loadSectionFacts } from "../../server/services/access";
import { archiveNotice } from "../../server/views/agendas";
import { sectionLinkTargetsOf } from "../../server/views/sections";
import { reviewStateUnchecked } from "../../server/views/reviews";
import { ArchivedNotice } from "~/components/agenda/ArchivedNotice";
import { Breadcrumbs } from "~/components/Breadcrumbs";
import { SectionEditor } from "~/components/editor/SectionEditor";
import {
  SectionComments,
  useCommentsBridge,
} from "~/components/comments/SectionComments";
import { ErrorPage } from "~/components/ErrorPage";
import { ImportFile } from "~/components/imports/ImportFile";
import { SectionOutline } from "~/components/sections/SectionOutline";
import { useLiveRevalidate } from "~/components/realtime/useLiveRevalidate";
import { usePresence } from "~/components/realtime/usePresence";
import { RoleLabel } from "~/components/RoleLabel";
import { StatusBadge } from "~/components/StatusBadge";
import { formatMoment } from "~/components/format";
import { personNames, workspaceDetail } from "~/components/queries.server";
import { useDateLocale } from "~/components/root-data";
import { storedSectionHtml } from "~/components/section/section-html.server";
import { pageTitle } from "~/components/translate";
import { guard, requireActor } from "~/utils/auth.server";

import { lockedRecordUnchecked } from "../../server/views/reviews";
import { ApprovalRecord, recordView } from "~/components/review/ApprovalRecord";
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: pageTitle(
      data ? `${data.section.title} · ${data.workspace.title}` : undefined
    ),
  },
];

/** One section: where it sits, its status, what I may do (the policy's answers) and its stored text. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const { database } = context.services;
  const sectionId = params.sectionId ?? "";
  const { section, facts } = await guard(() =>
    loadSectionFacts(database, actor, sectionId)
  );
  await guard(() => authorize(actor, "section.view", facts));
  const linkTargets = await sectionLinkTargetsOf(database, actor, section.workspaceId);
  const [workspace, text, names, archivedWorkspace, review, record] = await Promise.all([
    workspaceDetail(database, section.workspaceId),
    storedSectionHtml(database, section.id, linkTargets),
    personNames(database, section.lockedBy ? [section.lockedBy] : []),
    facts.archived ? archiveNotice(database, actor, section.workspaceId) : Promise.resolve(null),
    // Who approved the current text (the section may be viewed, checked above): accepting a suggestion makes those approvals stale.
    reviewStateUnchecked(database, section.id),
    isLocked(section.status) ? lockedRecordUnchecked(database, section.id) : Promise.resolve(null),
  ]);
  const siblings = workspace?.sections ?? [];
  const index = siblings.findIndex((s) => s.id === section.id);
  return {
    workspace: { id: section.workspaceId, title: workspace?.title ?? "" },
    section: {
      id: section.id,
      title: section.title,
      status: section.status,
      updatedAt: new Date(section.updatedAt).toISOString(),
      // An archived section has no place in the workspace's order.
      archived: section.archivedAt !== null,
      position: index + 1,
      total: siblings.length,
      previous:
        index > 0
          ? { id: siblings[index - 1].id, title: siblings[index - 1].title }
          : null,
      next:
        index >= 0 && index < siblings.length - 1
          ? { id: siblings[index + 1].id, title: siblings[index + 1].title }
          : null,
    },
    locked: isLocked(section.status)
      ? {
          by: section.lockedBy ? names.get(section.lockedBy) ?? null : null,
          at: section.lockedAt
            ? new Date(section.lockedAt).toISOString()
            : null,
        }
      : null,
    // The approvals and sign-off it was locked with, while final or published.
    record: recordView(record),
    text,
    // The office is no member but signs off: it reads "Final sign-off", as on the dashboard.
    myRole: workspaceRoleLabel(actor, facts),
    abilities: sectionAbilities(actor, facts),
    editorUser: {
      id: actor.id,
      name: actor.name,
      organisationId: actor.organisationId,
      organisationShortCode: actor.organisationShortCode,
    },
    archivedWorkspace,
    // The sections a link may point to (the editor's picker): readable ones of this agenda, not this one.
    linkTargets: [...linkTargets.values()].filter((l) => l.id !== section.id),
    freshApprovals: review.organisations
      .filter((o) => o.decision?.decision === "approve" && !o.decision.stale)
      .map((o) => o.shortCode || o.name),
  };
}

export default function SectionPage() {
  const { workspace, section, locked, record, text, myRole, abilities, editorUser, archivedWorkspace, linkTargets, freshApprovals } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const { t: tr } = useTranslation("review");
  const { t: ts } = useTranslation("sections");
  const dateLocale = useDateLocale();
  // The live editor is for a section that was not archived when the page opened; archived while open,
  // the editor stays to say why it was disconnected, and the page says it is archived.
  const archivedAtOpen = useRef(new Map<string, boolean>());
  if (!archivedAtOpen.current.has(section.id))
    archivedAtOpen.current.set(section.id, section.archived);
  const live = !archivedAtOpen.current.get(section.id);
  // Archived while open: the editor keeps the rights it had (the server closed it and refuses it
  // anyway), so it does not start a new session and keeps saying why it was disconnected.
  const editableBefore = useRef(new Map<string, boolean>());
  if (!section.archived)
    editableBefore.current.set(section.id, abilities["section.edit"]);
  const editable = section.archived
    ? editableBefore.current.get(section.id) ?? false
    : abilities["section.edit"];
  // Which section's editor has reported ready (the page component is reused across sections).
  // Present in this section (others see it on the workspace page); reload when its status changes.
  usePresence(workspace.id, section.id);
  useLiveRevalidate([workspace.id]);
  const [readyFor, setReadyFor] = useState<string | null>(null);
  // The comments column draws its threads in the live editor (created later, in the browser).
  const comments = useCommentsBridge();
  const editorReady = readyFor === section.id;
  return (
    <main id="main" className="page" tabIndex={-1}>
      <Breadcrumbs
        items={[
          { label: t("nav.dashboard"), to: "/" },
          { label: workspace.title, to: `/w/${workspace.id}` },
          { label: section.title },
        ]}
      />
      <ArchivedNotice notice={archivedWorkspace} workspaceId={workspace.id} />
      <div className="page-heading page-heading--section">
        {section.archived ? null : (
          <p className="eyebrow">
            {t("section.position", {
              position: section.position,
              total: section.total,
            })}
          </p>
        )}
        <h1>{section.title}</h1>
        <dl className="facts facts--inline">
          <div>
            <dt>{t("section.status")}</dt>
            <dd>
              <StatusBadge status={section.status} />
            </dd>
          </div>
          <div>
            <dt>{t("section.myRole")}</dt>
            <dd>
              <RoleLabel role={myRole} />
            </dd>
          </div>
          <div>
            <dt>{t("section.lastUpdated")}</dt>
            <dd>
              <time dateTime={section.updatedAt}>
                {formatMoment(section.updatedAt, dateLocale)}
              </time>
            </dd>
          </div>
        </dl>
        {section.archived ? (
          <p className="alert alert--locked" role="status" data-archived>
            {ts("archived.banner")}
          </p>
        ) : null}
        {locked ? (
          <p className="alert alert--locked">
            {locked.at
              ? locked.by
                ? t("section.lockedBy", {
                    name: locked.by,
                    date: formatMoment(locked.at, dateLocale),
                  })
                : t("section.lockedNoName", {
                    date: formatMoment(locked.at, dateLocale),
                  })
              : t("errors.forbidden.locked")}
          </p>
        ) : null}
      </div>

      <div className="columns">
        <section className="columns__main" aria-labelledby="text-title">
          <h2 id="text-title" className="visually-hidden">
            {t("section.text")}
          </h2>
          {/*
            The text, in two layers. The server renders the stored text read-only (.section-static),
            so it can be read without JavaScript and while the live editor connects. <SectionEditor>
            renders only its connection status on the server and during hydration, loads the editor
            in the browser, and calls `onReady` once it has the section's text to show; from then on
            the static copy is hidden. If the editor never becomes ready (no JavaScript, load
            failure, refused connection) the static text stays.
          */}
          <div className="section-text">
            {live ? (
              <SectionEditor
                sectionId={section.id}
                user={editorUser}
                editable={editable}
                suggestable={!section.archived && abilities["section.suggest"]}
                locked={locked}
                onReady={() => setReadyFor(section.id)}
                loadExtensions={comments.loadExtensions}
                onEditor={comments.onEditor}
                linkTargets={linkTargets}
                freshApprovals={freshApprovals}
              />
            ) : null}
            <div
              className="section-static prose"
              hidden={live && editorReady}
              data-static-text
            >
              {text.empty ? (
                <p className="muted">{t("section.emptyText")}</p>
              ) : (
                <div dangerouslySetInnerHTML={{ __html: text.html }} />
              )}
            </div>
          </div>
          <nav className="pager" aria-label={t("workspace.sections")}>
            {section.previous ? (
              <Link
                to={`/s/${section.previous.id}`}
                rel="prev"
                className="pager__prev"
              >
                <span aria-hidden="true">← </span>
                {section.previous.title}
              </Link>
            ) : (
              <span />
            )}
            {section.next ? (
              <Link
                to={`/s/${section.next.id}`}
                rel="next"
                className="pager__next"
              >
                {section.next.title}
                <span aria-hidden="true"> →</span>
              </Link>
            ) : null}
          </nav>
        </section>

        <SectionComments sectionId={section.id} bridge={comments} />

        <aside
          className="columns__side panel"
          aria-labelledby="abilities-title"
        >
          {live ? (
            <SectionOutline editor={comments.live?.editor ?? null} />
          ) : null}
          <p className="stack">
            {/* The review page is a place to act: its button is for those who may ask, decide, sign off or reopen, and for the writers who answer it. */}
            {abilities["section.edit"] || abilities["section.requestReview"] || abilities["section.decideReview"] || abilities["section.signOff"] || abilities["section.reopen"] ? (
              <Link to={`/s/${section.id}/review`} className="button" data-link="review">
                {tr("review.title")}
              </Link>
            ) : null}
            <Link to={`/s/${section.id}/history`} className="button button--quiet" data-link="history">
              {tr("history.title")}
            </Link>
            <Link
              to={`/s/${section.id}/authorship`}
              className="button button--quiet"
              data-link="authorship"
            >
              {tr("authorship.link")}
            </Link>
          </p>
          {record ? <ApprovalRecord record={record} /> : null}
          {abilities["section.import"] && !section.archived ? (
            <details className="import-file" data-import="section">
              <summary>{ts("import.title")}</summary>
              <ImportFile
                key={section.id}
                target={{ kind: "section", sectionId: section.id }}
              />
            </details>
          ) : null}
          {/* One line: the person's role and what they may do here (only what they may; nothing greyed out). */}
          <h2 id="abilities-title" className="visually-hidden">
            {t("section.abilities")}
          </h2>
          <p className="ability-line" data-abilities>
            <RoleLabel role={myRole} /> · {t("section.youMay")}{" "}
            <span className="ability-line__list">
              {sectionActions
                .filter((action) => abilities[action])
                .map((action, i, all) => (
                  <span key={action} className="ability" data-ability={action} data-allowed="true">
                    {lowerFirst(t(`ability.${action}`))}
                    {i < all.length - 1 ? ", " : "."}
                  </span>
                ))}
            </span>
          </p>
        </aside>
      </div>
    </main>
  );
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} subject="section" />;
}

/** "Import a file (Word, ODT, Markdown)" inside a sentence: only its first letter lower-cased. */
function lowerFirst(text: string): string {
  return text.charAt(0).toLocaleLowerCase() + text.slice(1);
}
