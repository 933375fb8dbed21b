/**
 * The signed publication package of a published workspace (ADR 030): made on request from the
 * published text (locked, so every package of it names the same content hashes, approvals,
 * sign-offs and audit head), signed with the installation's key, and audited like an export.
 * Not on runCommand, like exportAgenda: reading and rendering first, then a transaction that only
 * writes the audit entry.
 */
import { and, asc, desc, eq, gte } from "drizzle-orm";
import { z } from "zod";
import { appendAudit } from "../services/audit";
import { CommandError, parseInput } from "../services/errors";
import { issuedRecord } from "../services/publication/issued";
import { buildPackage, type Manifest } from "../services/publication/package";
import { buildAgenda } from "../views/agenda";
import type { Actor } from "../policy";
import type { Services } from "../context";
import type { CommandDeps } from "./run";
import { idSchema } from "./sectionSupport";

export interface PublicationPackageDeps extends CommandDeps {
  /** The installation's key (server/services/audit-anchor.ts); the package cannot be signed without it. */
  auditAnchor?: Services["auditAnchor"];
}

export interface PublicationPackageProps {
  /** Who downloads; from the session. Anyone who may see the workspace. */
  actor: Actor;
  workspaceId: string;
}

export async function publicationPackage(deps: PublicationPackageDeps, props: PublicationPackageProps): Promise<{ body: Buffer; filename: string; manifest: Manifest }> {
  const { database, auditAnchor } = deps;
  const { db, t } = database;
  const workspaceId = parseInput(z.object({ workspaceId: idSchema }), { workspaceId: props.workspaceId }).workspaceId;
  const agenda = await buildAgenda(database, { actor: props.actor, workspaceId });
  const sections = agenda.workspaces.flatMap((w) => w.sections);
  if (sections.length === 0 || sections.some((s) => s.status !== "published")) {
    throw new CommandError("not_published", "The publication package is made once every section of the workspace is published.", 409);
  }
  if (!auditAnchor) throw new Error("The publication package needs the installation's key (the audit anchor).");
  // The publication: the newest `agenda.published` event that published a section of this workspace.
  const ids = new Set(sections.map((s) => s.id));
  const events = await db
    .select({ seq: t.auditEvents.seq, hash: t.auditEvents.hash, at: t.auditEvents.at, actorId: t.auditEvents.actorId, data: t.auditEvents.data })
    .from(t.auditEvents)
    .where(eq(t.auditEvents.action, "agenda.published"))
    .orderBy(desc(t.auditEvents.seq));
  const event = events.find((e) => Object.keys((e.data as { sections?: Record<string, string> }).sections ?? {}).some((id) => ids.has(id)));
  if (!event) throw new CommandError("not_published", "No publication of this workspace is recorded.", 409);
  const [publisher] = event.actorId ? await db.select({ name: t.user.name }).from(t.user).where(eq(t.user.id, event.actorId)).limit(1) : [];
  const [checkpoint] = await db
    .select()
    .from(t.auditCheckpoints)
    .where(and(gte(t.auditCheckpoints.eventSeq, Number(event.seq)), eq(t.auditCheckpoints.reason, "publication")))
    .orderBy(asc(t.auditCheckpoints.eventSeq))
    .limit(1);
  const workspace = agenda.workspaces[0];
  const { zip, manifest, manifestSha256, files } = await buildPackage(
    agenda,
    {
      workspace: { id: workspace.id, title: workspace.title },
      publication: { at: new Date(event.at).toISOString(), by: publisher?.name ?? null, auditEvent: { seq: Number(event.seq), hash: event.hash } },
      auditCheckpoint: checkpoint
        ? { eventSeq: Number(checkpoint.eventSeq), eventHash: checkpoint.eventHash, at: new Date(checkpoint.at).toISOString(), reason: checkpoint.reason, keyId: checkpoint.keyId, signature: checkpoint.signature }
        : null,
    },
    auditAnchor,
  );
  // What /verify needs to recognise a single file of this package later (issue 17).
  const issued = await issuedRecord(manifest, files, agenda);
  await database.transaction(async (tx) => {
    await appendAudit(tx, {
      actorId: props.actor.id,
      action: "publication.packaged",
      subjectType: "workspace",
      subjectId: workspaceId,
      workspaceId,
      data: { manifestSha256, keyId: auditAnchor.keyId, files: manifest.files.map((f) => ({ name: f.name, sha256: f.sha256 })), sections: Object.fromEntries(sections.map((s) => [s.id, s.contentHash])), issued },
    });
  });
  const stamp = new Date(event.at).toISOString().slice(0, 10);
  return { body: zip, filename: `overleg-${workspaceId.slice(0, 8)}-publicatie-${stamp}.zip`, manifest };
}
