/**
 * The one command skeleton (server/commands/run.ts, ADR 017) against a real server's database and
 * event bus: what a command's transaction writes and whom it notifies become visible together, and
 * only after the commit do its events go out; a refused or failed command leaves nothing and says nothing.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../../server/commands/run";
import { Forbidden } from "../../server/policy";
import { CommandError } from "../../server/services/errors";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

async function notificationsOf(userId: string, kind: string) {
  const { db, t } = server.database;
  const rows = await db.select({ id: t.notifications.id, kind: t.notifications.kind }).from(t.notifications).where(eq(t.notifications.userId, userId));
  return rows.filter((r) => r.kind === kind);
}

function listen() {
  const heard: string[] = [];
  const off = server.services.events.on("notification.created", ({ notificationId }) => heard.push(`announced ${notificationId}`));
  return { heard, off };
}

describe("runCommand", () => {
  it("commits the change with its notifications, then emits, then announces", async () => {
    const userId = await server.userId("office@minister.example");
    const { heard, off } = listen();
    try {
      const seenAtEmit: number[] = [];
      const result = await runCommand(server.services, {
        load: async () => ({ userId }),
        authorize: () => undefined,
        change: async () => ({ result: "done", notify: [{ userId, kind: "section.reopened", actorId: null }] }),
        emit: () => {
          heard.push("emitted");
          // Emitted after the commit: a listener that reads finds the notification already there.
          void notificationsOf(userId, "section.reopened").then((rows) => seenAtEmit.push(rows.length));
        },
      });
      expect(result).toBe("done");
      const stored = await notificationsOf(userId, "section.reopened");
      expect(stored).toHaveLength(1);
      expect(heard).toEqual(["emitted", `announced ${stored[0].id}`]);
      await expect.poll(() => seenAtEmit).toEqual([1]);
    } finally {
      off();
    }
  });

  it("a refusal stops before the transaction: no change, no notification, no event", async () => {
    const userId = await server.userId("office@minister.example");
    const { heard, off } = listen();
    let changed = false;
    try {
      await expect(
        runCommand(server.services, {
          load: async () => ({ userId }),
          authorize: () => {
            throw new Forbidden("section.signOff", "forbidden", "Not allowed.");
          },
          change: async () => {
            changed = true;
            return { result: null, notify: [{ userId, kind: "section.signed_off", actorId: null }] };
          },
          emit: () => heard.push("emitted"),
        }),
      ).rejects.toBeInstanceOf(Forbidden);
      expect(changed).toBe(false);
      expect(await notificationsOf(userId, "section.signed_off")).toEqual([]);
      expect(heard).toEqual([]);
    } finally {
      off();
    }
  });

  it("a re-check that fails inside the transaction rolls back what the change wrote and emits nothing", async () => {
    const userId = await server.userId("office@minister.example");
    const { db, t } = server.database;
    const [before] = await db.select({ name: t.user.name }).from(t.user).where(eq(t.user.id, userId));
    const { heard, off } = listen();
    try {
      await expect(
        runCommand(server.services, {
          load: async () => ({ userId }),
          authorize: () => undefined,
          change: async (tx) => {
            await tx.update(server.database.t.user).set({ name: "Renamed by a failed command" }).where(eq(server.database.t.user.id, userId));
            throw new CommandError("stale_version", "The text has changed since you opened it.", 409);
          },
          emit: () => heard.push("emitted"),
        }),
      ).rejects.toBeInstanceOf(CommandError);
      const [after] = await db.select({ name: t.user.name }).from(t.user).where(eq(t.user.id, userId));
      expect(after.name).toBe(before.name);
      expect(heard).toEqual([]);
    } finally {
      off();
    }
  });
});
