/**
 * Every role against every action of the policy module. The expected answers are written out here
 * by hand from the README's roles and ADR 009, not computed from server/policy.ts: a change of rule must change this table.
 *
 * Legend: "Y" allowed, "." refused.
 */
import { describe, expect, it } from "vitest";
import {
  apiTokenManage,
  agendaAbilities,
  agendaArchive,
  agendaRestore,
  agendaActions,
  canAgenda,
  workspaceArchive,
  consultationPublish,
  workspaceRestore,
  type AgendaAction,
  type AgendaFacts,
  approversChange,
  searchHit,
  type SearchHitFacts,
  authorize,
  can,
  canSection,
  canComment,
  canThread,
  canWorkspace,
  Forbidden,
  invitationOrganisations,
  invitationPlacement,
  organisationKindChange,
  reviewDecision,
  signOffVerdict,
  resolutionConfirmation,
  reviewRequest,
  secondFactorGate,
  secondFactorRequirement,
  secondFactorReset,
  sessionEnd,
  stepUp,
  STEP_UP_MAX_AGE_MS,
  sectionMove,
  threadStart,
  threadAssignment,
  workspaceRoleLabel,
  sectionAbilities,
  sectionActions,
  workspaceAbilities,
  workspaceActions,
  type Action,
  type Actor,
  type AdminAction,
  type CommentAction,
  type CommentFacts,
  type SectionAction,
  type SectionFacts,
  type ThreadAction,
  type OrganisationFacts,
  type OrganisationKind,
  type Role,
  type SecondFactorFacts,
  type SecondFactorState,
  type ThreadFacts,
  type Verdict,
  type WorkspaceAction,
  type WorkspaceFacts,
} from "../server/policy";
import { SECTION_STATUSES } from "../app/shared/domain";

// ── who ──────────────────────────────────────────────────────────────────────────────────────────
// Everyone belongs to a different organisation; only the approver's organisation is one of the
// workspace's required approver organisations.
const PEOPLE = ["owner", "editor", "commenter", "viewer", "approver", "office", "admin", "nonMember"] as const;
type Person = (typeof PEOPLE)[number];

const who: Record<Person, { actor: Actor; facts: WorkspaceFacts }> = {
  owner: {
    actor: { id: "u-owner", organisationId: "o-ez", organisationKind: "ministry", isAdmin: false },
    facts: { role: "owner", approverOrganisation: false, agendaOwner: false, archived: false },
  },
  editor: {
    actor: { id: "u-editor", organisationId: "o-kgg", organisationKind: "ministry", isAdmin: false },
    facts: { role: "editor", approverOrganisation: false, agendaOwner: false, archived: false },
  },
  commenter: {
    actor: { id: "u-commenter", organisationId: "o-fme", organisationKind: "industry", isAdmin: false },
    facts: { role: "commenter", approverOrganisation: false, agendaOwner: false, archived: false },
  },
  viewer: {
    actor: { id: "u-viewer", organisationId: "o-tno", organisationKind: "institute", isAdmin: false },
    facts: { role: "viewer", approverOrganisation: false, agendaOwner: false, archived: false },
  },
  // A member (here: commenter, as approver@ocw.example is on the skilled-labour workspace) whose
  // organisation must approve this workspace.
  approver: {
    actor: { id: "u-approver", organisationId: "o-ocw", organisationKind: "ministry", isAdmin: false },
    facts: { role: "commenter", approverOrganisation: true, agendaOwner: false, archived: false },
  },
  // The minister's office: not a member, signs off everywhere.
  office: {
    actor: { id: "u-office", organisationId: "o-min", organisationKind: "minister-office", isAdmin: false },
    facts: { role: null, approverOrganisation: false, agendaOwner: false, archived: false },
  },
  // The operator: no organisation, no membership.
  admin: {
    actor: { id: "u-admin", organisationId: null, organisationKind: null, isAdmin: true },
    facts: { role: null, approverOrganisation: false, agendaOwner: false, archived: false },
  },
  // A partner-country official who was not invited to this workspace.
  nonMember: {
    actor: { id: "u-partner", organisationId: "o-be", organisationKind: "partner-country", isAdmin: false },
    facts: { role: null, approverOrganisation: false, agendaOwner: false, archived: false },
  },
};

type Row = [string, string, string, string, string, string, string, string];
const yes = (cell: string) => {
  if (cell !== "Y" && cell !== ".") throw new Error(`bad cell ${JSON.stringify(cell)}`);
  return cell === "Y";
};

// ── workspace actions ────────────────────────────────────────────────────────────────────────────
//                                  owner editor commenter viewer approver office admin nonMember
const workspaceTable: Record<WorkspaceAction, Row> = {
  "workspace.view":          ["Y", "Y", "Y", "Y", "Y", "Y", "Y", "."],
  "workspace.update":        ["Y", ".", ".", ".", ".", ".", "Y", "."],
  "workspace.manageMembers": ["Y", ".", ".", ".", ".", ".", "Y", "."],
  "workspace.invite":        ["Y", ".", ".", ".", ".", ".", "Y", "."],
  "workspace.members":       ["Y", ".", ".", ".", ".", ".", "Y", "."],
  "workspace.delete":        ["Y", ".", ".", ".", ".", ".", "Y", "."],
  "workspace.publish":       [".", ".", ".", ".", ".", "Y", ".", "."],
  "workspace.consultation":  ["Y", ".", ".", ".", ".", "Y", "Y", "."],
  "workspace.dispose":       ["Y", ".", ".", ".", ".", ".", ".", "."],
  "section.create":          ["Y", ".", ".", ".", ".", ".", ".", "."],
  "section.reorder":         ["Y", ".", ".", ".", ".", ".", ".", "."],
  "template.create":         ["Y", ".", ".", ".", ".", ".", ".", "."],
};

