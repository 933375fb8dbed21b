/**
 * A section's stored Yjs state, read straight from the database (snapshot + update log): for pages
 * and the API, which need the text without joining the live collab room.
 */
import { and, asc, eq, gt } from "drizzle-orm";
import * as Y from "yjs";
import type { Database } from "../../db/index";

/** The section's document as stored: the latest snapshot with every later logged update applied. */
export async function loadStoredDoc(database: Database, sectionId: string): Promise<Y.Doc> {
  const { db, t } = database;
  const doc = new Y.Doc();
  const snapshot = (await db.select().from(t.yjsSnapshots).where(eq(t.yjsSnapshots.sectionId, sectionId)).limit(1))[0];
  const upTo = snapshot?.upToSeq ?? 0;
  const updates = await db
    .select({ data: t.yjsUpdates.data })
    .from(t.yjsUpdates)
    .where(and(eq(t.yjsUpdates.sectionId, sectionId), gt(t.yjsUpdates.seq, upTo)))
    .orderBy(asc(t.yjsUpdates.seq));
  const all = [...(snapshot ? [snapshot.data] : []), ...updates.map((u) => u.data)].map((b) => new Uint8Array(b));
  if (all.length) Y.applyUpdate(doc, all.length === 1 ? all[0] : Y.mergeUpdates(all));
  return doc;
}
