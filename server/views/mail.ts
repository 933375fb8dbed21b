/**
 * The admin's view of the outbox (the Outbox page): the latest mails, how many failed, and outside
 * production without SMTP what a mail said.
 */
import { count, desc, eq } from "drizzle-orm";
import type { Database } from "../../db/index";
import { authorize, type Actor } from "../policy";

export interface OutboxEntry {
  id: string;
  kind: string;
  to: string;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  /** What was written to the log instead of sent (outside production, without SMTP). */
  preview: { subject: string; text: string } | null;
}

export async function listOutbox(database: Database, actor: Actor, props: { limit?: number } = {}): Promise<{ entries: OutboxEntry[]; failed: number }> {
  authorize(actor, "admin.mail");
  const { db, t } = database;
  const rows = await db.select().from(t.mailOutbox).orderBy(desc(t.mailOutbox.createdAt)).limit(Math.min(Math.max(props.limit ?? 100, 1), 500));
  const [failed] = await db.select({ n: count() }).from(t.mailOutbox).where(eq(t.mailOutbox.status, "failed"));
  return {
    failed: Number(failed.n),
    entries: rows.map((r) => {
      const data = (typeof r.data === "string" ? JSON.parse(r.data) : r.data) as { preview?: { subject?: unknown; text?: unknown } };
      const preview = data.preview && typeof data.preview.subject === "string" && typeof data.preview.text === "string" ? { subject: data.preview.subject, text: data.preview.text } : null;
      return {
        id: r.id,
        kind: r.kind,
        to: r.toAddress,
        status: r.status,
        attempts: r.attempts,
        lastError: r.lastError,
        createdAt: new Date(r.createdAt).toISOString(),
        sentAt: r.sentAt ? new Date(r.sentAt).toISOString() : null,
        preview,
      };
    }),
  };
}