// ── section actions, by status ───────────────────────────────────────────────────────────────────
// Each cell lists the answer for the five statuses in order: draft, in_review, approved, final, published.
//                                  owner    editor   commenter viewer  approver  office   admin    nonMember
const sectionTable: Record<SectionAction, Row> = {
  "section.view":           ["YYYYY", "YYYYY", "YYYYY", "YYYYY", "YYYYY", "YYYYY", "YYYYY", "....."],
  "section.export":         ["YYYYY", "YYYYY", "YYYYY", "YYYYY", "YYYYY", "YYYYY", "YYYYY", "....."],
  "section.edit":           ["YYY..", "YYY..", ".....", ".....", ".....", ".....", ".....", "....."],
  "section.restoreVersion": ["YYY..", "YYY..", ".....", ".....", ".....", ".....", ".....", "....."],
  "section.import":         ["YYY..", "YYY..", ".....", ".....", ".....", ".....", ".....", "....."],
  "section.createVersion":  ["YYYYY", "YYYYY", ".....", ".....", ".....", ".....", ".....", "....."],
  "section.comment":        ["YYYYY", "YYYYY", "YYYYY", ".....", "YYYYY", "YYYYY", ".....", "....."],
  "section.suggest":        ["YYY..", "YYY..", "YYY..", ".....", "YYY..", ".....", ".....", "....."],
  "section.manage":         ["YYY..", ".....", ".....", ".....", ".....", ".....", ".....", "....."],
  "section.requestReview":  ["YY...", ".....", ".....", ".....", ".....", ".....", ".....", "....."],
  "section.decideReview":   [".....", ".....", ".....", ".....", ".YY..", ".....", ".....", "....."],
  "section.signOff":        [".....", ".....", ".....", ".....", ".....", "..Y..", ".....", "....."],
  "section.reopen":         [".....", ".....", ".....", ".....", ".....", "...Y.", ".....", "....."],
  "section.rename":         ["YYY..", ".....", ".....", ".....", ".....", ".....", ".....", "....."],
  "section.move":           ["YYY..", ".....", ".....", ".....", ".....", ".....", ".....", "....."],
  "section.archive":        ["YYY..", ".....", ".....", ".....", ".....", ".....", ".....", "....."],
  "section.restore":        [".....", ".....", ".....", ".....", ".....", ".....", ".....", "....."],
};

// ── section actions on an archived section (a draft; archiving refuses final and published) ─────
//                                  owner editor commenter viewer approver office admin nonMember
const archivedTable: Record<SectionAction, Row> = {
  "section.view":           ["Y", "Y", "Y", "Y", "Y", "Y", "Y", "."],
  "section.export":         [".", ".", ".", ".", ".", ".", ".", "."],
  "section.edit":           [".", ".", ".", ".", ".", ".", ".", "."],
  "section.restoreVersion": [".", ".", ".", ".", ".", ".", ".", "."],
  "section.import":         [".", ".", ".", ".", ".", ".", ".", "."],
  "section.suggest":        [".", ".", ".", ".", ".", ".", ".", "."],
  "section.createVersion":  [".", ".", ".", ".", ".", ".", ".", "."],
  "section.comment":        [".", ".", ".", ".", ".", ".", ".", "."],
  "section.manage":         [".", ".", ".", ".", ".", ".", ".", "."],
  "section.requestReview":  [".", ".", ".", ".", ".", ".", ".", "."],
  "section.decideReview":   [".", ".", ".", ".", ".", ".", ".", "."],
  "section.signOff":        [".", ".", ".", ".", ".", ".", ".", "."],
  "section.reopen":         [".", ".", ".", ".", ".", ".", ".", "."],
  "section.rename":         [".", ".", ".", ".", ".", ".", ".", "."],
  "section.move":           [".", ".", ".", ".", ".", ".", ".", "."],
  "section.archive":        [".", ".", ".", ".", ".", ".", ".", "."],
  "section.restore":        ["Y", ".", ".", ".", ".", ".", ".", "."],
};

// ── thread actions, on a draft section, for three kinds of thread ────────────────────────────────
// Each cell: [visible to all, started by someone else] [visible to the organisation of the
// thread only, another organisation's] [visible to the organisation only, the actor's own
// organisation, started by a colleague] [visible to all, started by the actor].
//                                  owner   editor  commenter viewer approver office  admin   nonMember
const threadTable: Record<ThreadAction, Row> = {
  "thread.view":            ["Y.YY", "Y.YY", "Y.YY", "Y.YY", "Y.YY", "Y.YY", "Y..Y", "...."],
  "thread.reply":           ["Y.YY", "Y.YY", "Y.YY", "....", "Y.YY", "Y.YY", "....", "...."],
  "thread.resolve":         ["Y.YY", "Y.YY", "...Y", "....", "...Y", "...Y", "....", "...."],
  "thread.assign":          ["Y.YY", "Y.YY", "...Y", "....", "...Y", "...Y", "....", "...."],
  "thread.confirmResolution": ["...Y", "...Y", "...Y", "...Y", "...Y", "...Y", "...Y", "...."],
  "thread.moderate":        ["Y.YY", "....", "....", "....", "....", "....", "....", "...."],
};
const threadKinds = ["all, someone else's", "another organisation's", "own organisation's", "own thread"] as const;
function threadFacts(person: Person, kind: (typeof threadKinds)[number]): ThreadFacts {
  const { actor, facts } = who[person];
  const base = { ...facts, status: "draft" as const };
  switch (kind) {
    case "all, someone else's":
      return { ...base, visibility: "all", threadOrganisationId: "o-elsewhere", threadAuthorId: "u-someone" };
    case "another organisation's":
      return { ...base, visibility: "organisation", threadOrganisationId: "o-elsewhere", threadAuthorId: "u-someone" };
    case "own organisation's":
      return { ...base, visibility: "organisation", threadOrganisationId: actor.organisationId, threadAuthorId: "u-colleague" };
    case "own thread":
      return { ...base, visibility: "all", threadOrganisationId: actor.organisationId, threadAuthorId: actor.id };
  }
}

// ── comment actions, on a draft section ─────────────────────────────────────────────────────────
// Each cell: [my comment, thread visible to all] [someone else's comment, thread visible to all]
// [my comment, my organisation's thread] [a colleague's comment, my organisation's thread].
//                                  owner   editor  commenter viewer approver office  admin   nonMember
const commentTable: Record<CommentAction, Row> = {
  "comment.edit":           ["Y.Y.", "Y.Y.", "Y.Y.", "....", "Y.Y.", "Y.Y.", "....", "...."],
  "comment.delete":         ["YYYY", "Y.Y.", "Y.Y.", "....", "Y.Y.", "Y.Y.", "....", "...."],
};
const commentKinds = ["mine, for all", "someone else's, for all", "mine, my organisation's", "a colleague's, my organisation's"] as const;
function commentFacts(person: Person, kind: (typeof commentKinds)[number]): CommentFacts {
  const { actor } = who[person];
  switch (kind) {
    case "mine, for all":
      return { ...threadFacts(person, "all, someone else's"), commentAuthorId: actor.id };
    case "someone else's, for all":
      return { ...threadFacts(person, "all, someone else's"), commentAuthorId: "u-someone" };
    case "mine, my organisation's":
      return { ...threadFacts(person, "own organisation's"), commentAuthorId: actor.id };
    case "a colleague's, my organisation's":
      return { ...threadFacts(person, "own organisation's"), commentAuthorId: "u-colleague" };
  }
}

