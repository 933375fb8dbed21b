/**
 * A section's stored Yjs state, read straight from the database (snapshot + update log): for pages,
 * the API and exports, which need the text without joining the live collab room. It reads through
 * the collab server's store, so a compaction committing between the two reads is noticed and retried.
 */
import * as Y from "yjs";
import type { Database } from "../../db/index";
import { UpdateStore } from "../collab/store";
import { createLogger } from "../log";

const quiet = createLogger("silent");

/** Reads a section's document where this node has it loaded (Collab.readLoaded). */
export type LoadedReader = <T>(sectionId: string, read: (doc: Y.Doc) => T) => { value: T } | null;

/**
 * `read` on the section's text as stored: on the loaded room's document when `loaded` has it (no
 * database read, no decode), else on one loaded from the database. `read` runs synchronously.
 */
export async function readSectionDoc<T>(database: Database, sectionId: string, read: (doc: Y.Doc) => T, loaded?: LoadedReader): Promise<T> {
  const live = loaded?.(sectionId, read);
  if (live) return live.value;
  const doc = await loadStoredDoc(database, sectionId);
  try {
    return read(doc);
  } finally {
    doc.destroy();
  }
}

/** The section's document as stored: the latest snapshot with every later logged update applied. */
export async function loadStoredDoc(database: Database, sectionId: string): Promise<Y.Doc> {
  const state = await new UpdateStore(database, quiet).load(sectionId);
  const doc = new Y.Doc({ guid: sectionId }); // readers report problems by the document's guid
  const all = [...(state.snapshot ? [state.snapshot] : []), ...state.updates.map((u) => u.data)];
  if (all.length) Y.applyUpdate(doc, all.length === 1 ? all[0] : Y.mergeUpdates(all));
  return doc;
}
