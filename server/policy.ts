/**
 * The one place that decides who may do what in Overleg. Every door asks it: Remix loaders and
 * actions, the /api/v1 routes, the collab WebSocket (at upgrade and for every message that would
 * change a document), socket.io rooms and events, and exports. The browser receives its answers
 * (`sectionAbilities`, `workspaceAbilities`), never the rules.
 *
 * It is pure: callers load the facts (the actor, their membership, the section's status) and ask.
 */

export type Role = "owner" | "editor" | "commenter" | "viewer";
export type OrganisationKind = "ministry" | "industry" | "institute" | "partner-country" | "minister-office";
export type SectionStatus = "draft" | "in_review" | "approved" | "final" | "published";
export type Visibility = "all" | "organisation";

export const ROLES: readonly Role[] = ["owner", "editor", "commenter", "viewer"];
export const SECTION_STATUSES: readonly SectionStatus[] = ["draft", "in_review", "approved", "final", "published"];

/** Who is asking; always built from the session on the server. */
export interface Actor {
  id: string;
  organisationId: string | null;
  organisationKind: OrganisationKind | null;
  isAdmin: boolean;
}

/** What the caller knows about the actor's relation to one workspace. */
export interface WorkspaceFacts {
  /** The actor's membership role in the workspace, or null. */
  role: Role | null;
  /** Whether the actor's organisation is one of the workspace's required approver organisations. */
  approverOrganisation: boolean;
}

export interface SectionFacts extends WorkspaceFacts {
  status: SectionStatus;
}

export interface ThreadFacts extends SectionFacts {
  visibility: Visibility;
  threadOrganisationId: string | null;
  threadAuthorId: string | null;
}

export type WorkspaceAction =
  | "workspace.view"
  | "workspace.update"
  | "workspace.manageMembers"
  | "workspace.invite"
  | "workspace.delete"
  | "workspace.publish"
  | "section.create";

export type SectionAction =
  | "section.view"
  | "section.edit"
  | "section.comment"
  | "section.manage"
  | "section.createVersion"
  | "section.restoreVersion"
  | "section.requestReview"
  | "section.decideReview"
  | "section.signOff"
  | "section.reopen"
  | "section.export";

export type ThreadAction = "thread.view" | "thread.reply" | "thread.resolve" | "thread.moderate";

/** What the caller knows about one comment of a thread. */
export interface CommentFacts extends ThreadFacts {
  commentAuthorId: string | null;
}

export type CommentAction = "comment.edit" | "comment.delete";

export type AdminAction = "admin.organisations" | "admin.people" | "admin.workspaces" | "admin.audit";

export type Action = WorkspaceAction | SectionAction | ThreadAction | CommentAction | AdminAction;

const rank: Record<Role, number> = { viewer: 1, commenter: 2, editor: 3, owner: 4 };
const atLeast = (role: Role | null, min: Role) => role !== null && rank[role] >= rank[min];
const isOffice = (a: Actor) => a.organisationKind === "minister-office";
const locked = (s: SectionStatus) => s === "final" || s === "published";

/** Why a request was refused, in words a person can act on (English; the UI translates by `code`). */
export class Forbidden extends Error {
  readonly status = 403;
  constructor(
    readonly action: Action,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "Forbidden";
  }
}

export function canAdmin(actor: Actor, _action: AdminAction): boolean {
  return actor.isAdmin;
}

export function canWorkspace(actor: Actor, action: WorkspaceAction, ws: WorkspaceFacts): boolean {
  switch (action) {
    case "workspace.view":
      return ws.role !== null || isOffice(actor) || actor.isAdmin;
    case "workspace.update":
    case "workspace.invite":
    case "section.create":
      return atLeast(ws.role, "owner") || (actor.isAdmin && action !== "section.create");
    case "workspace.manageMembers":
    case "workspace.delete":
      return atLeast(ws.role, "owner") || actor.isAdmin;
    case "workspace.publish":
      return isOffice(actor);
  }
}

export function canSection(actor: Actor, action: SectionAction, s: SectionFacts): boolean {
  const view = s.role !== null || isOffice(actor) || actor.isAdmin;
  switch (action) {
    case "section.view":
    case "section.export":
      return view;
    case "section.edit":
    case "section.restoreVersion":
      return atLeast(s.role, "editor") && !locked(s.status);
    case "section.createVersion":
      return atLeast(s.role, "editor");
    case "section.comment":
      return atLeast(s.role, "commenter") || (isOffice(actor) && view);
    case "section.manage":
      return atLeast(s.role, "owner") && !locked(s.status);
    case "section.requestReview":
      // The owner opens a review round (a new one replaces a round still open).
      return atLeast(s.role, "owner") && (s.status === "draft" || s.status === "in_review");
    case "section.decideReview":
      // While a round is open; an approved section can still be re-decided until it is signed off.
      return s.role !== null && s.approverOrganisation && (s.status === "in_review" || s.status === "approved");
    case "section.signOff":
      return isOffice(actor) && s.status === "approved";
    case "section.reopen":
      return isOffice(actor) && s.status === "final";
  }
}

