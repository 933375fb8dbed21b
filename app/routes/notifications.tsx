/**
 * My notifications: mentions, replies to my threads, resolutions to confirm, and (from the review and
 * sign-off work) review requests and sign-offs. Newest first; unread ones are marked; mark one or all
 * read. Each is shown only while I may still see what it is about (the notifications service asks
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
import { notificationHref, notificationText } from "~/components/comments/notification-text";
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
  z.strictObject({ intent: z.literal("readAll") }),
]);

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor(request, context);
  const parsed = ReadForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) throw errorResponse(400, "bad_request", "Send intent=read with an id, or intent=readAll.");
  const { database, events } = context.services;
  const unread = await markRead(database, actor, parsed.data.intent === "readAll" ? "all" : [parsed.data.id], events);
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
          <Form method="post" action={`/notifications${params.toString() ? `?${params.toString()}` : ""}`}>
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
        <ol className="ov-inbox" data-notifications>
          {notifications.map((n) => {
            const excerpt = typeof n.data.excerpt === "string" ? n.data.excerpt : null;
            return (
              <li key={n.id} className={n.readAt ? "ov-inbox__item" : "ov-inbox__item ov-inbox__item--unread"} data-notification={n.kind}>
                <div className="ov-inbox__main">
                  <p className="ov-inbox__what">
                    {n.readAt ? null : <span className="ov-inbox__dot" title={t("notifications.unreadLabel")} aria-label={t("notifications.unreadLabel")} />}
                    <Link to={notificationHref(n)}>{notificationText(t, n)}</Link>
                  </p>
                  {excerpt ? <p className="ov-inbox__excerpt">{excerpt}</p> : null}
                  <p className="ov-inbox__when muted">
                    <time dateTime={n.createdAt}>{formatMoment(n.createdAt, dateLocale)}</time>
                  </p>
                </div>
                {n.readAt ? null : (
                  <Form method="post" action={`/notifications${params.toString() ? `?${params.toString()}` : ""}`}>
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
      )}
    </main>
  );
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />;
}
