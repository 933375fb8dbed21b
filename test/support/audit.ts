/**
 * For the tests of the audit chain and its checkpoints: an empty database of its own for every test,
 * and events appended to its chain the way commands append them (one transaction each).
 */
import { afterEach, beforeEach } from "vitest";
import { openDatabase, type Database } from "../../db/index";
import { appendAudit } from "../../server/services/audit";
import { freshDatabaseUrl } from "./server";

/** Registers hooks that open a fresh, migrated, empty database before each test and drop it after. */
export function freshDatabasePerTest(): { readonly database: Database; readonly url: string } {
  const current = {} as { database: Database; url: string; drop: () => Promise<void> };
  beforeEach(async () => {
    const fresh = await freshDatabaseUrl();
    current.url = fresh.url;
    current.drop = fresh.drop;
    current.database = await openDatabase(fresh.url);
  });
  afterEach(async () => {
    await current.database.close();
    await current.drop();
  });
  return current;
}

/** Appends `n` audit events (membership role changes by user-1 … user-n), one transaction each. */
export async function appendAuditEvents(database: Database, n: number, data: Record<string, unknown> = { from: "viewer", to: "editor" }): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await database.transaction((tx) =>
      appendAudit(tx, {
        actorId: `user-${i}`,
        action: "membership.role_changed",
        subjectType: "membership",
        subjectId: `subject-${i}`,
        workspaceId: "ws-1",
        data,
      }),
    );
  }
}
