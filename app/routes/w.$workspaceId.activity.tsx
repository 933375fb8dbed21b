/**
 * A workspace's activity feed: threads started, replies, resolutions, newest first; only what I may
 * see (organisation-only threads of another organisation are left out by the comments service).
 */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRouteError } from "@remix-run/react";
import { archiveNotice } from "../../server/views/agendas";
import { ArchivedNotice } from "~/components/agenda/ArchivedNotice";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { workspaceActivity } from "../../server/views/comments";
import { getWorkspaceUnchecked } from "../../server/views/workspaces";
import { Breadcrumbs } from "~/components/Breadcrumbs";
import commentStyles from "~/components/comments/comments.css?url";
import { ErrorPage } from "~/components/ErrorPage";
import { formatMoment } from "~/components/format";
import { useRealtime } from "~/components/realtime/RealtimeProvider";
import { useCoalescedRevalidate, useLiveRevalidate } from "~/components/realtime/useLiveRevalidate";
import { useDateLocale } from "~/components/root-data";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import { guard, requireActor } from "~/utils/auth.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: commentStyles }];

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: pageTitle(`${translate(localeFromMatches(matches), "comments:activity.title")}${data ? ` · ${data.workspace.title}` : ""}`) },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const workspaceId = params.workspaceId ?? "";
  const { database } = context.services;
  const items = await guard(() => workspaceActivity(database, actor, workspaceId, 100));
  const workspace = await getWorkspaceUnchecked(database, workspaceId);
  // After the guard above: only someone who may see the workspace gets here.
  const archived = await archiveNotice(database, actor, workspaceId);
  return { workspace: { id: workspaceId, title: workspace?.title ?? "" }, items, archived };
}

export default function ActivityPage() {
  const { workspace, items, archived } = useLoaderData<typeof loader>();
  const { t } = useTranslation("comments");
  const { t: tc } = useTranslation();
  const dateLocale = useDateLocale();
  useLiveRevalidate([workspace.id]);
  const client = useRealtime()?.client;
  // A notification reloads too, in the page's one coalesced reload with the live events above.
  const reload = useCoalescedRevalidate();
  useEffect(() => (client && reload ? client.on("notifications.changed", () => reload()) : undefined), [client, reload]);
  return (
    <main id="main" className="page" tabIndex={-1}>
      <Breadcrumbs
        items={[
          { label: tc("nav.dashboard"), to: "/" },
          { label: workspace.title, to: `/w/${workspace.id}` },
          { label: t("activity.title") },
        ]}
      />
      <ArchivedNotice notice={archived} workspaceId={workspace.id} />
      <div className="page-heading">
        <h1>{t("activity.heading", { workspace: workspace.title })}</h1>
      </div>
      {items.length === 0 ? (
        <p className="empty-state">{t("activity.none")}</p>
      ) : (
        <ol className="ov-activity" data-activity>
          {items.map((item) => (
            <li key={item.id} className="ov-activity__item" data-thread-id={item.threadId}>
              <p>
                <Link to={`/s/${item.sectionId}?thread=${encodeURIComponent(item.threadId)}`}>
                  {t(`activity.${item.kind}`, { actor: item.actor?.name ?? t("thread.someone"), section: item.sectionTitle })}
                </Link>{" "}
                {item.quote ? <span className="muted">{t("activity.on", { quote: item.quote })}</span> : null}
              </p>
              {item.excerpt ? <p className="ov-activity__excerpt">{item.excerpt}</p> : null}
              <p className="muted ov-activity__when">
                <time dateTime={item.at}>{formatMoment(item.at, dateLocale)}</time>
              </p>
            </li>
          ))}
        </ol>
      )}
      <p>
        <Link to={`/w/${workspace.id}`}>{t("activity.back")}</Link>
      </p>
    </main>
  );
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} subject="workspace" />;
}
