import { z } from "zod";
import { authorize, type Actor } from "../policy";
import { loadSectionFacts } from "../services/access";
import { appendAudit } from "../services/audit";
import { parseInput } from "../services/errors";
import { runCommand, type CommandDeps } from "./run";
import { captureVersion } from "./versionCapture";

export const versionNameSchema = z
  .string()
  .trim()
  .min(1, "Give the version a name.")
  .max(120, "A version name has at most 120 characters.");

export interface CreateVersionProps {
  /** Who asks; from the session. */
  actor: Actor;
  sectionId: string;
  /** What the version is called ("Sent to the working group"). */
  name: string;
}

/** Saves a named version of the section's current text. Editors and owners may. */
export async function createVersion(deps: CommandDeps, props: CreateVersionProps) {
  const { database } = deps;
  const name = parseInput(versionNameSchema, props.name, { field: "name" });
  return runCommand(deps, {
    load: () => loadSectionFacts(database, props.actor, props.sectionId),
    authorize: ({ facts }) => authorize(props.actor, "section.createVersion", facts),
    change: async (tx, { section }) => {
      const version = await captureVersion(tx, database, { sectionId: section.id, name, kind: "manual", actorId: props.actor.id });
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "version.created",
        subjectType: "section",
        subjectId: section.id,
        workspaceId: section.workspaceId,
        data: { versionId: version.id, name, contentHash: version.contentHash },
      });
      return { result: version };
    },
  });
}

