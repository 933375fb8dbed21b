/**
 * The upgrade's short-lived cache of who a session is and what they may do on a section
 * (docs/decisions/041-the-upgrade-remembers-access-briefly.md). People arrive in bursts (a plenary
 * opens the agenda, every editor reconnects after a restart), and each upgrade used to ask the
 * database for the session, the person, the section and the workspace facts. Here each of those is
 * asked once per burst:
 *
 * - sessions, by their Cookie / Authorization headers: the signed-in person and when the session
 *   expires (an expired one is never answered from here);
 * - sections, by id: the section's record (workspace, status, archived);
 * - workspace facts, by person and workspace: role, approving organisation, agenda owner, archived.
 *
 * An entry lives at most `ttlMs` (5 s) and is dropped the moment a domain event says access changed
 * (membership, person revoked or disabled, session ended, workspace or agenda changed, section
 * changed, archived, deleted or moved). With several nodes those events arrive through Redis
 * (server/scale/events.ts): an answer from here first waits for a round trip on that channel that
 * began after the lookup did (`barrier`), so every event Redis had before it has been applied; while
 * the channel is down the cache answers nothing. A lookup that was running when an event came is used
 * by its caller but not kept, and `changedSince` tells the caller that it must check again against
 * the database.
 */
import type { Services, SignedIn } from "../context";
import type { SectionFacts, WorkspaceFacts } from "../policy";
import { loadSectionRecord, loadWorkspaceStanding, NotFound, type SectionRecord } from "../services/access";

/** How another node's access changes reach this one (server/scale/events.ts), when there are several. */
export interface AccessChannel {
  /**
   * Null while the channel is down; else a number that changes each time it was down (events sent
   * meanwhile may be lost): an entry is used only under the number it was looked up under.
   */
  epoch(): number | null;
  /** Resolves true once every event Redis delivered before this call has been emitted here; false when the channel is down. */
  barrier(): Promise<boolean>;
}

export interface AccessCacheOptions {
  /** How long an entry is used at most (ms); default 5 s. 0 turns the cache off. */
  ttlMs?: number;
  /** Other nodes' events (Redis); none on a single node. */
  channel?: AccessChannel;
  /** The clock (ms), for the tests. */
  now?: () => number;
}

type Entry<T> = { value: Promise<T>; at: number; epoch: number };
type SessionValue = { actor: SignedIn; expiresAt: number } | null;
type StandingValue = (WorkspaceFacts & { agendaId: string | null }) | null;

export interface AccessCache {
  /** The signed-in person for these headers (cookie or bearer token), or null. */
  actor(authHeaders: Record<string, string>): Promise<SignedIn | null>;
  /** The section and the person's facts on it; throws NotFound for an unknown section. */
  sectionFacts(actor: SignedIn, sectionId: string): Promise<{ section: SectionRecord; facts: SectionFacts }>;
  /** The count of invalidations so far: taken before a check, compared with `changedSince` after. */
  generation(): number;
  /** Whether access may have changed since `generation` was taken (then check again against the database). */
  changedSince(generation: number): boolean;
  /** Entries held (for the tests). */
  size(): number;
  close(): void;
}

const sessionKey = (h: Record<string, string>) => `${h.cookie ?? ""}\n${h.authorization ?? ""}`;

