/**
 * What the server sends about comment threads and notifications, to the page (loaders) and live
 * (socket.io). Isomorphic and dependency-free. Every view is made for one reader: it holds only what
 * that person may see, and the policy's answers for them (`can`), never the rules.
 */
import type { Visibility } from "./domain";

export interface PersonRef {
  id: string;
  name: string;
  organisationShortCode: string | null;
}

export type CommentKind = "comment" | "resolved" | "reopened" | "confirmed";

export interface CommentView {
  id: string;
  kind: CommentKind;
  author: PersonRef | null;
  /** The text as written (plain text with light markdown); null once deleted. */
  body: string | null;
  deleted: boolean;
  /** The people this comment mentions, with their names as the server knows them. */
  mentions: PersonRef[];
  createdAt: string;
  editedAt: string | null;
  can: { edit: boolean; delete: boolean };
}

export interface ThreadView {
  id: string;
  sectionId: string;
  workspaceId: string;
  /** Where the thread sits in the text: two encoded Yjs relative positions (base64), or null. */
  anchor: { start: string; end: string } | null;
  /** The text the thread was made on, as it was then. */
  quote: string;
  visibility: Visibility;
  organisation: { id: string; name: string; shortCode: string } | null;
  author: PersonRef | null;
  createdAt: string;
  resolved: { at: string; by: PersonRef | null } | null;
  /** When the author confirmed a resolution made by someone else. */
  resolutionConfirmedAt: string | null;
  /** Resolved by someone else and not yet confirmed, and I am the author: I am asked to confirm. */
  asksMeToConfirm: boolean;
  /** Some comment in it mentions me. */
  mentionsMe: boolean;
  /** Whom the thread is assigned to (a person or an organisation), or null. */
  assignment: ThreadAssignment | null;
  /** Assigned to me, or to my organisation. */
  assignedToMe: boolean;
  comments: CommentView[];
  can: { reply: boolean; resolve: boolean; assign: boolean; moderate: boolean };
}

export interface ThreadAssignment {
  person: PersonRef | null;
  organisation: { id: string; name: string; shortCode: string } | null;
  /** yyyy-mm-dd, or null. */
  dueDate: string | null;
  by: PersonRef | null;
  at: string | null;
}

/** A member of the workspace who may be mentioned. */
export interface MemberRef extends PersonRef {
  organisationId: string | null;
}

export interface SectionComments {
  sectionId: string;
  workspaceId: string;
  threads: ThreadView[];
  members: MemberRef[];
  /** The organisations a thread may be assigned to: those of the members, and the approving ones. */
  organisations: { id: string; name: string; shortCode: string }[];
  me: { id: string; organisationId: string | null; organisationShortCode: string | null };
  can: { comment: boolean; organisationOnly: boolean };
}

export interface NotificationView {
  id: string;
  /** One of NOTIFICATION_KINDS (app/shared/notifications.ts); the UI falls back for unknown kinds. */
  kind: string;
  workspaceId: string | null;
  sectionId: string | null;
  threadId: string | null;
  actor: PersonRef | null;
  /** The names as they are now (a section or workspace may have been renamed since). */
  sectionTitle: string | null;
  workspaceTitle: string | null;
  data: Record<string, unknown>;
  readAt: string | null;
  createdAt: string;
}

export interface ActivityItem {
  id: string;
  kind: CommentKind | "thread";
  at: string;
  actor: PersonRef | null;
  sectionId: string;
  sectionTitle: string;
  threadId: string;
  quote: string;
  visibility: Visibility;
  /** The first part of the comment's text, when it is a comment that was not deleted. */
  excerpt: string | null;
}

/** Limits both sides enforce. */
export const COMMENT_LIMITS = { body: 5000, quote: 1000, anchor: 512, mentions: 20 } as const;