// ── admin actions ────────────────────────────────────────────────────────────────────────────────
//                                  owner editor commenter viewer approver office admin nonMember
const adminTable: Record<AdminAction, Row> = {
  "admin.organisations":     [".", ".", ".", ".", ".", ".", "Y", "."],
  "admin.people":            [".", ".", ".", ".", ".", ".", "Y", "."],
  "admin.workspaces":        [".", ".", ".", ".", ".", ".", "Y", "."],
  "admin.audit":             [".", ".", ".", ".", ".", ".", "Y", "."],
  "admin.mail":              [".", ".", ".", ".", ".", ".", "Y", "."],
  "admin.sso":               [".", ".", ".", ".", ".", ".", "Y", "."],
};

// ── search: which hits a person sees (and counts), on a draft section ─────────────────────────────
// Each cell: [a section's text or a version's name] [the same, the section or workspace archived]
// [a comment in a thread for all] [a comment in another organisation's thread] [a comment in the
// actor's own organisation's thread] [a comment for all, its section archived].
//                                  owner     editor    commenter viewer    approver  office    admin     nonMember
const searchRow: Row = ["Y.Y.Y.", "Y.Y.Y.", "Y.Y.Y.", "Y.Y.Y.", "Y.Y.Y.", "Y.Y.Y.", "Y.Y...", "......"];
const searchKinds = ["text", "archived text", "comment for all", "another organisation's comment", "own organisation's comment", "archived comment"] as const;
function searchFacts(person: Person, kind: (typeof searchKinds)[number]): SearchHitFacts {
  const { actor, facts } = who[person];
  const base = { ...facts, status: "draft" as const, archived: kind.startsWith("archived") };
  const thread = (organisationId: string | null, visibility: "all" | "organisation") => ({ visibility, organisationId, authorId: "u-someone" });
  switch (kind) {
    case "text":
    case "archived text":
      return { ...base, thread: null };
    case "comment for all":
    case "archived comment":
      return { ...base, thread: thread("o-elsewhere", "all") };
    case "another organisation's comment":
      return { ...base, thread: thread("o-elsewhere", "organisation") };
    case "own organisation's comment":
      return { ...base, thread: thread(actor.organisationId, "organisation") };
  }
}

// ── the tests ────────────────────────────────────────────────────────────────────────────────────
describe("the policy table", () => {
  it("covers every action the policy module knows", () => {
    expect(Object.keys(workspaceTable).sort()).toEqual([...workspaceActions].sort());
    expect(Object.keys(sectionTable).sort()).toEqual([...sectionActions].sort());
    expect(Object.keys(archivedTable).sort()).toEqual([...sectionActions].sort());
    expect(SECTION_STATUSES).toEqual(["draft", "in_review", "approved", "final", "published"]);
  });
});

describe.each(PEOPLE.map((p, i) => [p, i] as const))("%s", (person, column) => {
  const { actor, facts } = who[person];

  it.each(Object.entries(workspaceTable) as [WorkspaceAction, Row][])("%s", (action, row) => {
    expect(canWorkspace(actor, action, facts)).toBe(yes(row[column]));
    expect(can(actor, action, facts)).toBe(yes(row[column]));
  });

  for (const [statusIndex, status] of SECTION_STATUSES.entries()) {
    it.each(Object.entries(sectionTable) as [SectionAction, Row][])(`%s on a ${status} section`, (action, row) => {
      const sectionFacts: SectionFacts = { ...facts, status };
      const expected = yes(row[column][statusIndex]);
      expect(canSection(actor, action, sectionFacts)).toBe(expected);
      expect(can(actor, action, sectionFacts)).toBe(expected);
      expect(sectionAbilities(actor, sectionFacts)[action]).toBe(expected);
    });
  }

  it.each(Object.entries(archivedTable) as [SectionAction, Row][])("%s on an archived section", (action, row) => {
    const sectionFacts: SectionFacts = { ...facts, status: "draft", sectionArchived: true };
    expect(canSection(actor, action, sectionFacts)).toBe(yes(row[column]));
    expect(can(actor, action, sectionFacts)).toBe(yes(row[column]));
    expect(sectionAbilities(actor, sectionFacts)[action]).toBe(yes(row[column]));
  });

  for (const [kindIndex, kind] of threadKinds.entries()) {
    it.each(Object.entries(threadTable) as [ThreadAction, Row][])(`%s (${kind})`, (action, row) => {
      const expected = yes(row[column][kindIndex]);
      expect(canThread(actor, action, threadFacts(person, kind))).toBe(expected);
      expect(can(actor, action, threadFacts(person, kind))).toBe(expected);
    });
  }

  for (const [kindIndex, kind] of commentKinds.entries()) {
    it.each(Object.entries(commentTable) as [CommentAction, Row][])(`%s (${kind})`, (action, row) => {
      const expected = yes(row[column][kindIndex]);
      expect(canComment(actor, action, commentFacts(person, kind))).toBe(expected);
      expect(can(actor, action, commentFacts(person, kind))).toBe(expected);
    });
  }

  it.each(Object.entries(adminTable) as [AdminAction, Row][])("%s", (action, row) => {
    expect(can(actor, action)).toBe(yes(row[column]));
  });

  it.each([...searchKinds.entries()])("search shows a hit: %s (%s)", (kindIndex, kind) => {
    expect(searchHit(actor, searchFacts(person, kind))).toBe(yes(searchRow[column][kindIndex]));
  });

  it("manages its own API tokens only", () => {
    expect(apiTokenManage(actor, { ownerId: actor.id }).allowed).toBe(true);
    expect(apiTokenManage(actor, { ownerId: "u-someone" })).toMatchObject({ allowed: false, code: "forbidden" });
  });

  it("gets the same answers in workspaceAbilities", () => {
    const abilities = workspaceAbilities(actor, facts);
    for (const [action, row] of Object.entries(workspaceTable) as [WorkspaceAction, Row][]) {
      expect(abilities[action], action).toBe(yes(row[column]));
    }
  });
});

