/**
 * "Waiting for me": what a person is asked to do next, across every workspace they may see (the
 * view server/views/waiting.ts; the dashboard's WaitingForMe panel). Each item names the exact place
 * (`href`) and carries only what its reader may see. Isomorphic and dependency-free.
 */

interface Where {
  workspaceId: string;
  workspaceTitle: string;
  /** The exact place: the review page, the section with its thread open, the members page. */
  href: string;
}

interface InSection extends Where {
  sectionId: string;
  sectionTitle: string;
}

export interface ChangeRequestView {
  organisation: string;
  by: string | null;
  note: string;
}

export type WaitingItem =
  /** My organisation is asked to decide on a review (or to look again: the text changed since it asked for changes). */
  | (InSection & { kind: "review.decide"; dueDate: string | null; late: boolean })
  /** Every organisation approved the text: the office may sign it off. */
  | (InSection & { kind: "signoff.ready" })
  /** An approval I gave no longer matches the text. */
  | (InSection & { kind: "approval.stale"; approvedAt: string })
  /** A thread assigned to me, or to my organisation (`organisation` then names it). */
  | (InSection & { kind: "thread.assigned"; threadId: string; quote: string; dueDate: string | null; late: boolean; organisation: string | null; by: string | null })
  /** Someone mentioned me in a thread I have not answered since. */
  | (InSection & { kind: "mention"; threadId: string; quote: string; by: string | null; excerpt: string; at: string })
  /** An organisation asked for changes in a section I own or write. */
  | (InSection & { kind: "changes.requested"; requests: ChangeRequestView[] })
  /** An invitation I sent that nobody accepted (still open, or expired). */
  | (Where & { kind: "invitation.open"; invitationId: string; email: string; expired: boolean; sentAt: string });

export type WaitingKind = WaitingItem["kind"];

export const WAITING_KINDS: readonly WaitingKind[] = [
  "review.decide",
  "signoff.ready",
  "changes.requested",
  "approval.stale",
  "thread.assigned",
  "mention",
  "invitation.open",
];

export interface Waiting {
  items: WaitingItem[];
  /** The workspaces whose live events may change the list (what the panel listens to). */
  workspaceIds: string[];
}