export function canThread(actor: Actor, action: ThreadAction, t: ThreadFacts): boolean {
  const sees =
    canSection(actor, "section.view", t) &&
    (t.visibility === "all" || (actor.organisationId !== null && actor.organisationId === t.threadOrganisationId));
  switch (action) {
    case "thread.view":
      return sees;
    case "thread.reply":
      return sees && canSection(actor, "section.comment", t);
    case "thread.resolve":
      // Resolving changes the discussion: only someone who may comment, on their own thread or as an editor.
      return sees && canSection(actor, "section.comment", t) && (t.threadAuthorId === actor.id || atLeast(t.role, "editor"));
    case "thread.moderate":
      return sees && atLeast(t.role, "owner");
  }
}

export function canComment(actor: Actor, action: CommentAction, c: CommentFacts): boolean {
  const own = c.commentAuthorId !== null && c.commentAuthorId === actor.id;
  switch (action) {
    case "comment.edit":
      // Only the author changes their words, while they may still take part in the thread.
      return own && canThread(actor, "thread.reply", c);
    case "comment.delete":
      return (own && canThread(actor, "thread.reply", c)) || canThread(actor, "thread.moderate", c);
  }
}

/** One entry point for all kinds: `can(actor, "section.edit", facts)`. */
export function can(actor: Actor, action: WorkspaceAction, facts: WorkspaceFacts): boolean;
export function can(actor: Actor, action: SectionAction, facts: SectionFacts): boolean;
export function can(actor: Actor, action: ThreadAction, facts: ThreadFacts): boolean;
export function can(actor: Actor, action: CommentAction, facts: CommentFacts): boolean;
export function can(actor: Actor, action: AdminAction): boolean;
export function can(actor: Actor, action: Action, facts?: WorkspaceFacts | SectionFacts | ThreadFacts | CommentFacts): boolean {
  if (action.startsWith("admin.")) return canAdmin(actor, action as AdminAction);
  if (!facts) return false;
  if (action.startsWith("comment.")) return "commentAuthorId" in facts && canComment(actor, action as CommentAction, facts);
  if (action.startsWith("thread.")) return canThread(actor, action as ThreadAction, facts as ThreadFacts);
  if (action.startsWith("section.") && action !== "section.create") {
    return canSection(actor, action as SectionAction, facts as SectionFacts);
  }
  return canWorkspace(actor, action as WorkspaceAction, facts);
}

const reasons: Partial<Record<Action, string>> = {
  "workspace.view": "You are not a member of this workspace.",
  "section.view": "You are not a member of this workspace.",
  "section.edit": "Your role in this workspace does not allow editing, or the section is locked.",
  "section.comment": "Your role in this workspace does not allow commenting.",
  "section.requestReview": "Only the workspace's owners request a review, of a section in draft or in review.",
  "section.decideReview": "Only approvers of the required organisations decide on an open review.",
  "section.signOff": "Only the minister's office signs off, and only an approved section.",
  "section.reopen": "Only the minister's office reopens a final section.",
  "thread.view": "This thread is not visible to you.",
  "thread.reply": "You may not reply in this thread.",
  "thread.resolve": "Only the thread's author, or an editor or owner of the workspace, resolves or reopens a thread.",
  "thread.moderate": "Only the workspace's owners moderate threads.",
  "comment.edit": "Only the author of a comment changes it.",
  "comment.delete": "Only the author of a comment, or an owner of the workspace, deletes it.",
};

/** Throws Forbidden unless the actor may; the message says why. */
export function authorize(actor: Actor, action: WorkspaceAction, facts: WorkspaceFacts): void;
export function authorize(actor: Actor, action: SectionAction, facts: SectionFacts): void;
export function authorize(actor: Actor, action: ThreadAction, facts: ThreadFacts): void;
export function authorize(actor: Actor, action: CommentAction, facts: CommentFacts): void;
export function authorize(actor: Actor, action: AdminAction): void;
export function authorize(actor: Actor, action: Action, facts?: WorkspaceFacts | SectionFacts | ThreadFacts | CommentFacts): void {
  if (!(can as (a: Actor, x: Action, f?: unknown) => boolean)(actor, action, facts)) {
    const locked = facts && "status" in facts && (facts.status === "final" || facts.status === "published");
    const code = locked && action === "section.edit" ? "locked" : "forbidden";
    throw new Forbidden(
      action,
      code,
      code === "locked" ? "This section is final and locked." : (reasons[action] ?? "You may not do this."),
    );
  }
}

const sectionActions: SectionAction[] = [
  "section.view",
  "section.edit",
  "section.comment",
  "section.manage",
  "section.createVersion",
  "section.restoreVersion",
  "section.requestReview",
  "section.decideReview",
  "section.signOff",
  "section.reopen",
  "section.export",
];
const workspaceActions: WorkspaceAction[] = [
  "workspace.view",
  "workspace.update",
  "workspace.manageMembers",
  "workspace.invite",
  "workspace.delete",
  "workspace.publish",
  "section.create",
];

/** The answers the browser may see for one section. */
export function sectionAbilities(actor: Actor, facts: SectionFacts): Record<SectionAction, boolean> {
  return Object.fromEntries(sectionActions.map((a) => [a, canSection(actor, a, facts)])) as Record<SectionAction, boolean>;
}

/** The answers the browser may see for one workspace. */
export function workspaceAbilities(actor: Actor, facts: WorkspaceFacts): Record<WorkspaceAction, boolean> {
  return Object.fromEntries(workspaceActions.map((a) => [a, canWorkspace(actor, a, facts)])) as Record<
    WorkspaceAction,
    boolean
  >;
}

export { sectionActions, workspaceActions };