describe("authorize", () => {
  const viewer = who.viewer;
  it("throws Forbidden with a reason a person can act on", () => {
    let thrown: unknown;
    try {
      authorize(viewer.actor, "section.edit", { ...viewer.facts, status: "draft" });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Forbidden);
    const forbidden = thrown as Forbidden;
    expect(forbidden.status).toBe(403);
    expect(forbidden.code).toBe("forbidden");
    expect(forbidden.action).toBe("section.edit");
    expect(forbidden.message).toMatch(/role/i);
  });

  it("says a final section is locked", () => {
    const owner = who.owner;
    expect(() => authorize(owner.actor, "section.edit", { ...owner.facts, status: "final" })).toThrow(/locked/);
    try {
      authorize(owner.actor, "section.edit", { ...owner.facts, status: "published" });
    } catch (error) {
      expect((error as Forbidden).code).toBe("locked");
    }
    // Importing a file replaces the text: refused the same way, for an editor too.
    expect(() => authorize(who.editor.actor, "section.import", { ...who.editor.facts, status: "final" })).toThrow(expect.objectContaining({ code: "locked" }));
  });

  it("lets an allowed action through", () => {
    expect(() => authorize(who.office.actor, "section.signOff", { ...who.office.facts, status: "approved" })).not.toThrow();
    expect(() => authorize(who.admin.actor, "admin.people")).not.toThrow();
  });

  it("refuses an admin action to everyone but an admin", () => {
    expect(() => authorize(who.owner.actor, "admin.organisations")).toThrow(Forbidden);
  });

  it("refuses a workspace, section or thread action asked without facts", () => {
    const ask = can as (actor: Actor, action: Action, facts?: unknown) => boolean;
    expect(ask(who.owner.actor, "workspace.view")).toBe(false);
    expect(ask(who.owner.actor, "section.view")).toBe(false);
    expect(ask(who.owner.actor, "thread.view")).toBe(false);
  });
});

describe("threads: who starts one for an organisation, who confirms a resolution", () => {
  it("lets only a member of an organisation start a thread for it, and only someone who may comment", () => {
    const draft = (p: Person): SectionFacts => ({ ...who[p].facts, status: "draft" });
    const start = (p: Person, v: "all" | "organisation") => answer(threadStart(who[p].actor, v, draft(p)));
    expect(start("commenter", "organisation")).toBe("Y");
    expect(start("office", "organisation")).toBe("Y");
    expect(start("viewer", "organisation")).toBe("forbidden");
    // Someone without an organisation who may comment (an owner who is an operator) starts threads for all only.
    const operatorOwner: Actor = { id: "u-operator", organisationId: null, organisationKind: null, isAdmin: false };
    const facts: SectionFacts = { role: "owner", approverOrganisation: false, agendaOwner: false, archived: false, status: "draft" };
    expect(answer(threadStart(operatorOwner, "all", facts))).toBe("Y");
    expect(answer(threadStart(operatorOwner, "organisation", facts))).toBe("no_organisation");
  });

  it("lets only the thread's author confirm its resolution, not its resolver or an owner", () => {
    expect(answer(resolutionConfirmation(who.commenter.actor, threadFacts("commenter", "own thread")))).toBe("Y");
    expect(answer(resolutionConfirmation(who.owner.actor, threadFacts("owner", "all, someone else's")))).toBe("not_author");
    expect(answer(resolutionConfirmation(who.editor.actor, threadFacts("editor", "own organisation's")))).toBe("not_author");
  });
});

describe("assigning a thread", () => {
  const open = (p: Person, kind: (typeof threadKinds)[number]) => ({ ...threadFacts(p, kind), resolved: false });
  const person = (seesThread: boolean) => ({ kind: "person" as const, id: "u-someone", seesThread });
  const organisation = (id: string, takesPart = true) => ({ kind: "organisation" as const, id, takesPart });

  it("lets those who may resolve a thread assign it, to someone who may read it", () => {
    // The cells: the owner on a thread for all, the commenter on their own thread, the viewer, the admin.
    expect(answer(threadAssignment(who.owner.actor, open("owner", "all, someone else's"), person(true)))).toBe("Y");
    expect(answer(threadAssignment(who.commenter.actor, open("commenter", "own thread"), person(true)))).toBe("Y");
    expect(answer(threadAssignment(who.commenter.actor, open("commenter", "all, someone else's"), person(true)))).toBe("forbidden");
    expect(answer(threadAssignment(who.viewer.actor, open("viewer", "own thread"), null))).toBe("forbidden");
    expect(answer(threadAssignment(who.admin.actor, open("admin", "all, someone else's"), null))).toBe("forbidden");
    expect(answer(threadAssignment(who.owner.actor, open("owner", "all, someone else's"), person(false)))).toBe("assignee_cannot_see");
  });

  it("keeps a thread for one organisation inside that organisation", () => {
    const own = open("editor", "own organisation's");
    expect(answer(threadAssignment(who.editor.actor, own, organisation("o-kgg")))).toBe("Y");
    expect(answer(threadAssignment(who.editor.actor, own, organisation("o-fme")))).toBe("assignee_cannot_see");
    // Another organisation's thread: not even visible, so not assignable.
    expect(answer(threadAssignment(who.editor.actor, open("editor", "another organisation's"), organisation("o-elsewhere")))).toBe("forbidden");
  });

  it("assigns only to an organisation that takes part, and a resolved thread only loses its assignment", () => {
    const facts = open("owner", "all, someone else's");
    expect(answer(threadAssignment(who.owner.actor, facts, organisation("o-fme")))).toBe("Y");
    expect(answer(threadAssignment(who.owner.actor, facts, organisation("o-de", false)))).toBe("organisation_not_involved");
    const resolved = { ...facts, resolved: true };
    expect(answer(threadAssignment(who.owner.actor, resolved, person(true)))).toBe("thread_resolved");
    expect(answer(threadAssignment(who.owner.actor, resolved, null))).toBe("Y");
  });
});

describe("the role the dashboard names", () => {
  it("is the membership role, or the final sign-off for the minister's office, else none", () => {
    expect(PEOPLE.map((p) => workspaceRoleLabel(who[p].actor, who[p].facts))).toEqual([
      "owner",
      "editor",
      "commenter",
      "viewer",
      "commenter",
      "signOff",
      null,
      null,
    ]);
  });
});

// ── separation of duties ─────────────────────────────────────────────────────────────────────────
// Each answer is "Y" (allowed) or the code of the rule that refuses. Written out by hand from
// the README's "Separation of duties" and ADR 009.
const answer = (v: Verdict) => (v.allowed ? "Y" : v.code);
type Row4 = [string, string, string, string];

