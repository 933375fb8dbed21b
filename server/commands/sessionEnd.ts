/**
 * Ending sessions (the sessions page, the admin's people page): one of my sessions, all of mine but
 * the one I use, or (an admin) all of a person's. The rows are deleted, so their cookies and bearer
 * tokens stop working at once; "session.ended" (on every node) has the collab server and socket.io ask
 * that person's open connections again, which closes those of the ended sessions.
 */
import { and, eq, ne } from "drizzle-orm";
import { z } from "zod";
import { sessionEnd, type Actor } from "../policy";
import { appendAudit, lockAuditChain } from "../services/audit";
import { CommandError, parseInput } from "../services/errors";
import { loadPerson, type AdminDeps } from "./adminSupport";
import { runCommand } from "./run";

export interface EndSessionsProps {
  /** Who asks; from the session. */
  actor: Actor;
  /** Whose sessions. */
  userId: string;
  /**
   * Which: one session by id; "others", every one but `currentSessionId`; "all", every one.
   */
  which: { sessionId: string } | "others" | "all";
  /** The session the actor uses now (kept by "others"). */
  currentSessionId?: string;
}

const sessionIdSchema = z.string().min(1).max(100);

/** Ends the sessions; returns how many ended. */
export async function endSessions(deps: AdminDeps, props: EndSessionsProps): Promise<number> {
  const { database, events } = deps;
  const { t } = database;
  const one = typeof props.which === "object" ? parseInput(sessionIdSchema, props.which.sessionId, { field: "sessionId" }) : null;
  if (props.which === "others" && !props.currentSessionId) throw new CommandError("bad_request", "Which session is yours is not known.", 400);
  return runCommand(deps, {
    load: async () => (props.userId === props.actor.id ? null : await loadPerson(deps, props.userId)),
    authorize: () => {
      const verdict = sessionEnd(props.actor, props.userId);
      if (!verdict.allowed) throw new CommandError(verdict.code, verdict.reason, 403);
    },
    lock: (tx) => lockAuditChain(tx),
    change: async (tx, person) => {
      const mine = eq(t.session.userId, props.userId);
      const where = one ? and(mine, eq(t.session.id, one)) : props.which === "others" ? and(mine, ne(t.session.id, props.currentSessionId!)) : mine;
      const ended = await tx.delete(t.session).where(where).returning({ id: t.session.id });
      // An unknown id (or another person's) is not found, and nothing changed.
      if (one && ended.length === 0) throw new CommandError("not_found", "There is no such session (any more).", 409, "sessionId");
      await appendAudit(tx, {
        actorId: props.actor.id,
        action: "sessions.ended",
        subjectType: "person",
        subjectId: props.userId,
        data: {
          which: one ? "one" : props.which,
          sessionIds: ended.map((s) => s.id),
          ...(person ? { email: person.email } : {}),
        },
      });
      return { result: ended.length };
    },
    emit: (count) => {
      if (count > 0) events.emit("session.ended", { userId: props.userId });
    },
  });
}
