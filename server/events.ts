/**
 * Domain events inside one process. Commands emit them after their change is committed; the collab
 * server and socket.io listen (to re-check open connections, to push live updates). With REDIS_URL
 * set, the realtime layer forwards them to the other nodes.
 */
import { EventEmitter } from "node:events";
import type { Role, SectionStatus } from "../app/shared/domain";

export interface DomainEvents {
  /** Someone's role in a workspace changed, or they were removed (role null). */
  "membership.changed": { workspaceId: string; userId: string; role: Role | null };
  /** A person's sessions were revoked or the person was disabled. */
  "person.revoked": { userId: string };
  /** One session of a person ended (sign-out, revoked from another device); their other sessions may still hold. */
  "session.ended": { userId: string };
  "section.changed": { workspaceId: string; sectionId: string; status: SectionStatus; title: string };
  "section.created": { workspaceId: string; sectionId: string };
  "section.deleted": { workspaceId: string; sectionId: string };
  /** A section was archived: its open editors close; it is kept to be read. */
  "section.archived": { workspaceId: string; sectionId: string };
  /** A section moved to another workspace (of the same agenda): who may open it now follows the new one. */
  "section.moved": { sectionId: string; fromWorkspaceId: string; toWorkspaceId: string };
  /** A workspace's details changed, or it was archived or restored (its agenda gets "agenda.changed" too). */
  "workspace.changed": { workspaceId: string };
  /**
   * An agenda's settings, owners or workspaces (created, reordered, archived, restored) changed.
   * `userIds`: people whose access may have changed with it (owners named or removed, first members).
   */
  "agenda.changed": { agendaId: string; userIds: string[] };
  /** A comment thread was started, replied to, edited, resolved or reopened (its contents stay in the database). */
  "thread.changed": { workspaceId: string; sectionId: string; threadId: string };
  /** A person has a new notification (any kind). */
  "notification.created": { userId: string; notificationId: string };
  /** Mails were committed to the outbox on this node: its sender looks now instead of at its next round (never forwarded). */
  "mail.queued": { count: number };
  /** A person read notifications (their unread count changed). */
  "notifications.read": { userId: string };
}

export class DomainEventBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(100);
  }
  emit<K extends keyof DomainEvents>(name: K, payload: DomainEvents[K]): void {
    this.emitter.emit(name, payload);
  }
  on<K extends keyof DomainEvents>(name: K, listener: (payload: DomainEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
