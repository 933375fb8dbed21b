/**
 * The one place that decides who may do what in Overleg. Every door asks it: Remix loaders and
 * actions, the /api/v1 routes, the collab WebSocket (at upgrade and for every message that would
 * change a document), socket.io rooms and events, and exports. The browser receives its answers
 * (`sectionAbilities`, `workspaceAbilities`), never the rules.
 *
 * It is pure: callers load the facts (the actor, their membership, the section's status) and ask.
 */
import { AppError } from "./errors";
import { canRearrange, canStep, isLocked } from "./lifecycle";

import type { OrganisationKind, Role, SectionStatus, Visibility } from "../app/shared/domain";

// The vocabulary lives in app/shared/domain.ts (both sides use it); re-exported for existing importers.
export type { OrganisationKind, Role, SectionStatus, Visibility } from "../app/shared/domain";
export { ROLES, SECTION_STATUSES } from "../app/shared/domain";

/** Who is asking; always built from the session on the server. */
export interface Actor {
  id: string;
  organisationId: string | null;
  organisationKind: OrganisationKind | null;
  isAdmin: boolean;
  /**
   * The second factor of the session this actor came from (server/context.ts). Absent on actors
   * loaded without a session (someone else, tests): the commands that need a step-up load it then,
   * with no check given (`checkedAt` null).
   */
  secondFactor?: SecondFactorState;
}

/** What a session knows about its person's second factor. */
export interface SecondFactorState {
  /** The person has TOTP set up (and verified once). */
  enabled: boolean;
  /** A rule requires the person to have one (secondFactorRequirement). */
  required: boolean;
  /** When this session last gave the second factor; null: never. */
  checkedAt: Date | null;
}

/** What the caller knows about the actor's relation to one workspace. */
export interface WorkspaceFacts {
  /** The actor's membership role in the workspace, or null. */
  role: Role | null;
  /** Whether the actor's organisation is one of the workspace's required approver organisations. */
  approverOrganisation: boolean;
  /** Whether the actor is one of the owners of the workspace's agenda (they manage its workspaces). */
  agendaOwner: boolean;
  /** Whether the workspace is archived: hidden from its members, read-only for everyone. */
  archived: boolean;
}

/** What the caller knows about the actor's relation to one agenda. */
export interface AgendaFacts {
  /** The actor is one of the agenda's owners. */
  owner: boolean;
  /** The actor may see at least one (not archived) workspace of the agenda. */
  seesWorkspace: boolean;
  /**
   * The whole agenda is archived (ADR 031): its workspaces count as archived, only its owners and
   * admins see it, and nothing in it changes until it is restored. Absent means not archived.
   */
  archived?: boolean;
}

