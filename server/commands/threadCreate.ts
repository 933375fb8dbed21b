import { fromBase64 } from "lib0/buffer";
import { authorize, threadStart, type Actor } from "../policy";
import { loadSectionFacts } from "../services/access";
import { CommandError, parseInput } from "../services/errors";
import { checkedMentions, commentInputs, emitThreadChanged, replyNotifications } from "./commentSupport";
import { runCommand, type CommandDeps } from "./run";

/**
 * Starts a thread on a range of the section's text, with its first comment (`CreateThreadProps`).
 * Starting a thread never changes the document: the anchor is a pair of Yjs relative positions.
 */
export async function createThread(deps: CommandDeps, actor: Actor, input: unknown): Promise<{ threadId: string }> {
  const props = parseInput(commentInputs.createThread, input);
  const { database } = deps;
  return runCommand(deps, {
    load: () => loadSectionFacts(database, actor, props.sectionId),
    authorize: ({ facts }) => {
      authorize(actor, "section.view", facts);
      authorize(actor, "section.comment", facts);
      const start = threadStart(actor, props.visibility, facts);
      if (!start.allowed) throw new CommandError(start.code, start.reason, 400, "visibility");
    },
    prepare: async ({ section }) => {
      const thread = {
        id: crypto.randomUUID(),
        sectionId: section.id,
        anchorStart: Buffer.from(fromBase64(props.anchor.start)),
        anchorEnd: Buffer.from(fromBase64(props.anchor.end)),
        quote: props.quote,
        visibility: props.visibility,
        organisationId: actor.organisationId,
        authorId: actor.id,
        createdAt: new Date(),
      };
      const mentioned = await checkedMentions(database, section.workspaceId, section.status, thread, props.body, props.mentions);
      return { section, thread, mentioned };
    },
    change: async (tx, { section, thread, mentioned }) => {
      await tx.insert(database.t.commentThreads).values(thread);
      await tx.insert(database.t.comments).values({
        id: crypto.randomUUID(),
        threadId: thread.id,
        authorId: actor.id,
        kind: "comment",
        body: props.body,
        mentions: mentioned,
        createdAt: thread.createdAt,
      });
      return {
        result: { threadId: thread.id },
        notify: await replyNotifications(database, actor, { section, thread }, props.body, mentioned, null),
      };
    },
    emit: ({ threadId }, { section }) => emitThreadChanged(deps, section, threadId),
  });
}