export function createAccessCache(services: Pick<Services, "database" | "events" | "sessionFromHeaders">, options: AccessCacheOptions = {}): AccessCache {
  const ttlMs = options.ttlMs ?? 5000;
  const now = options.now ?? Date.now;
  const { database, events } = services;
  const sessions = new Map<string, Entry<SessionValue> & { userId?: string }>();
  const sections = new Map<string, Entry<SectionRecord | null> & { workspaceId?: string }>();
  const standings = new Map<string, Entry<StandingValue> & { userId: string; workspaceId: string; agendaId?: string | null }>();
  let generation = 0;
  /**
   * Round trips on the other nodes' channel: the one in flight, and the next one, which the lookups
   * that arrive meanwhile share (a round trip counts only for events sent before it started, so a
   * lookup never joins one that began before it; a burst still costs two).
   */
  let inFlight: Promise<boolean> | null = null;
  let next: Promise<boolean> | null = null;
  function launch(channel: AccessChannel): Promise<boolean> {
    const trip = channel.barrier().catch(() => false);
    inFlight = trip;
    void trip.then(() => {
      if (inFlight === trip) inFlight = null;
    });
    return trip;
  }
  function roundTrip(channel: AccessChannel): Promise<boolean> {
    if (!inFlight) return launch(channel);
    next ??= inFlight.then(() => {
      next = null;
      return launch(channel);
    });
    return next;
  }

  function invalidate(drop: () => void) {
    generation++;
    drop();
  }
  function dropWhere<E>(map: Map<string, E>, match: (entry: E) => boolean) {
    for (const [key, entry] of map) if (match(entry)) map.delete(key);
  }
  const dropPerson = (userId: string) => {
    dropWhere(sessions, (e) => e.userId === undefined || e.userId === userId);
    dropWhere(standings, (e) => e.userId === userId);
  };
  const dropWorkspace = (workspaceId: string) => {
    dropWhere(standings, (e) => e.workspaceId === workspaceId);
    dropWhere(sections, (e) => e.workspaceId === undefined || e.workspaceId === workspaceId);
  };
  const dropSection = (sectionId: string) => sections.delete(sectionId);

  const unsubscribe = [
    events.on("session.ended", ({ userId }) => invalidate(() => dropPerson(userId))),
    events.on("person.revoked", ({ userId }) => invalidate(() => dropPerson(userId))),
    events.on("membership.changed", ({ userId, workspaceId }) =>
      invalidate(() => dropWhere(standings, (e) => e.userId === userId && e.workspaceId === workspaceId)),
    ),
    events.on("workspace.changed", ({ workspaceId }) => invalidate(() => dropWorkspace(workspaceId))),
    events.on("agenda.changed", ({ agendaId, userIds }) =>
      invalidate(() => {
        dropWhere(standings, (e) => e.agendaId === undefined || e.agendaId === agendaId || userIds.includes(e.userId));
      }),
    ),
    events.on("section.changed", ({ sectionId }) => invalidate(() => dropSection(sectionId))),
    events.on("section.archived", ({ sectionId }) => invalidate(() => dropSection(sectionId))),
    events.on("section.deleted", ({ sectionId }) => invalidate(() => dropSection(sectionId))),
    events.on("section.moved", ({ sectionId }) => invalidate(() => dropSection(sectionId))),
  ];

  const epoch = (): number | null => (options.channel ? options.channel.epoch() : 0);

  /** Whether `entry` may be answered from memory now: after the events other nodes sent so far arrived. */
  async function trusted(entry: Entry<unknown>): Promise<boolean> {
    if (entry.epoch !== epoch()) return false;
    if (!options.channel) return true;
    return (await roundTrip(options.channel)) && entry.epoch === epoch();
  }

  /**
   * The cached value of `key` in `map`, or `load()`, kept when it is `valid` and no invalidation (nor
   * a break in the channel from the other nodes) came while it was looked up. `describe` notes on the
   * entry what the events drop it by, once the value is known; until then any event drops it.
   */
  async function cached<T, E extends Entry<T>>(
    map: Map<string, E>,
    key: string,
    load: () => Promise<T>,
    make: (entry: Entry<T>) => E,
    describe: (entry: E, value: T) => void,
    valid: (value: T) => boolean,
  ): Promise<T> {
    if (ttlMs <= 0) return load();
    const hit = map.get(key);
    if (hit && now() - hit.at < ttlMs && (await trusted(hit)) && map.get(key) === hit) {
      const value = await hit.value.catch(() => undefined);
      if (value !== undefined && map.get(key) === hit && valid(value)) return value;
    }
    const startedAt = generation;
    const underEpoch = epoch();
    const entry = make({ value: load(), at: now(), epoch: underEpoch ?? -1 });
    if (underEpoch !== null) map.set(key, entry);
    try {
      const value = await entry.value;
      if (map.get(key) === entry) {
        if (generation !== startedAt || epoch() !== underEpoch || !valid(value)) map.delete(key);
        else describe(entry, value);
      }
      return value;
    } catch (error) {
      if (map.get(key) === entry) map.delete(key);
      throw error;
    }
  }

  function sweep() {
    const old = now() - ttlMs;
    for (const map of [sessions, sections, standings] as Map<string, Entry<unknown>>[]) dropWhere(map, (e) => e.at <= old);
  }
  const sweeper = ttlMs > 0 ? setInterval(sweep, Math.max(ttlMs, 1000)) : null;
  sweeper?.unref();

  return {
    async actor(authHeaders) {
      const value = await cached<SessionValue, Entry<SessionValue> & { userId?: string }>(
        sessions,
        sessionKey(authHeaders),
        async () => {
          const state = await services.sessionFromHeaders(new Headers(authHeaders));
          if (!state || state.gate) return null;
          return { actor: state.actor, expiresAt: state.expiresAt.getTime() };
        },
        (e) => e,
        (e, v) => (e.userId = v?.actor.id),
        // An unknown session is asked again (it may have just signed in); an expired one is not answered.
        (v) => v !== null && v.expiresAt > now(),
      );
      return value && value.expiresAt > now() ? value.actor : null;
    },

    async sectionFacts(actor, sectionId) {
      const section = await cached<SectionRecord | null, Entry<SectionRecord | null> & { workspaceId?: string }>(
        sections,
        sectionId,
        () => loadSectionRecord(database, sectionId),
        (e) => e,
        (e, v) => (e.workspaceId = v?.workspaceId),
        (v) => v !== null,
      );
      if (!section) throw new NotFound("section", sectionId);
      const workspaceId = section.workspaceId;
      const standing = await cached<StandingValue, Entry<StandingValue> & { userId: string; workspaceId: string; agendaId?: string | null }>(
        standings,
        `${actor.id}\n${actor.organisationId ?? ""}\n${workspaceId}`,
        () => loadWorkspaceStanding(database, actor, workspaceId),
        (e) => ({ ...e, userId: actor.id, workspaceId }),
        (e, v) => (e.agendaId = v?.agendaId ?? null),
        (v) => v !== null,
      );
      if (!standing) throw new NotFound("section", sectionId);
      const { agendaId: _agendaId, ...facts } = standing;
      return { section, facts: { ...facts, status: section.status, ...(section.archivedAt ? { sectionArchived: true } : {}) } };
    },

    generation: () => generation,
    changedSince: (at) => generation !== at,
    size: () => sessions.size + sections.size + standings.size,

    close() {
      if (sweeper) clearInterval(sweeper);
      for (const off of unsubscribe) off();
      sessions.clear();
      sections.clear();
      standings.clear();
    },
  };
}
