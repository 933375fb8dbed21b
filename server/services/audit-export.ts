/**
 * The audit trail as CSV or JSON, every event in chain order with its `prevHash` and `hash`, so that
 * a reader can check the chain outside Overleg too. Read-only: nothing here changes an event.
 */
import { asc, gt } from "drizzle-orm";
import type { Database } from "../../db/index";
import { canonicalJson } from "./audit";

export interface AuditRow {
  seq: number;
  id: string;
  at: string;
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  workspaceId: string | null;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** Every event, oldest first, read in batches. */
export async function allAuditEvents(database: Database, batchSize = 1000): Promise<AuditRow[]> {
  const { db, t } = database;
  const out: AuditRow[] = [];
  let after = 0;
  for (;;) {
    const rows = await db.select().from(t.auditEvents).where(gt(t.auditEvents.seq, after)).orderBy(asc(t.auditEvents.seq)).limit(batchSize);
    for (const r of rows) {
      out.push({
        seq: Number(r.seq),
        id: r.id,
        at: (r.at instanceof Date ? r.at : new Date(r.at as unknown as number)).toISOString(),
        actorId: r.actorId,
        action: r.action,
        subjectType: r.subjectType,
        subjectId: r.subjectId,
        workspaceId: r.workspaceId,
        data: (typeof r.data === "string" ? JSON.parse(r.data) : r.data) as Record<string, unknown>,
        prevHash: r.prevHash,
        hash: r.hash,
      });
      after = Number(r.seq);
    }
    if (rows.length < batchSize) return out;
  }
}

const COLUMNS = ["seq", "id", "at", "actorId", "action", "subjectType", "subjectId", "workspaceId", "data", "prevHash", "hash"] as const;

/** One CSV cell: quoted, quotes doubled, and a leading = + - @ neutralised so spreadsheets do not run it. */
function cell(value: unknown): string {
  let text = value === null || value === undefined ? "" : typeof value === "object" ? canonicalJson(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function auditCsv(rows: AuditRow[]): string {
  const lines = [COLUMNS.join(",")];
  for (const r of rows) lines.push(COLUMNS.map((c) => cell(r[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

export function auditJson(rows: AuditRow[]): string {
  return `${JSON.stringify({ events: rows }, null, 2)}\n`;
}