describe("separation of duties", () => {
  // Placing a new person through an invitation, in: the owner's own ministry (o-ez), an industry
  // association (o-mu), the minister's office (o-min), or no organisation at all.
  const places: (OrganisationFacts | null)[] = [
    { id: "o-ez", kind: "ministry" },
    { id: "o-mu", kind: "industry" },
    { id: "o-min", kind: "minister-office" },
    null,
  ];
  const no = "forbidden";
  //                                o-ez (owner's own)  o-mu                     o-min                   none
  const placementTable: Record<Person, Row4> = {
    owner:     ["Y",  "own_organisation_only", "office_by_admin_only", "organisation_required"],
    editor:    [no,   no,                      no,                     no],
    commenter: [no,   no,                      no,                     no],
    viewer:    [no,   no,                      no,                     no],
    approver:  [no,   no,                      no,                     no],
    office:    [no,   no,                      no,                     no],
    admin:     ["Y",  "Y",                     "office_by_admin_only", "organisation_required"],
    nonMember: [no,   no,                      no,                     no],
  };
  it.each(PEOPLE)("decides where %s may place a new person through an invitation", (person) => {
    const { actor, facts } = who[person];
    expect(places.map((o) => answer(invitationPlacement(actor, facts, o)))).toEqual(placementTable[person]);
    // The form offers exactly the organisations allowed.
    const offered = invitationOrganisations(actor, facts, places.filter((o): o is OrganisationFacts => o !== null)).map((o) => o.id);
    expect(offered).toEqual(places.filter((o, i) => o && placementTable[person][i] === "Y").map((o) => o!.id));
  });

  it("keeps an owner who belongs to the minister's office from inviting anyone into it", () => {
    const officeOwner: Actor = { id: "u-office-owner", organisationId: "o-min", organisationKind: "minister-office", isAdmin: false };
    expect(answer(invitationPlacement(officeOwner, { role: "owner", approverOrganisation: false, agendaOwner: false, archived: false }, { id: "o-min", kind: "minister-office" }))).toBe("office_by_admin_only");
  });

  it("makes an organisation the minister's office only while nobody belongs to it", () => {
    const admin = who.admin.actor;
    const cases: [Parameters<typeof organisationKindChange>[1], string][] = [
      [{ from: null, to: "minister-office", people: 0 }, "Y"],
      [{ from: "ministry", to: "minister-office", people: 0 }, "Y"],
      [{ from: "ministry", to: "minister-office", people: 3 }, "office_kind_needs_empty"],
      [{ from: "institute", to: "minister-office", people: 1 }, "office_kind_needs_empty"],
      [{ from: "minister-office", to: "minister-office", people: 2 }, "Y"],
      [{ from: "minister-office", to: "ministry", people: 2 }, "Y"],
      [{ from: "ministry", to: "industry", people: 5 }, "Y"],
    ];
    for (const [facts, expected] of cases) expect(answer(organisationKindChange(admin, facts)), JSON.stringify(facts)).toBe(expected);
    expect(answer(organisationKindChange(who.owner.actor, { from: null, to: "ministry", people: 0 }))).toBe("forbidden");
  });

  it("never lets the organisation that asks for a review be its only approver", () => {
    const ask = (person: Person, approverOrganisationIds: string[], status: SectionFacts["status"] = "draft") =>
      answer(reviewRequest(who[person].actor, { ...who[person].facts, status, approverOrganisationIds }));
    expect(ask("owner", ["o-kgg"])).toBe("Y");
    expect(ask("owner", ["o-ez", "o-kgg"])).toBe("Y");
    expect(ask("owner", ["o-ez"])).toBe("own_organisation_only_approver");
    expect(ask("owner", [])).toBe("no_approvers");
    expect(ask("owner", ["o-kgg"], "in_review")).toBe("Y");
    expect(ask("owner", ["o-kgg"], "approved")).toBe("forbidden");
    for (const person of ["editor", "approver", "office", "admin"] as const) expect(ask(person, ["o-kgg"]), person).toBe("forbidden");
  });

  it("lets nobody approve their own review request", () => {
    const decide = (person: Person, decision: "approve" | "request_changes", requestedBy: string | null, required = ["o-ocw", "o-ez"]) =>
      answer(reviewDecision(who[person].actor, decision, { ...who[person].facts, status: "in_review", requestedBy, requiredOrganisationIds: required }));
    expect(decide("approver", "approve", "u-owner")).toBe("Y");
    expect(decide("approver", "approve", null)).toBe("Y");
    expect(decide("approver", "approve", "u-approver")).toBe("own_request");
    expect(decide("approver", "request_changes", "u-approver")).toBe("Y");
    // An organisation not asked in this round does not decide in it.
    expect(decide("approver", "approve", "u-owner", ["o-kgg"])).toBe("forbidden");
    // An owner whose organisation is not an approver of the workspace does not decide at all.
    expect(decide("owner", "approve", "u-approver")).toBe("forbidden");
    // The requester, a member of an approving organisation, may not approve what they asked for.
    const requester: Actor = who.owner.actor;
    const facts = { role: "owner" as const, approverOrganisation: true, agendaOwner: false, archived: false, status: "in_review" as const, requiredOrganisationIds: ["o-ez", "o-kgg"] };
    expect(answer(reviewDecision(requester, "approve", { ...facts, requestedBy: requester.id }))).toBe("own_request");
    expect(answer(reviewDecision(requester, "approve", { ...facts, requestedBy: "u-colleague" }))).toBe("Y");
  });

  it("signs off no text with open suggestions, and says which", () => {
    const sign = (person: Person, openSuggestions: { kind: "insertion" | "deletion" | "replacement"; name: string; organisation: string | null; text: string }[] = [], status: SectionFacts["status"] = "approved") =>
      signOffVerdict(who[person].actor, { ...who[person].facts, status, openSuggestions });
    expect(answer(sign("office"))).toBe("Y");
    const refusedWith = sign("office", [{ kind: "insertion", name: "Pieter Claes", organisation: "BE", text: "en België" }]);
    expect(answer(refusedWith)).toBe("open_suggestions");
    expect(refusedWith.allowed ? "" : refusedWith.reason).toContain('insertion by Pieter Claes (BE): "en België"');
    expect(answer(sign("office", [], "in_review"))).toBe("forbidden");
    for (const person of ["owner", "editor", "approver", "admin"] as const) expect(answer(sign(person)), person).toBe("forbidden");
  });

  it("keeps the approving organisations while a review is open, and never the chooser's own organisation alone", () => {
    const choose = (person: Person, organisationIds: string[], openReviews = 0) =>
      answer(approversChange(who[person].actor, { ...who[person].facts, organisationIds, openReviews }));
    expect(choose("owner", ["o-kgg"])).toBe("Y");
    expect(choose("owner", ["o-ez", "o-kgg"])).toBe("Y");
    expect(choose("owner", [])).toBe("Y");
    expect(choose("owner", ["o-ez"])).toBe("own_organisation_only_approver");
    expect(choose("owner", ["o-kgg"], 1)).toBe("review_open");
    expect(choose("admin", ["o-ez"])).toBe("Y");
    expect(choose("admin", ["o-kgg"], 2)).toBe("review_open");
    for (const person of ["editor", "approver", "office", "nonMember"] as const) expect(choose(person, ["o-kgg"]), person).toBe("forbidden");
  });
});

