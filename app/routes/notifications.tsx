/**
 * My notifications: mentions, replies to my threads, resolutions to confirm, assignments, review
 * requests and decisions, sections ready for sign-off and sign-offs. Grouped per section (the group
 * with the newest first); unread ones are marked; mark one, a section's or all read. Each is shown only while I may still see what it is about (the notifications service asks
 * the policy again).
 */
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useRevalidator, useRouteError, useSearchParams } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { listNotifications, markRead } from "../../server/services/notifications";
import { idSchema } from "../shared/ids";
import { Breadcrumbs } from "~/components/Breadcrumbs";
import { notificationDetail, notificationHref, notificationText } from "~/components/comments/notification-text";
import type { NotificationView } from "~/shared/comments";
import commentStyles from "~/components/comments/comments.css?url";
import { ErrorPage } from "~/components/ErrorPage";
import { formatMoment } from "~/components/format";
import { useRealtime } from "~/components/realtime/RealtimeProvider";
import { useDateLocale } from "~/components/root-data";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import { errorResponse, requireActor } from "~/utils/auth.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: commentStyles }];

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "comments:notifications.title")) }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const unreadOnly = new URL(request.url).searchParams.get("show") === "unread";
  const { notifications, unread } = await listNotifications(context.services.database, actor, { unread: unreadOnly, limit: 100 });
  return { notifications, unread, unreadOnly };
}

const ReadForm = z.discriminatedUnion("intent", [
  z.strictObject({ intent: z.literal("read"), id: idSchema }),
  z.strictObject({ intent: z.literal("readSection"), sectionId: idSchema }),
  z.strictObject({ intent: z.literal("readAll") }),
]);

/** The notifications per section (or per workspace, or general), the group with the newest first. */
function grouped(notifications: NotificationView[]) {
  const groups = new Map<string, { key: string; sectionId: string | null; title: string | null; workspaceTitle: string | null; items: NotificationView[] }>();
  for (const n of notifications) {
    const key = n.sectionId ? `s:${n.sectionId}` : n.workspaceId ? `w:${n.workspaceId}` : "general";
    let group = groups.get(key);
    if (!group) {
      group = { key, sectionId: n.sectionId, title: n.sectionTitle, workspaceTitle: n.workspaceTitle, items: [] };
      groups.set(key, group);
    }
    group.items.push(n);
  }
  return [...groups.values()];
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor(request, context);
  const parsed = ReadForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) throw errorResponse(400, "bad_request", "Send intent=read with an id, intent=readSection with a sectionId, or intent=readAll.");
  const { database, events } = context.services;
  const which = parsed.data.intent === "readAll" ? "all" : parsed.data.intent === "readSection" ? { sectionId: parsed.data.sectionId } : [parsed.data.id];
  const unread = await markRead(database, actor, which, events);
  return { unread };
}

export default function NotificationsPage() {
  const { notifications, unread, unreadOnly } = useLoaderData<typeof loader>();
  const { t } = useTranslation("comments");
  const { t: tc } = useTranslation();
  const dateLocale = useDateLocale();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const client = useRealtime()?.client;
  const revalidator = useRevalidator();
  const revalidate = revalidator.revalidate;

  // New notifications appear without reloading.
  useEffect(() => client?.on("notifications.changed", () => revalidate()), [client, revalidate]);

  const busy = navigation.state !== "idle";
  const formAction = `/notifications${params.toString() ? `?${params.toString()}` : ""}`;
  return (
    <main id="main" className="page" tabIndex={-1}>
      <Breadcrumbs items={[{ label: tc("nav.dashboard"), to: "/" }, { label: t("notifications.title") }]} />
      <div className="page-heading ov-inbox__heading">
        <h1>{t("notifications.title")}</h1>
        <p className="muted" aria-live="polite" data-unread={unread}>
          {t("notifications.unread", { count: unread })}
        </p>
      </div>
      <div className="ov-inbox__tools">
        <nav aria-label={t("filter.label")} className="ov-segmented">
          <Link to="/notifications" aria-current={!unreadOnly ? "page" : undefined}>
            {t("notifications.showAll")}
          </Link>
          <Link to="/notifications?show=unread" aria-current={unreadOnly ? "page" : undefined}>
            {t("notifications.showUnread")}
          </Link>
        </nav>
        {unread > 0 ? (
          <Form method="post" action={formAction}>
            <input type="hidden" name="intent" value="readAll" />
            <button type="submit" className="button button--quiet" disabled={busy}>
              {t("notifications.markAllRead")}
            </button>
          </Form>
        ) : null}
      </div>
      {notifications.length === 0 ? (
        <p className="empty-state">{unreadOnly ? t("notifications.noneUnread") : t("notifications.none")}</p>
      ) : (
        <div className="ov-inbox__groups" data-notifications>
          {grouped(notifications).map((group) => (
            <section key={group.key} className="ov-inbox__group" aria-label={t("notifications.groupLabel", { section: group.title ?? group.workspaceTitle ?? t("notifications.groupOther") })} data-group={group.sectionId ?? group.key}>
              <div className="ov-inbox__group-head">
                <h2>
                  {group.title ?? group.workspaceTitle ?? t("notifications.groupOther")}
                  {group.title && group.workspaceTitle ? <span className="muted"> · {group.workspaceTitle}</span> : null}
                </h2>
                {group.sectionId && group.items.some((n) => !n.readAt) ? (
                  <Form method="post" action={formAction}>
                    <input type="hidden" name="intent" value="readSection" />
                    <input type="hidden" name="sectionId" value={group.sectionId} />
                    <button type="submit" className="button button--quiet button--small" disabled={busy}>
                      {t("notifications.markSectionRead")}
                    </button>
                  </Form>
                ) : null}
              </div>
              <ol className="ov-inbox">
                {group.items.map((n) => {
                  const detail = notificationDetail(n);
                  return (
                    <li key={n.id} className={n.readAt ? "ov-inbox__item" : "ov-inbox__item ov-inbox__item--unread"} data-notification={n.kind}>
                      <div className="ov-inbox__main">
                        <p className="ov-inbox__what">
                          {n.readAt ? null : <><span className="ov-inbox__dot" title={t("notifications.unreadLabel")} aria-hidden="true" /><span className="visually-hidden">{t("notifications.unreadLabel")}</span></>}
                          <Link to={notificationHref(n)}>{notificationText(t, n)}</Link>
                        </p>
                        {detail ? <p className="ov-inbox__excerpt">{detail}</p> : null}
                        <p className="ov-inbox__when muted">
                          <time dateTime={n.createdAt}>{formatMoment(n.createdAt, dateLocale)}</time>
                        </p>
                      </div>
                      {n.readAt ? null : (
                        <Form method="post" action={formAction}>
                          <input type="hidden" name="intent" value="read" />
                          <input type="hidden" name="id" value={n.id} />
                          <button type="submit" className="button button--quiet button--small" disabled={busy}>
                            {t("notifications.markRead")}
                          </button>
                        </Form>
                      )}
                    </li>
                  );
                })}
              </ol>
            </section>
          ))}
        </div>
      )}
    </main>
  );
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />;
}
