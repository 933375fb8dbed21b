/**
 * The header's way to my notifications: a link to the inbox with my unread count, kept live by
 * socket.io ("notifications.changed" to my own room) and fetched again after a lost connection.
 */
import { Link } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useRealtime } from "../realtime/RealtimeProvider";
import "./comments.css";

export function NotificationBell() {
  const { t } = useTranslation("comments");
  const client = useRealtime()?.client;
  const [unread, setUnread] = useState<number | null>(null);

  useEffect(() => {
    let alive = true;
    const refresh = () =>
      fetch("/notifications/unread", { headers: { accept: "application/json" }, credentials: "same-origin" })
        .then((res) => (res.ok ? (res.json() as Promise<{ unread: number }>) : null))
        .then((body) => {
          if (alive && body) setUnread(body.unread);
        })
        .catch(() => {});
    void refresh();
    const offs = client
      ? [
          client.on("notifications.changed", (payload) => setUnread(payload.unread)),
          client.onStatus((status, resumed) => {
            if (status === "connected" && resumed) void refresh();
          }),
        ]
      : [];
    return () => {
      alive = false;
      for (const off of offs) off();
    };
  }, [client]);

  const count = unread ?? 0;
  return (
    // The name is the visible text, count included ("Notifications 3 unread"): no aria-label that would hide it.
    <Link to="/notifications" className="ov-bell" data-unread={count}>
      <svg className="ov-bell__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
      </svg>
      <span className="ov-bell__label">{t("notifications.bell")}</span>
      {count > 0 ? (
        <span className="ov-bell__count">
          <span data-bell-count>{count}</span>
          <span className="visually-hidden"> {t("notifications.unreadWord")}</span>
        </span>
      ) : null}
    </Link>
  );
}