export interface SectionFacts extends WorkspaceFacts {
  status: SectionStatus;
  /**
   * The section was archived: it stays readable (its text, versions, comments and audit) to those who
   * could read it, and nothing changes it until an owner restores it. Absent means not archived.
   * (`archived` is the workspace's.)
   */
  sectionArchived?: boolean;
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
  | "workspace.members"
  | "workspace.delete"
  | "workspace.publish"
  | "workspace.consultation"
  | "workspace.dispose"
  | "section.create"
  | "section.reorder"
  | "template.create";

export type SectionAction =
  | "section.view"
  | "section.edit"
  | "section.comment"
  | "section.suggest"
  | "section.manage"
  | "section.createVersion"
  | "section.restoreVersion"
  | "section.import"
  | "section.requestReview"
  | "section.decideReview"
  | "section.signOff"
  | "section.reopen"
  | "section.export"
  | "section.rename"
  | "section.move"
  | "section.archive"
  | "section.restore";

export type ThreadAction = "thread.view" | "thread.reply" | "thread.resolve" | "thread.assign" | "thread.confirmResolution" | "thread.moderate";

/** What the caller knows about one comment of a thread. */
export interface CommentFacts extends ThreadFacts {
  commentAuthorId: string | null;
}

export type CommentAction = "comment.edit" | "comment.delete";

export type AgendaAction =
  | "agenda.create"
  | "agenda.view"
  | "agenda.update"
  | "agenda.setOwners"
  | "agenda.manageWorkspaces"
  | "agenda.viewArchived"
  | "agenda.archive";

export type AdminAction = "admin.organisations" | "admin.people" | "admin.workspaces" | "admin.audit" | "admin.mail" | "admin.sso";

export type Action = WorkspaceAction | SectionAction | ThreadAction | CommentAction | AdminAction | AgendaAction;

const rank: Record<Role, number> = { viewer: 1, commenter: 2, editor: 3, owner: 4 };
const atLeast = (role: Role | null, min: Role) => role !== null && rank[role] >= rank[min];
const isOffice = (a: Actor) => a.organisationKind === "minister-office";

/** Why a request was refused, in words a person can act on (English; the UI translates by `code`). */
export class Forbidden extends AppError {
  declare readonly status: 403;
  constructor(
    readonly action: Action,
    code: string,
    message: string,
  ) {
    super(code, message, 403);
    this.name = "Forbidden";
  }
}

export function canAdmin(actor: Actor, _action: AdminAction): boolean {
  return actor.isAdmin;
}

export function canAgenda(actor: Actor, action: AgendaAction, a: AgendaFacts): boolean {
  switch (action) {
    case "agenda.create":
    case "agenda.setOwners":
      return actor.isAdmin;
    case "agenda.view":
      return actor.isAdmin || a.owner || (!a.archived && a.seesWorkspace);
    case "agenda.update":
    case "agenda.manageWorkspaces":
      return !a.archived && (actor.isAdmin || a.owner);
    case "agenda.viewArchived":
    case "agenda.archive":
      // Archiving and restoring the whole agenda: its owners and admins (agendaArchive says when).
      return actor.isAdmin || a.owner;
  }
}

/** Whether the actor sees the workspace at all: an archived one only its agenda's owners and admins. */
function seesWorkspace(actor: Actor, ws: WorkspaceFacts): boolean {
  if (ws.archived) return actor.isAdmin || ws.agendaOwner;
  return ws.role !== null || isOffice(actor) || actor.isAdmin || ws.agendaOwner;
}

export function canWorkspace(actor: Actor, action: WorkspaceAction, ws: WorkspaceFacts): boolean {
  switch (action) {
    case "workspace.view":
      return seesWorkspace(actor, ws);
    case "workspace.update":
    case "workspace.invite":
      return !ws.archived && (atLeast(ws.role, "owner") || actor.isAdmin || ws.agendaOwner);
    case "section.create":
    case "section.reorder":
    case "template.create":
      // Shaping the workspace's sections is the work of its owners (an admin manages, not writes).
      return !ws.archived && atLeast(ws.role, "owner");
    case "workspace.manageMembers":
    case "workspace.delete":
      return !ws.archived && (atLeast(ws.role, "owner") || actor.isAdmin || ws.agendaOwner);
    case "workspace.members":
      // The members page: for whoever manages the members or invites people.
      return canWorkspace(actor, "workspace.manageMembers", ws) || canWorkspace(actor, "workspace.invite", ws);
    case "workspace.publish":
      return isOffice(actor) && !ws.archived;
    case "workspace.consultation":
      // The consultation record and its annexes (reactienota): for those who answer the inputs, who
      // manage the workspace, and the office that publishes.
      return seesWorkspace(actor, ws) && (atLeast(ws.role, "owner") || ws.agendaOwner || isOffice(actor) || actor.isAdmin);
    case "workspace.dispose":
      // A disposition on an external input is the answer of the workspace's owners (the drafting lead).
      return !ws.archived && atLeast(ws.role, "owner");
  }
}

export function canSection(actor: Actor, action: SectionAction, s: SectionFacts): boolean {
  const view = seesWorkspace(actor, s);
  // An archived workspace is kept as it was: readable to its agenda's owners and admins, changed by nobody.
  if (s.archived && action !== "section.view" && action !== "section.export") return false;
  if (s.sectionArchived) {
    // An archived section is kept to be read; only its owners bring it back.
    if (action === "section.view") return view;
    if (action === "section.restore") return atLeast(s.role, "owner");
    return false;
  }
  switch (action) {
    case "section.view":
    case "section.export":
      return view;
    case "section.edit":
    case "section.restoreVersion":
    case "section.import":
      // Importing a file replaces the text, as restoring a version does (ADR 030).
      return atLeast(s.role, "editor") && !isLocked(s.status);
    case "section.createVersion":
      return atLeast(s.role, "editor");
    case "section.comment":
      return atLeast(s.role, "commenter") || (isOffice(actor) && view);
    case "section.suggest":
      // Proposing a change to the text (suggestion mode, over the collab stateless channel): members
      // who may comment, while the text may still change.
      return atLeast(s.role, "commenter") && !isLocked(s.status);
    case "section.manage":
    case "section.rename":
      return atLeast(s.role, "owner") && !isLocked(s.status);
    case "section.move":
    case "section.archive":
      return atLeast(s.role, "owner") && canRearrange(s.status);
    case "section.restore":
      // Only an archived section is restored.
      return false;
    case "section.requestReview":
      // The owner opens a review round (a new one replaces a round still open).
      return atLeast(s.role, "owner") && canStep(s.status, "requestReview");
    case "section.decideReview":
      // While a round is open (server/lifecycle.ts).
      return s.role !== null && s.approverOrganisation && canStep(s.status, "decide");
    case "section.signOff":
      return isOffice(actor) && canStep(s.status, "signOff");
    case "section.reopen":
      return isOffice(actor) && canStep(s.status, "reopen");
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
    case "thread.assign":
      // Asking someone to act on a thread steers the discussion: the same people who may resolve it.
      return canThread(actor, "thread.resolve", t);
    case "thread.confirmResolution":
      // Someone else resolved it: only the thread's author says the resolution is right.
      return sees && t.threadAuthorId !== null && t.threadAuthorId === actor.id;
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

/** What search knows about one hit: the section it is in, and the thread when it is a comment. */
export interface SearchHitFacts extends SectionFacts {
  /** The section, its workspace or its agenda is archived. */
  archived: boolean;
  /** A comment's thread; null for a section's text or a version's name. */
  thread: { visibility: Visibility; organisationId: string | null; authorId: string | null } | null;
}

/**
 * Whether search may show `actor` a hit, its snippet, and count it: what they may read (`section.view`,
 * and `thread.view` for a comment: an organisation-only thread only to that organisation). Archived
 * sections and workspaces (and those of an archived agenda) are found by nobody: they left the agenda,
 * and whoever may still read them opens them from the archive, not from search.
 */
export function searchHit(actor: Actor, facts: SearchHitFacts): boolean {
  if (facts.archived) return false;
  if (!facts.thread) return canSection(actor, "section.view", facts);
  return canThread(actor, "thread.view", {
    ...facts,
    visibility: facts.thread.visibility,
    threadOrganisationId: facts.thread.organisationId,
    threadAuthorId: facts.thread.authorId,
  });
}

/**
 * Whether `actor` may create, list or revoke a personal API token of `ownerId`: their own only, not
 * even an admin another person's (a token carries its person's rights, and nobody else's choice).
 */
export function apiTokenManage(actor: Actor, facts: { ownerId: string }): Verdict {
  return facts.ownerId === actor.id ? allowed : refused("forbidden", "Only the person a token belongs to manages it.");
}

/** One entry point for all kinds: `can(actor, "section.edit", facts)`. */
export function can(actor: Actor, action: WorkspaceAction, facts: WorkspaceFacts): boolean;
export function can(actor: Actor, action: SectionAction, facts: SectionFacts): boolean;
export function can(actor: Actor, action: ThreadAction, facts: ThreadFacts): boolean;
export function can(actor: Actor, action: CommentAction, facts: CommentFacts): boolean;
export function can(actor: Actor, action: AgendaAction, facts: AgendaFacts): boolean;
export function can(actor: Actor, action: AdminAction): boolean;
export function can(actor: Actor, action: Action, facts?: WorkspaceFacts | SectionFacts | ThreadFacts | CommentFacts | AgendaFacts): boolean {
  if (action.startsWith("admin.")) return canAdmin(actor, action as AdminAction);
  if (!facts) return false;
  if (action.startsWith("agenda.")) return "seesWorkspace" in facts && canAgenda(actor, action as AgendaAction, facts);
  if ("seesWorkspace" in facts) return false;
  if (action.startsWith("comment.")) return "commentAuthorId" in facts && canComment(actor, action as CommentAction, facts);
  if (action.startsWith("thread.")) return canThread(actor, action as ThreadAction, facts as ThreadFacts);
  if (action.startsWith("section.") && !(workspaceActions as string[]).includes(action)) {
    return canSection(actor, action as SectionAction, facts as SectionFacts);
  }
  return canWorkspace(actor, action as WorkspaceAction, facts);
}

const reasons: Partial<Record<Action, string>> = {
  "workspace.view": "You are not a member of this workspace.",
  "workspace.consultation": "Only the workspace's owners, its agenda's owners, the minister's office and admins see the consultation record.",
  "workspace.dispose": "Only the workspace's owners give an input a disposition.",
  "section.view": "You are not a member of this workspace.",
  "section.edit": "Your role in this workspace does not allow editing, or the section is locked.",
  "section.import": "Only editors and owners import a file into a section, and not while it is final.",
  "section.comment": "Your role in this workspace does not allow commenting.",
  "section.suggest": "Your role in this workspace does not allow suggesting changes, or the section is locked.",
  "section.requestReview": "Only the workspace's owners request a review, of a section in draft or in review.",
  "section.decideReview": "Only approvers of the required organisations decide on an open review.",
  "section.signOff": "Only the minister's office signs off, and only an approved section.",
  "section.reopen": "Only the minister's office reopens a final section.",
  "thread.view": "This thread is not visible to you.",
  "thread.reply": "You may not reply in this thread.",
  "thread.resolve": "Only the thread's author, or an editor or owner of the workspace, resolves or reopens a thread.",
  "thread.assign": "Only the thread's author, or an editor or owner of the workspace, assigns a thread.",
  "thread.confirmResolution": "Only the thread's author confirms its resolution.",
  "thread.moderate": "Only the workspace's owners moderate threads.",
  "workspace.members": "Only the workspace's owners and admins manage its members.",
  "comment.edit": "Only the author of a comment changes it.",
  "comment.delete": "Only the author of a comment, or an owner of the workspace, deletes it.",
  "workspace.update": "Only the workspace's owners, its agenda's owners and admins change it; an archived workspace is restored first.",
  "agenda.create": "Only admins create agendas.",
  "agenda.setOwners": "Only admins name an agenda's owners.",
  "agenda.view": "You have no workspace in this agenda.",
  "agenda.update": "Only the agenda's owners and admins change its settings.",
  "agenda.manageWorkspaces": "Only the agenda's owners and admins create, order, archive and restore its workspaces.",
  "agenda.viewArchived": "Only the agenda's owners and admins see its archived workspaces.",
  "agenda.archive": "Only the agenda's owners and admins archive and restore it.",
  "section.create": "Only the workspace's owners add sections.",
  "section.reorder": "Only the workspace's owners change the order of its sections.",
  "template.create": "Only the workspace's owners save its sections as a template.",
  "section.rename": "Only the workspace's owners rename a section, and not while it is final.",
  "section.move": "Only the workspace's owners move a section.",
  "section.archive": "Only the workspace's owners archive a section.",
  "section.restore": "Only the workspace's owners restore an archived section.",
};

/** Refusals of a section that is archived, or final (the office reopens it first), whatever the role. */
function stateRefusal(action: Action, facts: unknown): { code: string; message: string } | null {
  if (!facts || typeof facts !== "object" || !("status" in facts)) return null;
  const s = facts as SectionFacts;
  if (s.sectionArchived && action !== "section.view" && action !== "section.restore") {
    return { code: "archived", message: "This section is archived: an owner restores it first." };
  }
  if (!s.sectionArchived && action === "section.restore") return { code: "not_archived", message: "This section is not archived." };
  if (isLocked(s.status) && (action === "section.edit" || action === "section.rename" || action === "section.import")) {
    return { code: "locked", message: "This section is final and locked." };
  }
  if (!canRearrange(s.status) && (action === "section.move" || action === "section.archive")) {
    return { code: "locked", message: "This section is final or published: the minister's office reopens it before it is moved or archived." };
  }
  return null;
}

/** Throws Forbidden unless the actor may; the message says why. */
export function authorize(actor: Actor, action: WorkspaceAction, facts: WorkspaceFacts): void;
export function authorize(actor: Actor, action: SectionAction, facts: SectionFacts): void;
export function authorize(actor: Actor, action: ThreadAction, facts: ThreadFacts): void;
export function authorize(actor: Actor, action: CommentAction, facts: CommentFacts): void;
export function authorize(actor: Actor, action: AgendaAction, facts: AgendaFacts): void;
export function authorize(actor: Actor, action: AdminAction): void;
export function authorize(actor: Actor, action: Action, facts?: WorkspaceFacts | SectionFacts | ThreadFacts | CommentFacts | AgendaFacts): void {
  if (!(can as (a: Actor, x: Action, f?: unknown) => boolean)(actor, action, facts)) {
    // Whoever may see the section learns its state; others only that they may not.
    const state = facts && "status" in facts && canSection(actor, "section.view", facts) ? stateRefusal(action, facts) : null;
    if (state && (state.code !== "locked" || action === "section.edit" || action === "section.import" || atLeast((facts as SectionFacts).role, "owner"))) {
      throw new Forbidden(action, state.code, state.message);
    }
    throw new Forbidden(action, "forbidden", reasons[action] ?? "You may not do this.");
  }
}

// ── separation of duties ────────────────────────────────────────────────────────────────────────
// Rights that come with an organisation (the minister's office signs off and publishes; admins are
// people an admin made admin) are granted by an admin, never through a workspace invitation; nobody
// approves their own review request; the organisation that asks for a review is never its only
// approver. These answers say why not, so that every door can pass the reason on.

/** A policy answer with its reason: `code` is stable (the UI translates it), `reason` is English. */
export type Verdict = { allowed: true } | { allowed: false; code: string; reason: string };

const allowed: Verdict = { allowed: true };
const refused = (code: string, reason: string): Verdict => ({ allowed: false, code, reason });

/**
 * Whether `actor` may confirm the resolution of a thread (`thread.confirmResolution`). Refused with
 * `not_author` (answered as a conflict, 409: the thread is there, it is not theirs to confirm).
 */
export function resolutionConfirmation(actor: Actor, facts: ThreadFacts): Verdict {
  return canThread(actor, "thread.confirmResolution", facts) ? allowed : refused("not_author", reasons["thread.confirmResolution"]!);
}

/**
 * Whether `actor` may start a thread with `visibility` on a section (`section.comment`): a thread for
 * one organisation only is started by a member of an organisation, for their own.
 */
export function threadStart(actor: Actor, visibility: Visibility, facts: SectionFacts): Verdict {
  if (!canSection(actor, "section.comment", facts)) return refused("forbidden", reasons["section.comment"]!);
  if (visibility === "organisation" && actor.organisationId === null) {
    return refused("no_organisation", "Only a member of an organisation can start a thread for that organisation.");
  }
  return allowed;
}

/** What the caller knows about whom a thread would be assigned to (loaded fresh, for that assignee). */
export type AssigneeFacts =
  | {
      kind: "person";
      id: string;
      /** The person may see the thread now (`thread.view`, asked with their own facts) and is not disabled. */
      seesThread: boolean;
    }
  | {
      kind: "organisation";
      id: string;
      /** Someone of the organisation is a member of the workspace, or it approves the workspace. */
      takesPart: boolean;
    };

/**
 * Whether `actor` may assign a thread to `assignee` (null: take the assignment away): `thread.assign`,
 * an open thread (a resolved one is only unassigned), and an assignee who may read it. A thread for one
 * organisation only is assigned only within that organisation, so that no one outside it learns of it.
 */
export function threadAssignment(actor: Actor, facts: ThreadFacts & { resolved: boolean }, assignee: AssigneeFacts | null): Verdict {
  if (!canThread(actor, "thread.assign", facts)) return refused("forbidden", reasons["thread.assign"]!);
  if (assignee === null) return allowed;
  if (facts.resolved) return refused("thread_resolved", "This thread is resolved: reopen it before asking someone to act on it.");
  if (assignee.kind === "person") {
    return assignee.seesThread ? allowed : refused("assignee_cannot_see", "This person may not read this thread, so it cannot be assigned to them.");
  }
  if (facts.visibility === "organisation" && assignee.id !== facts.threadOrganisationId) {
    return refused("assignee_cannot_see", "This thread is for one organisation only: it can be assigned only within that organisation.");
  }
  return assignee.takesPart ? allowed : refused("organisation_not_involved", "This organisation takes no part in this workspace.");
}

/**
 * The role the actor has on a workspace as the dashboard names it: their membership role, or
 * "signOff" for the minister's office (which is no member but gives the final sign-off everywhere it
 * may see), or null.
 */
export function workspaceRoleLabel(actor: Actor, facts: WorkspaceFacts): Role | "signOff" | null {
  if (facts.role) return facts.role;
  return isOffice(actor) && canWorkspace(actor, "workspace.view", facts) ? "signOff" : null;
}

/** What the caller knows when a section moves to another workspace. */
export interface SectionMoveFacts {
  /** The actor's facts on the section, in the workspace it is in now. */
  section: SectionFacts;
  /** The actor's relation to the workspace it would move to. */
  target: WorkspaceFacts;
  /** Whether both workspaces belong to the same agenda. */
  sameAgenda: boolean;
  /** Whether the target is the workspace the section is in already. */
  sameWorkspace: boolean;
  /** Whether the target workspace is archived. */
  targetArchived: boolean;
}

/**
 * Whether `actor` may move a section to another workspace: `section.move` where it is (an owner, the
 * section not final), owner of the target too, and the target another live workspace of the same agenda.
 */
export function sectionMove(actor: Actor, facts: SectionMoveFacts): Verdict {
  if (!canSection(actor, "section.move", facts.section)) {
    try {
      authorize(actor, "section.move", facts.section);
    } catch (error) {
      if (error instanceof Forbidden) return refused(error.code, error.message);
      throw error;
    }
  }
  if (!atLeast(facts.target.role, "owner")) return refused("forbidden", "You move a section only to a workspace you own as well.");
  if (facts.sameWorkspace) return refused("same_workspace", "The section is already in this workspace.");
  if (!facts.sameAgenda) return refused("other_agenda", "A section moves only between workspaces of the same agenda.");
  if (facts.targetArchived) return refused("archived", "That workspace is archived.");
  return allowed;
}

/** What the caller knows about an organisation someone would be placed in. */
export interface OrganisationFacts {
  id: string;
  kind: OrganisationKind;
}

/**
 * Whether `actor`, inviting someone to a workspace (`ws`: the actor's relation to it), may have a new
 * person's account created in `organisation` (null: an invitation without one). Asked when the
 * invitation is made and again when a new person accepts it (an invitation made before a rule changed
 * may still be pending). An existing account that accepts keeps its own organisation; nobody is
 * placed then.
 * - Only the workspace's owners and admins invite.
 * - Nobody is placed in the minister's office through an invitation, not even by an admin: its people
 *   are created or moved there on the admin pages.
 * - Nobody is created without an organisation (as the operators are) through an invitation.
 * - A person who is not an admin places new people in their own organisation only.
 */
export function invitationPlacement(actor: Actor, ws: WorkspaceFacts, organisation: OrganisationFacts | null): Verdict {
  if (!canWorkspace(actor, "workspace.invite", ws)) return refused("forbidden", "Only the workspace's owners and admins invite people.");
  if (!organisation) return refused("organisation_required", "An invitation creates a new person in an organisation: choose one.");
  if (organisation.kind === "minister-office") {
    return refused("office_by_admin_only", "People of the minister's office get their account from an administrator, never through an invitation.");
  }
  if (!actor.isAdmin && organisation.id !== actor.organisationId) {
    return refused("own_organisation_only", "You can invite new people into your own organisation only; an administrator adds people to other organisations.");
  }
  return allowed;
}

/** The organisations `actor` may place a new person in through an invitation to a workspace (for the form). */
export function invitationOrganisations<T extends OrganisationFacts>(actor: Actor, ws: WorkspaceFacts, organisations: readonly T[]): T[] {
  return organisations.filter((o) => invitationPlacement(actor, ws, o).allowed);
}

/**
 * Whether an admin may give an organisation the kind `to` (`from`: its kind now, null for a new one;
 * `people`: how many belong to it). An organisation becomes the minister's office only while nobody
 * belongs to it, so that everyone with office rights was put there by an admin (created or moved),
 * never by an invitation into what was an ordinary organisation.
 */
export function organisationKindChange(actor: Actor, facts: { from: OrganisationKind | null; to: OrganisationKind; people: number }): Verdict {
  if (!actor.isAdmin) return refused("forbidden", "Only admins manage organisations.");
  if (facts.to === "minister-office" && facts.from !== "minister-office" && facts.people > 0) {
    return refused(
      "office_kind_needs_empty",
      "An organisation becomes the minister's office only while nobody belongs to it: move its people elsewhere first, then move the office's people in.",
    );
  }
  return allowed;
}

/** What the caller knows when an owner asks for a review: the organisations that would be asked to approve. */
export interface ReviewRequestFacts extends SectionFacts {
  approverOrganisationIds: readonly string[];
}

/** Whether `actor` may open a review round: `section.requestReview`, and someone other than their own organisation approves. */
export function reviewRequest(actor: Actor, facts: ReviewRequestFacts): Verdict {
  if (!canSection(actor, "section.requestReview", facts)) return refused("forbidden", reasons["section.requestReview"]!);
  if (facts.approverOrganisationIds.length === 0) {
    return refused("no_approvers", "This workspace has no approver organisations; an owner chooses them first.");
  }
  if (actor.organisationId !== null && facts.approverOrganisationIds.every((id) => id === actor.organisationId)) {
    return refused(
      "own_organisation_only_approver",
      "Your own organisation cannot be the only one to approve your review request: an owner adds another approving organisation first.",
    );
  }
  return allowed;
}

/** What the caller knows about the open review round an actor decides in. */
export interface ReviewDecisionFacts extends SectionFacts {
  /** Who asked for the review. */
  requestedBy: string | null;
  /** The organisations asked to decide in this round. */
  requiredOrganisationIds: readonly string[];
}

/** Whether `actor` may record `decision` in the open round: `section.decideReview`, for an organisation asked, never approving their own request. */
export function reviewDecision(actor: Actor, decision: "approve" | "request_changes", facts: ReviewDecisionFacts): Verdict {
  if (!canSection(actor, "section.decideReview", facts)) return refused("forbidden", reasons["section.decideReview"]!);
  if (actor.organisationId === null || !facts.requiredOrganisationIds.includes(actor.organisationId)) {
    return refused("forbidden", "Your organisation is not asked to decide in this review round.");
  }
  if (decision === "approve" && facts.requestedBy !== null && facts.requestedBy === actor.id) {
    return refused("own_request", "You asked for this review, so you cannot approve it: another approver of your organisation decides for it.");
  }
  return allowed;
}

/** One open suggestion in a section's text (ADR 027), as a refusal lists it. */
export interface OpenSuggestionFacts {
  kind: "insertion" | "deletion" | "replacement" | "format";
  name: string | null;
  organisation: string | null;
  text: string;
}

/** What the caller knows when the office signs a section off. */
export interface SignOffFacts extends SectionFacts {
  /** The suggestions still open in the text to be signed. */
  openSuggestions: readonly OpenSuggestionFacts[];
}

/**
 * Whether `actor` may sign the section off: `section.signOff`, and no suggestion is still open in its
 * text (the text signed is the text as accepted; an editor accepts or rejects each suggestion first).
 */
export function signOffVerdict(actor: Actor, facts: SignOffFacts): Verdict {
  if (!canSection(actor, "section.signOff", facts)) return refused("forbidden", reasons["section.signOff"]!);
  const open = facts.openSuggestions;
  if (open.length > 0) {
    const list = open
      .slice(0, 10)
      .map((s) => `${s.kind} by ${s.name ?? "?"}${s.organisation ? ` (${s.organisation})` : ""}: "${s.text.slice(0, 60)}"`)
      .join("; ");
    return refused(
      "open_suggestions",
      `The text still has ${open.length} open suggestion${open.length === 1 ? "" : "s"}; the editors accept or reject ${open.length === 1 ? "it" : "them"} before it is signed off: ${list}${open.length > 10 ? "; …" : ""}.`,
    );
  }
  return allowed;
}

/** What the caller knows when someone chooses a workspace's approving organisations. */
export interface ApproversChangeFacts extends WorkspaceFacts {
  /** The organisations chosen. */
  organisationIds: readonly string[];
  /** How many sections of the workspace have a review round open (in review, or approved and not yet signed off). */
  openReviews: number;
}

/**
 * Whether `actor` may set the workspace's approving organisations: `workspace.update`, no review
 * open (its approvers were fixed when it was asked for), and never their own organisation alone.
 */
export function approversChange(actor: Actor, facts: ApproversChangeFacts): Verdict {
  if (!canWorkspace(actor, "workspace.update", facts)) return refused("forbidden", "Only the workspace's owners and admins choose its approving organisations.");
  if (facts.openReviews > 0) {
    return refused(
      "review_open",
      "A review is open in this workspace: its approving organisations stay as they are until the minister's office has signed off every section under review.",
    );
  }
  if (actor.organisationId !== null && facts.organisationIds.length > 0 && facts.organisationIds.every((id) => id === actor.organisationId)) {
    return refused("own_organisation_only_approver", "Your own organisation cannot be the only approving organisation: choose another one as well.");
  }
  return allowed;
}

/** What the caller knows when someone archives a workspace. */
export interface WorkspaceArchiveFacts {
  agenda: AgendaFacts;
  /** The workspace is archived already. */
  archived: boolean;
  /** Titles of its sections that are final or published (server/lifecycle.ts isLocked). */
  lockedSections: readonly string[];
}

/**
 * Whether `actor` may archive a workspace: `agenda.manageWorkspaces`; not one archived already; and
 * none of its sections final or published (the minister's office reopens them first).
 */
export function workspaceArchive(actor: Actor, facts: WorkspaceArchiveFacts): Verdict {
  if (!canAgenda(actor, "agenda.manageWorkspaces", facts.agenda)) return refused("forbidden", reasons["agenda.manageWorkspaces"]!);
  if (facts.archived) return refused("already_archived", "This workspace is archived already.");
  if (facts.lockedSections.length) {
    return refused(
      "sections_locked",
      `Sections that are final or published are not archived: the minister's office reopens them first (${facts.lockedSections.join(", ")}).`,
    );
  }
  return allowed;
}

/** Whether `actor` may restore an archived workspace: `agenda.manageWorkspaces`, of a workspace that is archived. */
/** What publishing needs to know of an agenda under consultation (server/views/consultation.ts). */
export interface ConsultationPublishFacts {
  consultation: boolean;
  requireDispositions: boolean;
  /** The external inputs without a disposition: where they are and whose they are. */
  undisposed: { sectionTitle: string; organisationName: string | null }[];
}

/**
 * The office publishes an agenda under consultation whose setting requires dispositions only when every
 * input from outside a workspace's lead organisation has one (adopted, partly adopted, not adopted).
 */
export function consultationPublish(facts: ConsultationPublishFacts): Verdict {
  if (!facts.consultation || !facts.requireDispositions || facts.undisposed.length === 0) return allowed;
  const where = [...new Set(facts.undisposed.map((u) => `${u.sectionTitle} (${u.organisationName ?? "—"})`))].slice(0, 10).join(", ");
  return refused(
    "dispositions_missing",
    `${facts.undisposed.length} input(s) from outside the lead organisation still need a disposition before publishing: ${where}.`,
  );
}

export function workspaceRestore(actor: Actor, facts: { agenda: AgendaFacts; archived: boolean }): Verdict {
  if (!canAgenda(actor, "agenda.manageWorkspaces", facts.agenda)) return refused("forbidden", reasons["agenda.manageWorkspaces"]!);
  if (!facts.archived) return refused("not_archived", "This workspace is not archived.");
  return allowed;
}

/** What the caller knows when someone archives or restores a whole agenda. */
export interface AgendaArchiveFacts {
  agenda: AgendaFacts;
  /** Titles of its sections (in workspaces not archived on their own) that are final or published. */
  lockedSections: readonly string[];
}

/**
 * Whether `actor` may archive a whole agenda: `agenda.archive`; not one archived already; none of its
 * sections final or published (as for a workspace: the minister's office reopens them first).
 */
export function agendaArchive(actor: Actor, facts: AgendaArchiveFacts): Verdict {
  if (!canAgenda(actor, "agenda.archive", facts.agenda)) return refused("forbidden", reasons["agenda.archive"]!);
  if (facts.agenda.archived) return refused("already_archived", "This agenda is archived already.");
  if (facts.lockedSections.length) {
    return refused(
      "sections_locked",
      `Sections that are final or published are not archived: the minister's office reopens them first (${facts.lockedSections.join(", ")}).`,
    );
  }
  return allowed;
}

/** Whether `actor` may restore an archived agenda: `agenda.archive`, of an agenda that is archived. */
export function agendaRestore(actor: Actor, facts: { agenda: AgendaFacts }): Verdict {
  if (!canAgenda(actor, "agenda.archive", facts.agenda)) return refused("forbidden", reasons["agenda.archive"]!);
  if (!facts.agenda.archived) return refused("not_archived", "This agenda is not archived.");
  return allowed;
}

const agendaActions: AgendaAction[] = [
  "agenda.create",
  "agenda.view",
  "agenda.update",
  "agenda.setOwners",
  "agenda.manageWorkspaces",
  "agenda.viewArchived",
  "agenda.archive",
];

/** The answers the browser may see for one agenda. */
export function agendaAbilities(actor: Actor, facts: AgendaFacts): Record<AgendaAction, boolean> {
  return Object.fromEntries(agendaActions.map((a) => [a, canAgenda(actor, a, facts)])) as Record<AgendaAction, boolean>;
}

const sectionActions: SectionAction[] = [
  "section.view",
  "section.edit",
  "section.comment",
  "section.suggest",
  "section.manage",
  "section.createVersion",
  "section.restoreVersion",
  "section.import",
  "section.requestReview",
  "section.decideReview",
  "section.signOff",
  "section.reopen",
  "section.export",
  "section.rename",
  "section.move",
  "section.archive",
  "section.restore",
];
const workspaceActions: WorkspaceAction[] = [
  "workspace.view",
  "workspace.update",
  "workspace.manageMembers",
  "workspace.invite",
  "workspace.members",
  "workspace.delete",
  "workspace.publish",
  "workspace.consultation",
  "workspace.dispose",
  "section.create",
  "section.reorder",
  "template.create",
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


// ── second factor ───────────────────────────────────────────────────────────────────────────────
// Who must have a second factor (TOTP), and which actions ask for it again (step-up). See
// docs/decisions/022-identity-plugins.md.

/** The roles an admin can require a second factor for: administrators and the workspace roles. */
export type SecondFactorRole = "admin" | Role;
export const SECOND_FACTOR_ROLES: readonly SecondFactorRole[] = ["admin", "owner", "editor", "commenter", "viewer"];

/** What decides whether a person must have a second factor. */
export interface SecondFactorFacts {
  /** The defaults apply (NODE_ENV=production): admins and the minister's office must. */
  production: boolean;
  isAdmin: boolean;
  organisationKind: OrganisationKind | null;
  /** The organisation's rule: true (required), false (not even by default), null (the default). */
  organisationRule: boolean | null;
  /** The person's roles in any workspace. */
  roles: readonly Role[];
  /** The admins' rules per role (a role without a rule: the default). */
  roleRules: Partial<Record<SecondFactorRole, boolean>>;
  /** An admin reset the person's second factor (a lost authenticator): they set it up again. Absent: no. */
  resetByAdmin?: boolean;
}

/**
 * Whether a person must have a second factor: their organisation's rule, or a rule for any role they
 * hold. Without rules, in production, administrators and the people of the minister's office must.
 */
export function secondFactorRequirement(f: SecondFactorFacts): { required: boolean; because: string | null } {
  if (f.resetByAdmin) return { required: true, because: "reset" };
  const organisation = f.organisationRule ?? (f.production && f.organisationKind === "minister-office");
  if (organisation) return { required: true, because: "organisation" };
  const roles: SecondFactorRole[] = [...(f.isAdmin ? (["admin"] as const) : []), ...f.roles];
  for (const role of roles) {
    const rule = f.roleRules[role] ?? (f.production && role === "admin");
    if (rule) return { required: true, because: `role:${role}` };
  }
  return { required: false, because: null };
}

/**
 * Where a session or token stops before any door (HTTP pages, the JSON API, socket.io, the collab
 * WebSocket): `setup`, a rule requires a second factor the person has not set up; `verify`, the person
 * has one and this session never gave it (a sign-in through single sign-on). A personal API token is
 * not a sign-in and gives no second factor: only `setup` holds it.
 */
export type SecondFactorGate = "setup" | "verify" | null;

export function secondFactorGate(state: SecondFactorState, door: "session" | "token"): SecondFactorGate {
  if (!state.enabled) return state.required ? "setup" : null;
  if (door === "token") return null;
  return state.checkedAt ? null : "verify";
}

/** Whether `actor` may reset someone's second factor (a lost authenticator): admins, of anyone but themselves. */
export function secondFactorReset(actor: Actor, personId: string): Verdict {
  if (!actor.isAdmin) return refused("forbidden", "Only administrators reset someone's second factor.");
  if (actor.id === personId) return refused("own_second_factor", "Another administrator resets your own second factor.");
  return allowed;
}

/** How long a second factor given counts for a step-up (sign-off, reopening, publishing). */
export const STEP_UP_MAX_AGE_MS = 15 * 60_000;

/** The actions that ask for the second factor again when the last check is older than STEP_UP_MAX_AGE_MS. */
export type StepUpAction = "section.signOff" | "section.reopen" | "workspace.publish";

/**
 * Whether the session may take a step-up action now: a person with a second factor gave it in the
 * last 15 minutes; a person required to have one and without it sets it up first. A person neither
 * required nor with one has nothing to give (development, or an organisation an admin exempted).
 */
export function stepUp(state: SecondFactorState, now: Date): Verdict {
  if (!state.enabled) {
    return state.required
      ? refused("two_factor_setup_required", "Set up two-factor authentication first: this action needs it.")
      : allowed;
  }
  if (state.checkedAt && now.getTime() - state.checkedAt.getTime() <= STEP_UP_MAX_AGE_MS && state.checkedAt.getTime() <= now.getTime() + 60_000) {
    return allowed;
  }
  return refused("step_up_required", "Confirm it is you: enter a code from your authenticator app (asked again after 15 minutes).");
}

// ── sessions ────────────────────────────────────────────────────────────────────────────────────

/**
 * Whether `actor` may end the sessions of the person `ownerId`: their own, always (any of them, or
 * all but the one they use); someone else's, only an admin (all of them at once, as when disabling).
 */
export function sessionEnd(actor: Actor, ownerId: string): Verdict {
  if (actor.id === ownerId || actor.isAdmin) return allowed;
  return refused("forbidden", "Only administrators end someone else's sessions.");
}
export { agendaActions, sectionActions, workspaceActions };
