/**
 * The access watch: checks open connections again when membership, the person or the section changes
 * or a session ends (domain events), and at every round of the shared session watch
 * (server/services/access.ts), closing those that lost access and changing the rights of the others.
 */
import { CloseCode } from "../../app/shared/collab";
import type { Services } from "../context";
import type { Logger } from "../log";
import { can, type SectionFacts } from "../policy";
import { createSessionWatch, loadSectionFacts, NotFound, sessionRound, type SessionRound, type SessionWatch } from "../services/access";
import type { Connection } from "./connection";

export interface AccessWatch {
  /** Checks these connections again now, against the database (their session, then their access). */
  check(connections: Connection[]): Promise<void>;
  /** Stops watching (and the session watch when it is the watch's own). */
  close(): Promise<void>;
}

function applyAccess(c: Connection, facts: SectionFacts, canEdit: boolean): void {
  if (c.room) c.room.setAccess(c, facts, canEdit);
  else c.setAccess(facts, canEdit); // still loading: it joins with these rights
}

/** Watches `connections` (the live set); `sessions` is the shared watch, else one of its own. */
export function watchAccess(services: Services, log: Logger, connections: ReadonlySet<Connection>, sessions?: SessionWatch): AccessWatch {
  const { database, events } = services;

  /** Checks `list` again (their session, then their access), asking the database once per session
   * (in this round) and once per person and section. */
  async function recheck(list: Connection[], round: SessionRound = sessionRound(services.actorFromHeaders)) {
    const facts = new Map<string, Promise<Awaited<ReturnType<typeof loadSectionFacts>> | null>>();
    await Promise.all(
      list.map(async (c) => {
        try {
          const actor = await round.actorOf(new Headers(c.authHeaders));
          if (c.closed) return;
          if (!actor || actor.id !== c.userId) {
            log.info("collab session ended; connection closed", c.who);
            return c.close(CloseCode.Unauthorized, "Your session ended; sign in again.");
          }
          const factsKey = `${actor.id}\n${c.sectionId}`;
          if (!facts.has(factsKey)) {
            facts.set(
              factsKey,
              loadSectionFacts(database, actor, c.sectionId).catch((error: unknown) => {
                if (error instanceof NotFound) return null;
                throw error;
              }),
            );
          }
          const loaded = await facts.get(factsKey)!;
          if (c.closed) return;
          if (!loaded) return c.close(CloseCode.NotFound, "This section no longer exists.");
          if (loaded.facts.sectionArchived) return c.close(CloseCode.Archived, "This section was archived.");
          if (loaded.section.workspaceId !== c.workspaceId) return c.close(CloseCode.Moved, "This section moved to another workspace.");
          if (!can(actor, "section.view", loaded.facts)) {
            log.info("collab access withdrawn; connection closed", c.who);
            return c.close(
              CloseCode.Forbidden,
              loaded.facts.archived ? "This workspace was archived." : "Your access to this section was withdrawn.",
            );
          }
          c.recheckedAs(actor);
          applyAccess(c, loaded.facts, can(actor, "section.edit", loaded.facts));
        } catch (error) {
          log.error("re-checking a collab connection failed; kept open until the next check", { ...c.who, error: String(error) });
        }
      }),
    );
  }

  const unsubscribe = [
    events.on("membership.changed", ({ workspaceId, userId }) => {
      void recheck([...connections].filter((c) => c.userId === userId && c.workspaceId === workspaceId));
    }),
    events.on("person.revoked", ({ userId }) => {
      void recheck([...connections].filter((c) => c.userId === userId));
    }),
    events.on("session.ended", ({ userId }) => {
      void recheck([...connections].filter((c) => c.userId === userId));
    }),
    // A workspace archived (or its agenda's owners changed): its sections' connections are checked
    // again, and the policy refuses an archived workspace to everyone but its agenda's owners and admins.
    events.on("workspace.changed", ({ workspaceId }) => {
      void recheck([...connections].filter((c) => c.workspaceId === workspaceId));
    }),
    events.on("agenda.changed", ({ userIds }) => {
      if (userIds.length) void recheck([...connections].filter((c) => userIds.includes(c.userId)));
    }),
    events.on("section.changed", ({ sectionId, status }) => {
      for (const c of connections) {
        if (c.sectionId !== sectionId) continue;
        // Only the status changed: the role in the connection's facts still holds (membership
        // changes arrive as their own event).
        const facts = { ...c.facts, status };
        applyAccess(c, facts, can(c.actor, "section.edit", facts));
      }
    }),
    events.on("section.deleted", ({ sectionId }) => {
      for (const c of connections) if (c.sectionId === sectionId) c.close(CloseCode.NotFound, "This section was deleted.");
    }),
    events.on("section.archived", ({ sectionId }) => {
      for (const c of connections) if (c.sectionId === sectionId) c.close(CloseCode.Archived, "This section was archived.");
    }),
    events.on("section.moved", ({ sectionId }) => {
      // Who may open it follows the new workspace: the editor reconnects and is checked again.
      for (const c of connections) if (c.sectionId === sectionId) c.close(CloseCode.Moved, "This section moved to another workspace.");
    }),
  ];

  const ownWatch = sessions ? undefined : createSessionWatch(services);
  const unwatch = (sessions ?? ownWatch!).watch((round) => recheck([...connections], round));

  return {
    check: (list) => recheck(list),
    async close() {
      unwatch();
      await ownWatch?.close();
      for (const off of unsubscribe) off();
    },
  };
}
