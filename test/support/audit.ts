/**
 * For the tests of the audit chain and its checkpoints: an empty database of its own for every test,
 * and events appended to its chain the way commands append them (one transaction each).
 */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { openDatabase, type Database } from "../../db/index";
import { appendAudit } from "../../server/services/audit";
import { freshDatabaseUrl } from "./server";

/**
 * Registers hooks that give each test an empty audit chain: one fresh, migrated database per file,
 * its audit tables emptied (numbering from 1 again) before each test. A new database per test cost a
 * second or more on PostgreSQL.
 */
export function freshDatabasePerTest(): { readonly database: Database; readonly url: string } {
  const current = {} as { database: Database; url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    const fresh = await freshDatabaseUrl();
    current.url = fresh.url;
    current.drop = fresh.drop;
    current.database = await openDatabase(fresh.url);
  });
  beforeEach(async () => {
    const { pool, sqlite } = current.database;
    if (pool) await pool.query("truncate table audit_events, audit_checkpoints restart identity");
    sqlite?.exec("delete from audit_events; delete from audit_checkpoints; delete from sqlite_sequence where name = 'audit_events';");
  });
  afterAll(async () => {
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