describe("the second factor", () => {
  const base = { isAdmin: false, organisationKind: "ministry" as OrganisationKind, organisationRule: null, roles: [] as Role[], roleRules: {} };
  const required = (f: Partial<SecondFactorFacts>, production = true) => secondFactorRequirement({ ...base, production, ...f }).required;

  it("is required by default, in production only, of admins and the minister's office", () => {
    expect(required({ isAdmin: true })).toBe(true);
    expect(required({ organisationKind: "minister-office" })).toBe(true);
    expect(required({ roles: ["owner", "editor"] })).toBe(false);
    expect(required({ isAdmin: true }, false)).toBe(false);
    expect(required({ organisationKind: "minister-office" }, false)).toBe(false);
  });

  it("follows an admin's rules per organisation and per role, over the defaults", () => {
    expect(required({ organisationRule: true }, false)).toBe(true);
    expect(required({ organisationKind: "minister-office", organisationRule: false })).toBe(false);
    expect(required({ roles: ["viewer", "owner"], roleRules: { owner: true } }, false)).toBe(true);
    expect(required({ roles: ["viewer"], roleRules: { owner: true } }, false)).toBe(false);
    expect(required({ isAdmin: true, roleRules: { admin: false } })).toBe(false);
    // Any rule that requires it wins: an exempted organisation does not exempt a required role.
    expect(required({ organisationRule: false, isAdmin: true })).toBe(true);
  });

  it("asks for it again (step-up) when the last check is older than 15 minutes; nothing of those without one unless required", () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
    const code = (state: SecondFactorState) => answer(stepUp(state, now));
    expect(code({ enabled: true, required: true, checkedAt: ago(14) })).toBe("Y");
    expect(code({ enabled: true, required: false, checkedAt: ago(15) })).toBe("Y");
    expect(code({ enabled: true, required: false, checkedAt: ago(16) })).toBe("step_up_required");
    expect(code({ enabled: true, required: false, checkedAt: null })).toBe("step_up_required");
    // A check from the future (a clock set wrong) counts for nothing.
    expect(code({ enabled: true, required: false, checkedAt: new Date(now.getTime() + 10 * 60_000) })).toBe("step_up_required");
    expect(code({ enabled: false, required: true, checkedAt: null })).toBe("two_factor_setup_required");
    expect(code({ enabled: false, required: false, checkedAt: null })).toBe("Y");
    expect(STEP_UP_MAX_AGE_MS).toBe(15 * 60_000);
  });

  it("is required again of a person whose second factor an admin reset, whatever the rules", () => {
    expect(required({ resetByAdmin: true, organisationRule: false }, false)).toBe(true);
    expect(secondFactorRequirement({ ...base, production: false, resetByAdmin: true }).because).toBe("reset");
  });

  it("holds a session or a token at one gate: setup when required and not set up; verify for a session that never gave it", () => {
    const at = new Date("2026-12-01T12:00:00Z");
    const gate = (enabled: boolean, required: boolean, checkedAt: Date | null) =>
      [secondFactorGate({ enabled, required, checkedAt }, "session"), secondFactorGate({ enabled, required, checkedAt }, "token")];
    expect(gate(false, true, null)).toEqual(["setup", "setup"]);
    expect(gate(false, false, null)).toEqual([null, null]);
    expect(gate(true, true, null)).toEqual(["verify", null]);
    expect(gate(true, false, null)).toEqual(["verify", null]);
    expect(gate(true, true, at)).toEqual([null, null]);
  });

  it("is reset only by an admin, and not their own", () => {
    for (const person of PEOPLE) {
      expect(answer(secondFactorReset(who[person].actor, "u-someone-else")), person).toBe(person === "admin" ? "Y" : "forbidden");
    }
    expect(answer(secondFactorReset(who.admin.actor, who.admin.actor.id))).toBe("own_second_factor");
  });
});

describe("ending sessions", () => {
  it("lets a person end their own, and only an admin someone else's", () => {
    for (const person of PEOPLE) {
      expect(answer(sessionEnd(who[person].actor, who[person].actor.id)), person).toBe("Y");
      expect(answer(sessionEnd(who[person].actor, "u-someone-else")), person).toBe(person === "admin" ? "Y" : "forbidden");
    }
  });
});

// ── agendas (ADR 024) ────────────────────────────────────────────────────────────────────────────
// One more person: an owner of the agenda who is a member of none of its workspaces. The others are
// as above; each of them but the admin and the non-member sees a workspace of the agenda.
const AGENDA_PEOPLE = [...PEOPLE, "agendaOwner"] as const;
type AgendaPerson = (typeof AGENDA_PEOPLE)[number];
const agendaOwner = { id: "u-agenda-owner", organisationId: "o-ez", organisationKind: "ministry", isAdmin: false } satisfies Actor;
const agendaWho = (p: AgendaPerson): { actor: Actor; agenda: AgendaFacts; ws: WorkspaceFacts } =>
  p === "agendaOwner"
    ? { actor: agendaOwner, agenda: { owner: true, seesWorkspace: false }, ws: { role: null, approverOrganisation: false, agendaOwner: true, archived: false } }
    : { actor: who[p].actor, agenda: { owner: false, seesWorkspace: p !== "admin" && p !== "nonMember" }, ws: who[p].facts };

type AgendaRow = [string, string, string, string, string, string, string, string, string];

