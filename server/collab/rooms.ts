/**
 * The room registry: loads a section's room when someone opens it (one load however many connect at
 * once), keeps it while it has connections, and unloads it (drained, log folded) a while after the
 * last one left.
 */
import type * as Y from "yjs";
import type { Logger } from "../log";
import type { Connection } from "./connection";
import { Room, type RoomOptions } from "./room";
import type { UpdateStore } from "./store";

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly loading = new Map<string, { room: Room; loaded: Promise<Room> }>();
  private readonly unloadTimers = new Map<Room, NodeJS.Timeout>();
  private closing = false;

  /** `options.onEmpty` is the registry's own (a room that lost its last connection is unloaded later). */
  private readonly options: RoomOptions;

  constructor(
    options: Omit<RoomOptions, "onEmpty">,
    private readonly store: UpdateStore,
    private readonly log: Logger,
    private readonly unloadAfterMs: number,
  ) {
    // One object for every room: a server may hold thousands of them.
    this.options = { ...options, onEmpty: (room) => this.scheduleUnload(room) };
  }

  get size(): number {
    return this.rooms.size;
  }

  /** The loaded room of a section, loading it first when needed; `waiting` waits for it (see Room.load). */
  async get(sectionId: string, waiting?: Connection): Promise<Room> {
    for (;;) {
      const room = this.rooms.get(sectionId);
      if (room?.unloading) {
        await room.unloading;
        continue;
      }
      if (room) return room;
      let pending = this.loading.get(sectionId);
      if (!pending) {
        const created = new Room(sectionId, this.options);
        const loaded = created.load().then(
          () => {
            this.rooms.set(sectionId, created);
            return created;
          },
          (error: unknown) => {
            created.destroy();
            throw error;
          },
        );
        pending = { room: created, loaded };
        this.loading.set(sectionId, pending);
        void loaded.finally(() => this.loading.delete(sectionId)).catch(() => undefined);
      }
      // Null when the room has just loaded (its load() resolved, this promise's callbacks have not run).
      if (waiting && pending.room.waiting) {
        pending.room.waiting.add(waiting);
        waiting.waitFor(pending.room);
        pending.room.onQueued?.(); // a newcomer: the load may answer it early (answerEarly)
      }
      return pending.loaded;
    }
  }

  /** `connection` joins `room` (which stays loaded while it has connections). */
  attach(connection: Connection, room: Room): void {
    const timer = this.unloadTimers.get(room);
    if (timer) {
      clearTimeout(timer);
      this.unloadTimers.delete(room);
    }
    room.attach(connection);
    if (room.connections.size === 0) this.scheduleUnload(room);
  }

  /** Runs `use` on the section's room (loading it), then lets it unload again if no one is on it. */
  async using<T>(sectionId: string, use: (room: Room) => Promise<T>): Promise<T> {
    const room = await this.get(sectionId);
    try {
      return await use(room);
    } finally {
      if (room.connections.size === 0) this.scheduleUnload(room);
    }
  }

  /**
   * The document of a section whose room is loaded here (and not unloading): it holds exactly what is
   * stored, and is read synchronously, never changed or kept. Null when the section is not loaded.
   */
  loadedDoc(sectionId: string): Y.Doc | null {
    const room = this.rooms.get(sectionId);
    return room && !room.unloading ? room.doc : null;
  }

  /** Folds a section's log into its snapshot now (after the writes already queued). */
  async compact(sectionId: string): Promise<void> {
    const room = this.rooms.get(sectionId);
    if (room) await room.compact();
    else await this.store.compact(sectionId);
  }

  /** Resolves when every accepted update is stored. */
  async flush(): Promise<void> {
    await Promise.all([...this.rooms.values()].map((room) => room.drain()));
  }

  /** Stops unloading, waits for loads, and stops accepting changes; then stores what was accepted. */
  async stop(): Promise<void> {
    this.closing = true;
    for (const timer of this.unloadTimers.values()) clearTimeout(timer);
    this.unloadTimers.clear();
    await Promise.allSettled([...this.loading.values()].map((p) => p.loaded));
    for (const room of this.rooms.values()) room.accepting = false;
    await this.flush();
  }

  /** Frees every room (after stop() and once the connections are closed). */
  destroy(): void {
    for (const room of this.rooms.values()) room.destroy();
    this.rooms.clear();
  }

  private scheduleUnload(room: Room): void {
    if (this.closing || this.unloadTimers.has(room)) return;
    const timer = setTimeout(() => {
      this.unloadTimers.delete(room);
      if (room.connections.size === 0) void this.unload(room);
    }, this.unloadAfterMs);
    timer.unref();
    this.unloadTimers.set(room, timer);
  }

  private async unload(room: Room): Promise<void> {
    room.unloading = (async () => {
      await room.drain();
      if (room.logRows > 0) {
        await room.compact().catch((error) => this.log.error("compaction at unload failed", { sectionId: room.sectionId, error: String(error) }));
      }
      room.destroy();
      if (this.rooms.get(room.sectionId) === room) this.rooms.delete(room.sectionId);
    })();
    await room.unloading;
  }
}
