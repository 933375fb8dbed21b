/**
 * "Waiting for me", at the top of the dashboard: what others wait for this person to do, each item
 * linking to the exact place. Its data comes from one view (server/views/waiting.ts, through the
 * page's loader); the panel reloads it live when a section, a membership or the person's
 * notifications change (socket.io), so a review requested elsewhere appears without a reload.
 */
import { Link } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import type { Waiting, WaitingItem } from "~/shared/waiting";
import { formatDay, formatMoment } from "~/components/format";
import { useRealtime } from "~/components/realtime/RealtimeProvider";
import { useCoalescedRevalidate, useLiveRevalidate } from "~/components/realtime/useLiveRevalidate";
import { useDateLocale } from "~/components/root-data";
import "./waiting.css";

export function WaitingForMe({ waiting }: { waiting: Waiting }) {
  const { t } = useTranslation("waiting");
  useLiveRevalidate(waiting.workspaceIds);
  useNotificationRevalidate();
  const { items } = waiting;
  // Whether live updates reach the panel ("connected"), for people's tools and the browser tests.
  const live = useRealtime()?.status ?? "off";
  return (
    <section className="panel waiting" aria-labelledby="waiting-title" data-waiting data-count={items.length} data-live={live}>
      <h2 id="waiting-title">
        {t("title")} {items.length ? <span className="waiting__count">{t("count", { count: items.length })}</span> : null}
      </h2>
      {items.length === 0 ? (
        <p className="empty-state" data-waiting-empty>
          {t("empty")}
        </p>
      ) : (
        <>
          <p className="muted">{t("intro")}</p>
          <ul className="waiting__list">
            {items.map((item) => (
              <Item key={keyOf(item)} item={item} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/**
 * Assignments and mentions reach the person as notifications: their arrival reloads the list, in the
 * page's one coalesced reload (a change that is also a section or workspace event reloads once).
 */
function useNotificationRevalidate(): void {
  const client = useRealtime()?.client;
  const reload = useCoalescedRevalidate();
  useEffect(() => {
    if (!client || !reload) return;
    return client.on("notifications.changed", ({ notification }) => {
      if (notification) reload();
    });
  }, [client, reload]);
}

function keyOf(item: WaitingItem): string {
  switch (item.kind) {
    case "thread.assigned":
    case "mention":
      return `${item.kind}:${item.threadId}`;
    case "invitation.open":
      return `${item.kind}:${item.invitationId}`;
    default:
      return `${item.kind}:${item.sectionId}`;
  }
}

function Item({ item }: { item: WaitingItem }) {
  const { t } = useTranslation("waiting");
  const dateLocale = useDateLocale();
  const label =
    item.kind === "thread.assigned" && item.organisation
      ? t("kind.thread.assignedOrganisation", { organisation: item.organisation })
      : item.kind === "mention"
        ? t("kind.mention", { name: item.by ?? "—" })
        : t(`kind.${item.kind}`);
  const where =
    item.kind === "invitation.open"
      ? t("invitationTo", { email: item.email, workspace: item.workspaceTitle, date: formatMoment(item.sentAt, dateLocale) })
      : t("in", { section: item.sectionTitle, workspace: item.workspaceTitle });
  const due = "dueDate" in item && item.dueDate ? item.dueDate : null;
  const late = "late" in item && item.late;
  return (
    <li className={`waiting__item waiting__item--${item.kind.replace(".", "-")}`} data-waiting-kind={item.kind} data-section-id={"sectionId" in item ? item.sectionId : undefined}>
      <p className="waiting__what">
        <span className="waiting__kind">{label}</span>
        {due ? (
          <span className={late ? "waiting__due waiting__due--late" : "waiting__due"}>
            {t("due", { date: formatDay(due, dateLocale) })}
            {late ? ` · ${t("late")}` : null}
          </span>
        ) : null}
      </p>
      <p className="waiting__where">
        <Link to={item.href}>{where}</Link>
      </p>
      <Detail item={item} />
    </li>
  );
}

function Detail({ item }: { item: WaitingItem }) {
  const { t } = useTranslation("waiting");
  const dateLocale = useDateLocale();
  switch (item.kind) {
    case "approval.stale":
      return <p className="waiting__detail">{t("staleSince", { date: formatMoment(item.approvedAt, dateLocale) })}</p>;
    case "signoff.ready":
      return <p className="waiting__detail">{t("readyHelp")}</p>;
    case "changes.requested":
      return (
        <ul className="waiting__detail waiting__requests">
          {item.requests.map((r) => (
            <li key={r.organisation} data-change-request={r.organisation}>
              {r.by ? t("changesBy", { organisation: r.organisation, name: r.by, note: r.note }) : t("changesByOrganisation", { organisation: r.organisation, note: r.note })}
            </li>
          ))}
        </ul>
      );
    case "thread.assigned":
      return (
        <p className="waiting__detail">
          “{item.quote}”{item.by ? ` · ${t("assignedBy", { name: item.by })}` : null}
        </p>
      );
    case "mention":
      return <p className="waiting__detail">{item.excerpt || `“${item.quote}”`}</p>;
    case "invitation.open":
      return item.expired ? <p className="waiting__detail waiting__due--late">{t("invitationExpired")}</p> : null;
    default:
      return null;
  }
}