//                                  owner editor commenter viewer approver office admin nonMember agendaOwner
const agendaTable: Record<AgendaAction, AgendaRow> = {
  "agenda.create":           [".", ".", ".", ".", ".", ".", "Y", ".", "."],
  "agenda.view":             ["Y", "Y", "Y", "Y", "Y", "Y", "Y", ".", "Y"],
  "agenda.update":           [".", ".", ".", ".", ".", ".", "Y", ".", "Y"],
  "agenda.setOwners":        [".", ".", ".", ".", ".", ".", "Y", ".", "."],
  "agenda.manageWorkspaces": [".", ".", ".", ".", ".", ".", "Y", ".", "Y"],
  "agenda.viewArchived":     [".", ".", ".", ".", ".", ".", "Y", ".", "Y"],
  "agenda.archive":          [".", ".", ".", ".", ".", ".", "Y", ".", "Y"],
};
// The same agenda once it is archived as a whole (ADR 031): seen, and restored, by its owners and admins only; changed by nobody.
//                                  owner editor commenter viewer approver office admin nonMember agendaOwner
const archivedAgendaTable: Record<AgendaAction, AgendaRow> = {
  "agenda.create":           [".", ".", ".", ".", ".", ".", "Y", ".", "."],
  "agenda.view":             [".", ".", ".", ".", ".", ".", "Y", ".", "Y"],
  "agenda.update":           [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "agenda.setOwners":        [".", ".", ".", ".", ".", ".", "Y", ".", "."],
  "agenda.manageWorkspaces": [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "agenda.viewArchived":     [".", ".", ".", ".", ".", ".", "Y", ".", "Y"],
  "agenda.archive":          [".", ".", ".", ".", ".", ".", "Y", ".", "Y"],
};

// A workspace of the agenda, for the agenda's owner who is no member of it (live), and for everyone once it is archived.
//                                  owner editor commenter viewer approver office admin nonMember agendaOwner
const liveWorkspaceOfAgendaOwner: Record<WorkspaceAction, string> = {
  "workspace.view": "Y",
  "workspace.update": "Y",
  "workspace.manageMembers": "Y",
  "workspace.invite": "Y",
  "workspace.members": "Y",
  "workspace.delete": "Y",
  "workspace.publish": ".",
  "workspace.consultation": "Y",
  "workspace.dispose": ".",
  "section.create": ".",
  "section.reorder": ".",
  "template.create": ".",
};
const archivedWorkspaceTable: Record<WorkspaceAction, AgendaRow> = {
  "workspace.view":          [".", ".", ".", ".", ".", ".", "Y", ".", "Y"],
  "workspace.update":        [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "workspace.manageMembers": [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "workspace.invite":        [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "workspace.members":       [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "workspace.delete":        [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "workspace.publish":       [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "workspace.consultation":  [".", ".", ".", ".", ".", ".", "Y", ".", "Y"],
  "workspace.dispose":       [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "section.create":          [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "section.reorder":         [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "template.create":         [".", ".", ".", ".", ".", ".", ".", ".", "."],
};
// Sections of an archived workspace, in any status: read (and exported) by the agenda's owners and admins only, changed by nobody.
const archivedSectionTable: Record<SectionAction, AgendaRow> = {
  "section.view":           [".", ".", ".", ".", ".", ".", "Y", ".", "Y"],
  "section.export":         [".", ".", ".", ".", ".", ".", "Y", ".", "Y"],
  "section.edit":           [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "section.restoreVersion": [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "section.import":         [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "section.createVersion":  [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "section.comment":        [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "section.manage":         [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "section.requestReview":  [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "section.decideReview":   [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "section.signOff":        [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "section.reopen":         [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "section.suggest":        [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "section.rename":         [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "section.move":           [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "section.archive":        [".", ".", ".", ".", ".", ".", ".", ".", "."],
  "section.restore":        [".", ".", ".", ".", ".", ".", ".", ".", "."],
};

describe("agendas: the policy table", () => {
  it("covers every agenda action", () => {
    expect(Object.keys(agendaTable).sort()).toEqual([...agendaActions].sort());
  });

  describe.each(AGENDA_PEOPLE.map((p, i) => [p, i] as const))("%s", (person, column) => {
    const { actor, agenda, ws } = agendaWho(person);

    it.each(Object.entries(agendaTable) as [AgendaAction, AgendaRow][])("%s", (action, row) => {
      expect(canAgenda(actor, action, agenda)).toBe(yes(row[column]));
      expect(can(actor, action, agenda)).toBe(yes(row[column]));
      expect(agendaAbilities(actor, agenda)[action]).toBe(yes(row[column]));
    });

    it.each(Object.entries(archivedAgendaTable) as [AgendaAction, AgendaRow][])("%s on an archived agenda", (action, row) => {
      expect(canAgenda(actor, action, { ...agenda, archived: true })).toBe(yes(row[column]));
      expect(can(actor, action, { ...agenda, archived: true })).toBe(yes(row[column]));
    });

    it.each(Object.entries(archivedWorkspaceTable) as [WorkspaceAction, AgendaRow][])("%s on an archived workspace", (action, row) => {
      expect(canWorkspace(actor, action, { ...ws, archived: true })).toBe(yes(row[column]));
    });

    for (const status of SECTION_STATUSES) {
      it.each(Object.entries(archivedSectionTable) as [SectionAction, AgendaRow][])(`%s on a ${status} section of an archived workspace`, (action, row) => {
        expect(canSection(actor, action, { ...ws, archived: true, status })).toBe(yes(row[column]));
      });
    }
  });

  it("lets an agenda's owner manage a workspace of it without being a member, but not write its sections", () => {
    const { actor, ws } = agendaWho("agendaOwner");
    for (const [action, cell] of Object.entries(liveWorkspaceOfAgendaOwner) as [WorkspaceAction, string][]) {
      expect(canWorkspace(actor, action, ws), action).toBe(yes(cell));
    }
    expect(canSection(actor, "section.view", { ...ws, status: "draft" })).toBe(true);
    expect(canSection(actor, "section.edit", { ...ws, status: "draft" })).toBe(false);
    expect(canSection(actor, "section.comment", { ...ws, status: "draft" })).toBe(false);
  });

  it("does not answer an agenda action with a workspace's facts, nor a workspace action with an agenda's", () => {
    expect(can(who.admin.actor, "agenda.update" as never, who.admin.facts as never)).toBe(false);
    expect(can(who.admin.actor, "workspace.view" as never, { owner: true, seesWorkspace: true } as never)).toBe(false);
  });

  it("says why an agenda action is refused", () => {
    expect(() => authorize(who.owner.actor, "agenda.create", { owner: false, seesWorkspace: true })).toThrow(/Only admins create agendas/);
    expect(() => authorize(who.nonMember.actor, "agenda.view", { owner: false, seesWorkspace: false })).toThrow(Forbidden);
  });

  it("archives a workspace only for its agenda's owners and admins, once, and never with a final or published section", () => {
    const owner = agendaWho("agendaOwner");
    const facts = (over: Partial<{ archived: boolean; lockedSections: string[] }> = {}) => ({ agenda: owner.agenda, archived: false, lockedSections: [], ...over });
    expect(workspaceArchive(owner.actor, facts())).toEqual({ allowed: true });
    expect(workspaceArchive(who.admin.actor, { ...facts(), agenda: { owner: false, seesWorkspace: false } })).toEqual({ allowed: true });
    expect(answer(workspaceArchive(who.owner.actor, { ...facts(), agenda: { owner: false, seesWorkspace: true } }))).toBe("forbidden");
    expect(answer(workspaceArchive(owner.actor, facts({ archived: true })))).toBe("already_archived");
    const locked = workspaceArchive(owner.actor, facts({ lockedSections: ["Aanleiding"] }));
    expect(answer(locked)).toBe("sections_locked");
    expect(locked.allowed ? "" : locked.reason).toMatch(/reopens them first \(Aanleiding\)/);
    expect(workspaceRestore(owner.actor, { agenda: owner.agenda, archived: true })).toEqual({ allowed: true });
    expect(answer(workspaceRestore(owner.actor, { agenda: owner.agenda, archived: false }))).toBe("not_archived");
    expect(answer(workspaceRestore(who.office.actor, { agenda: { owner: false, seesWorkspace: true }, archived: true }))).toBe("forbidden");
  });

  it("archives a whole agenda only for its owners and admins, once, never with a final or published section; restores an archived one", () => {
    const owner = agendaWho("agendaOwner");
    expect(agendaArchive(owner.actor, { agenda: owner.agenda, lockedSections: [] })).toEqual({ allowed: true });
    expect(agendaArchive(who.admin.actor, { agenda: { owner: false, seesWorkspace: false }, lockedSections: [] })).toEqual({ allowed: true });
    expect(answer(agendaArchive(who.owner.actor, { agenda: { owner: false, seesWorkspace: true }, lockedSections: [] }))).toBe("forbidden");
    expect(answer(agendaArchive(owner.actor, { agenda: { ...owner.agenda, archived: true }, lockedSections: [] }))).toBe("already_archived");
    expect(answer(agendaArchive(owner.actor, { agenda: owner.agenda, lockedSections: ["Aanleiding"] }))).toBe("sections_locked");
    expect(agendaRestore(owner.actor, { agenda: { ...owner.agenda, archived: true } })).toEqual({ allowed: true });
    expect(answer(agendaRestore(owner.actor, { agenda: owner.agenda }))).toBe("not_archived");
    expect(answer(agendaRestore(who.office.actor, { agenda: { owner: false, seesWorkspace: true, archived: true } }))).toBe("forbidden");
  });
});

describe("shaping sections: why a refusal, and moves between workspaces", () => {
  const owner = who.owner;
  const editor = who.editor;
  const draft: SectionFacts = { ...owner.facts, status: "draft" };
  const refusal = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      return (error as Forbidden).code;
    }
    return "allowed";
  };

  it("says a final section must be reopened before it moves or is archived, and an archived one restored first", () => {
    expect(refusal(() => authorize(owner.actor, "section.archive", { ...draft, status: "final" }))).toBe("locked");
    expect(refusal(() => authorize(owner.actor, "section.move", { ...draft, status: "published" }))).toBe("locked");
    expect(refusal(() => authorize(owner.actor, "section.rename", { ...draft, sectionArchived: true }))).toBe("archived");
    expect(refusal(() => authorize(owner.actor, "section.restore", draft))).toBe("not_archived");
    expect(refusal(() => authorize(editor.actor, "section.archive", { ...editor.facts, status: "final" }))).toBe("forbidden");
    // Someone who cannot see the section learns nothing about its state.
    expect(refusal(() => authorize(who.nonMember.actor, "section.rename", { ...who.nonMember.facts, status: "draft", sectionArchived: true }))).toBe("forbidden");
  });

  const move = (over: Partial<Parameters<typeof sectionMove>[1]>) =>
    sectionMove(owner.actor, { section: draft, target: owner.facts, sameAgenda: true, sameWorkspace: false, targetArchived: false, ...over });
  const code = (v: Verdict) => (v.allowed ? "allowed" : v.code);

  it("moves a section only for an owner of both workspaces, within one agenda, to a live workspace", () => {
    expect(code(move({}))).toBe("allowed");
    expect(code(move({ target: editor.facts }))).toBe("forbidden");
    expect(code(move({ sameAgenda: false }))).toBe("other_agenda");
    expect(code(move({ sameWorkspace: true }))).toBe("same_workspace");
    expect(code(move({ targetArchived: true }))).toBe("archived");
    expect(code(move({ section: { ...draft, status: "final" } }))).toBe("locked");
    expect(code(sectionMove(editor.actor, { section: { ...editor.facts, status: "draft" }, target: owner.facts, sameAgenda: true, sameWorkspace: false, targetArchived: false }))).toBe("forbidden");
  });
});

describe("consultation: publishing waits for the dispositions when the agenda says so", () => {
  const undisposed = [
    { sectionTitle: "Aanleiding", organisationName: "België" },
    { sectionTitle: "Aanleiding", organisationName: "België" },
    { sectionTitle: "Acties", organisationName: "FME" },
  ];
  //  consultation  requireDispositions  inputs without one  → allowed
  const table: [boolean, boolean, number, boolean][] = [
    [false, false, 3, true],
    [false, true, 3, true],
    [true, false, 3, true],
    [true, true, 0, true],
    [true, true, 1, false],
    [true, true, 3, false],
  ];
  it.each(table)("consultation %s, required %s, %i without a disposition → allowed %s", (consultation, requireDispositions, n, allowedToPublish) => {
    const verdict = consultationPublish({ consultation, requireDispositions, undisposed: undisposed.slice(0, n) });
    expect(verdict.allowed).toBe(allowedToPublish);
  });
  it("says how many are missing and where, once per section and organisation", () => {
    const verdict = consultationPublish({ consultation: true, requireDispositions: true, undisposed });
    expect(verdict).toEqual({
      allowed: false,
      code: "dispositions_missing",
      reason: "3 input(s) from outside the lead organisation still need a disposition before publishing: Aanleiding (België), Acties (FME).",
    });
  });
});
