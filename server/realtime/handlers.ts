/**
 * What a connected socket may ask for. Every request carries an acknowledgement and is answered with
 * `{ ok: true, … }` or `{ ok: false, error: { code, message } }`; a room is joined only after the
 * policy module allowed it, for the person of the socket's session as it is now.
 */
import type { z } from "zod";
import type { Ack, ClientToServerEvents, JoinAck, RealtimeError } from "../../app/shared/realtime";
import type { Services, SignedIn } from "../context";
import type { Logger } from "../log";
import { AppError, BAD_REQUEST, invalidInput, parseInput } from "../errors";
import { can, Forbidden } from "../policy";
import { loadSectionFacts, loadWorkspaceFacts } from "../services/access";
import { requireAgenda } from "../views/agendas";
import { currentActor } from "./auth";
import type { PresenceTracker } from "./presence";
import { entityId, presenceEnter, presenceLeave, workspaceIds } from "./schemas";
import { rooms, type RealtimeServer } from "./types";


const NOT_MEMBER = "You are not a member of this workspace.";

function errorOf(error: unknown, log: Logger, event: string): RealtimeError {
  // The protocol's codes (app/components/realtime/protocol.ts): every policy refusal is "forbidden".
  if (error instanceof AppError) {
    const code = error.status === 403 ? "forbidden" : error.status === 404 ? "not_found" : error.status === 401 ? "unauthorized" : error.status === 400 ? BAD_REQUEST : null;
    if (code) return { code, message: error.message };
  }
  log.error("socket request failed", { event, error: String(error) });
  return { code: "unavailable", message: "Overleg could not handle this request; try again shortly." };
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  return parseInput(schema, value);
}

export function registerHandlers(io: RealtimeServer, services: Services, presence: PresenceTracker, log: Logger): void {
  const { database } = services;

  io.on("connection", (socket) => {
    const { user } = socket.data;
    void socket.join(rooms.user(user.id));
    socket.emit("hello", { userId: user.id, name: user.name, organisationShortCode: user.organisationShortCode });
    log.debug("socket connected", { userId: user.id, socket: socket.id });

    /** The person of this socket's session now; a socket whose session has ended is disconnected. */
    async function actorNow(): Promise<SignedIn> {
      const actor = await currentActor(services.actorFromHeaders, socket);
      if (!actor) {
        setImmediate(() => socket.disconnect(true));
        throw new AppError("unauthorized", "Your session has ended; sign in again.", 401);
      }
      return actor;
    }

    function answer<K extends keyof ClientToServerEvents>(event: K, run: (payload: unknown) => Promise<Ack<object> | JoinAck>): void {
      const on = socket.on.bind(socket) as unknown as (event: string, listener: (...args: unknown[]) => void) => void;
      on(event, (payload: unknown, ack: unknown) => {
        const reply = typeof ack === "function" ? (ack as (result: Ack<object> | JoinAck) => void) : undefined;
        run(payload).then(
          (result) => reply?.(result),
          (error: unknown) => reply?.({ ok: false, error: errorOf(error, log, event) }),
        );
      });
    }

    answer("workspace:join", async (payload) => {
      const ids = [...new Set(parse(workspaceIds, payload))];
      const actor = await actorNow();
      const results: Record<string, Ack> = {};
      for (const id of ids) {
        try {
          const facts = await loadWorkspaceFacts(database, actor, id);
          if (!can(actor, "workspace.view", facts)) throw new Forbidden("workspace.view", "forbidden", NOT_MEMBER);
          await socket.join(rooms.workspace(id));
          results[id] = { ok: true };
        } catch (error) {
          results[id] = { ok: false, error: errorOf(error, log, "workspace:join") };
        }
      }
      const refused = Object.values(results).find((r): r is Extract<Ack, { ok: false }> => !r.ok);
      const joined: JoinAck = refused ? { ok: false, error: refused.error, results } : { ok: true, results };
      return joined;
    });

    answer("workspace:leave", async (payload) => {
      const ids = parse(workspaceIds, payload);
      for (const id of ids) {
        await socket.leave(rooms.workspace(id));
        if (Object.hasOwn(socket.data.presence, id)) {
          delete socket.data.presence[id];
          presence.refresh(id);
        }
      }
      return { ok: true };
    });

    answer("section:join", async (payload) => {
      const sectionId = parse(entityId, payload);
      const actor = await actorNow();
      const { section, facts } = await loadSectionFacts(database, actor, sectionId);
      if (!can(actor, "section.view", facts)) throw new Forbidden("section.view", "forbidden", NOT_MEMBER);
      await socket.join(rooms.section(sectionId));
      return { ok: true, workspaceId: section.workspaceId };
    });

    answer("agenda:join", async (payload) => {
      const agendaId = parse(entityId, payload);
      const actor = await actorNow();
      await requireAgenda(database, actor, agendaId, "agenda.view");
      await socket.join(rooms.agenda(agendaId));
      return { ok: true };
    });

    answer("agenda:leave", async (payload) => {
      await socket.leave(rooms.agenda(parse(entityId, payload)));
      return { ok: true };
    });

    answer("section:leave", async (payload) => {
      await socket.leave(rooms.section(parse(entityId, payload)));
      return { ok: true };
    });

    answer("presence:enter", async (payload) => {
      const { workspaceId, sectionId } = parse(presenceEnter, payload);
      const actor = await actorNow();
      const facts = await loadWorkspaceFacts(database, actor, workspaceId);
      if (!can(actor, "workspace.view", facts)) throw new Forbidden("workspace.view", "forbidden", NOT_MEMBER);
      if (sectionId) {
        const { section, facts: sectionFacts } = await loadSectionFacts(database, actor, sectionId);
        if (section.workspaceId !== workspaceId) throw invalidInput("This section is not part of this workspace.");
        if (!can(actor, "section.view", sectionFacts)) throw new Forbidden("section.view", "forbidden", NOT_MEMBER);
      }
      await socket.join(rooms.workspace(workspaceId));
      socket.data.presence[workspaceId] = sectionId;
      presence.refresh(workspaceId);
      return { ok: true, presence: await presence.of(workspaceId) };
    });

    answer("presence:leave", async (payload) => {
      const { workspaceId } = parse(presenceLeave, payload);
      if (Object.hasOwn(socket.data.presence, workspaceId)) {
        delete socket.data.presence[workspaceId];
        presence.refresh(workspaceId);
      }
      return { ok: true };
    });

    socket.on("disconnect", (reason) => {
      for (const workspaceId of Object.keys(socket.data.presence)) presence.refresh(workspaceId);
      log.debug("socket disconnected", { userId: user.id, socket: socket.id, reason });
    });
  });
}
