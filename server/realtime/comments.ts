/**
 * Live comments and notifications over socket.io.
 *
 * - `thread.changed` → "comments.thread" to the sockets in the section's room whose person may see
 *   the thread now (the policy's `thread.view`, asked per person with facts loaded fresh from the
 *   database). Each person receives the thread as they see it (with their own abilities); an
 *   organisation-only thread is never sent to a socket of another organisation.
 * - `notification.created` and `notifications.read` → "notifications.changed" (the unread count)
 *   to that person's own room only.
 *
 * With the Redis adapter, `fetchSockets` and room broadcasts reach every node, so these events are
 * handled on the node where they happened.
 */
import type { Services } from "../context";
import { threadView } from "../views/comments";
import { listNotifications, unreadCount } from "../services/notifications";
import { loadActor } from "../services/access";
import type { Realtime } from "./index";
import { rooms } from "./types";

export function registerCommentEvents(services: Services, realtime: Realtime): () => void {
  const { database, events } = services;
  const log = services.log.child("comments");
  const { io } = realtime;

  const offThread = events.on("thread.changed", ({ sectionId, threadId }) => {
    void (async () => {
      const sockets = await io.in(rooms.section(sectionId)).fetchSockets();
      const byUser = new Map<string, typeof sockets>();
      for (const socket of sockets) {
        const userId = socket.data?.user?.id;
        if (userId) byUser.set(userId, [...(byUser.get(userId) ?? []), socket]);
      }
      for (const [userId, list] of byUser) {
        const actor = await loadActor(database, userId);
        const thread = actor ? await threadView(database, actor, threadId) : null;
        if (!thread) continue;
        for (const socket of list) socket.emit("comments.thread", { sectionId, thread });
      }
    })().catch((error: unknown) => log.error("could not send a thread change", { sectionId, threadId, error: String(error) }));
  });

  const offNotification = events.on("notification.created", ({ userId, notificationId }) => {
    void (async () => {
      const actor = await loadActor(database, userId);
      if (!actor) return;
      const { notifications, unread } = await listNotifications(database, actor, { limit: 20 });
      const notification = notifications.find((n) => n.id === notificationId) ?? null;
      io.to(rooms.user(userId)).emit("notifications.changed", { unread, notification });
    })().catch((error: unknown) => log.error("could not send a notification", { userId, error: String(error) }));
  });

  const offRead = events.on("notifications.read", ({ userId }) => {
    void (async () => {
      const actor = await loadActor(database, userId);
      if (!actor) return;
      io.to(rooms.user(userId)).emit("notifications.changed", { unread: await unreadCount(database, actor), notification: null });
    })().catch((error: unknown) => log.error("could not send an unread count", { userId, error: String(error) }));
  });

  return () => {
    offThread();
    offNotification();
    offRead();
  };
}
