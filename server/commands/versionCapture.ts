/**
 * The step other commands take inside their transaction to keep the section's current text as a
 * version (review requests, decisions, sign-offs, named versions, restores).
 */
import * as Y from "yjs";
import type { Database, Db } from "../../db/index";
import { indexVersion } from "../search/index";
import { currentState, type VersionKind } from "../views/versions";

export interface CaptureProps {
  sectionId: string;
  name: string;
  kind: VersionKind;
  /** Who caused it (from the session), or null. */
  actorId: string | null;
}

/** Stores the section's current state as a version, inside the caller's transaction. */
export async function captureVersion(
  tx: Db,
  database: Database,
  props: CaptureProps,
): Promise<{ id: string; contentHash: string; createdAt: Date }> {
  const { t } = database;
  const { doc, hash } = await currentState(database, props.sectionId);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  const id = crypto.randomUUID();
  const createdAt = new Date();
  await tx.insert(t.versions).values({
    id,
    sectionId: props.sectionId,
    name: props.name,
    kind: props.kind,
    state: Buffer.from(state.buffer, state.byteOffset, state.byteLength),
    contentHash: hash,
    createdBy: props.actorId,
    createdAt,
  });
  // Its name is searchable from the same commit on.
  await indexVersion(tx, database, { id, sectionId: props.sectionId, name: props.name });
  return { id, contentHash: hash, createdAt };
}

