/**
 * The final sign-off. The minister's office signs an `approved` section whose current text is exactly
 * the one every required organisation approved, with no suggestion still open in it (ADR 027); the
 * section becomes `final` and locked (the collab server, told by "section.changed", refuses every
 * change from then on).
 */
import { eq } from "drizzle-orm";
import { lockSectionLog } from "../collab/store";
import { statusAfter } from "../lifecycle";
import { authorize, signOffVerdict, type Actor } from "../policy";
import { loadSectionFacts } from "../services/access";
import { appendAudit, lockAuditChain } from "../services/audit";
import { CommandError, parseInput } from "../services/errors";
import { enforce, hashSchema, membersToTell } from "./reviewSupport";
import { reviewStateUnchecked } from "../views/reviews";
import { captureVersion } from "./versionCapture";
import { currentHashAndSuggestions } from "../views/versions";
import { runCommand, type CommandDeps } from "./run";
import { requireStepUp, secondFactorAudit } from "../services/second-factor";
import type { SecondFactorState } from "../policy";

export interface SignOffProps {
  /** Who signs; from the session. Only the minister's office may. */
  actor: Actor;
  sectionId: string;
  /** The content hash of the text the office saw. */
  contentHash: string;
}

/** Signs an approved section off: saves a "signoff" version, records the sign-off, locks the section. */
export async function signOff(deps: CommandDeps, props: SignOffProps): Promise<{ signoffId: string; versionId: string; contentHash: string }> {
  const { database } = deps;
  const { t } = database;
  const seen = parseInput(hashSchema, props.contentHash, { field: "contentHash" });
  let secondFactor: SecondFactorState | undefined;
  return runCommand(deps, {
    load: () => loadSectionFacts(database, props.actor, props.sectionId),
    authorize: async ({ facts }) => {
      authorize(props.actor, "section.signOff", facts);
      // Step-up: the second factor again when the last check is older than 15 minutes.
      secondFactor = await requireStepUp(deps, props.actor, "section.signOff");
    },
    lock: async (tx, { section }) => {
      await lockAuditChain(tx);
      // Every update stored before this point is in the hash below, and none can be stored after it:
      // appends hold this lock shared and refuse a final section (server/collab/store.ts).
      await lockSectionLog(database, tx, section.id, "exclusive");
    },
    change: async (tx, { section, facts }) => {
      const row = (await tx.select({ status: t.sections.status }).from(t.sections).where(eq(t.sections.id, section.id)).limit(1))[0];
      authorize(props.actor, "section.signOff", { ...facts, status: row.status });
      const { hash, openSuggestions } = await currentHashAndSuggestions(database, section.id);
      if (hash !== seen) {
        throw new CommandError("stale_version", "The text has changed since you opened it; read the current version and sign again.", 409, "contentHash");
      }
      // A text with open suggestions is not what anyone signs (ADR 027).
      enforce(signOffVerdict(props.actor, { ...facts, status: row.status, openSuggestions }), "section.signOff", 409);
      const state = await reviewStateUnchecked(database, section.id, hash);
      if (!state.round || !state.complete) {
        throw new CommandError("not_approved", "Not every required organisation has approved the current text.", 409);
      }
      const version = await captureVersion(tx, database, { sectionId: section.id, name: "Signed off", kind: "signoff", actorId: props.actor.id });
      const signoffId = crypto.randomUUID();
      const now = new Date();
      await tx.insert(t.signoffs).values({ id: signoffId, sectionId: section.id, versionId: version.id, contentHash: hash, userId: props.actor.id, createdAt: now });
      await tx.update(t.reviewRounds).set({ closedAt: now }).where(eq(t.reviewRounds.id, state.round.id));
      await tx
        .update(t.sections)
        .set({ status: statusAfter("signOff"), lockedBy: props.actor.id, lockedAt: now, updatedAt: now })
        .where(eq(t.sections.id, section.id));
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "section.signed_off",
        subjectType: "section",
        subjectId: section.id,
        workspaceId: section.workspaceId,
        data: {
          signoffId,
          versionId: version.id,
          contentHash: hash,
          roundId: state.round.id,
          approvals: state.organisations.map((o) => ({ organisationId: o.organisationId, contentHash: o.decision?.contentHash ?? null })),
          ...secondFactorAudit(secondFactor!),
        },
      });
      const members = await membersToTell(tx, database, section.workspaceId, {}, props.actor.id);
      return {
        result: { signoffId, versionId: version.id, contentHash: hash },
        notify: members.map((userId) => ({
          userId,
          kind: "section.signed_off",
          actorId: props.actor.id,
          workspaceId: section.workspaceId,
          sectionId: section.id,
          data: { sectionTitle: section.title, contentHash: hash },
        })),
      };
    },
    emit: (_result, { section }) =>
      deps.events.emit("section.changed", { workspaceId: section.workspaceId, sectionId: section.id, status: statusAfter("signOff"), title: section.title }),
  });
}
