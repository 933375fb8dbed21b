/**
 * "Waiting for me" (ADR 021): everything a person is asked to do next, across the workspaces they
 * may see, in one read. It takes the actor and asks the policy for every item: a review only for an
 * organisation asked that may still decide, a sign-off only for who may sign, a thread (assigned, or
 * mentioning me) only while `thread.view` allows it, an invitation only while I may manage members.
 */
import { and, desc, eq, inArray, isNull, or } from "drizzle-orm";
import { todayInNetherlands } from "../../app/shared/dates";
import type { Waiting, WaitingItem, WaitingKind } from "../../app/shared/waiting";
import { WAITING_KINDS } from "../../app/shared/waiting";
import type { Database } from "../../db/index";
import { isFreshApproval, isStaleApproval, isUnderReview } from "../lifecycle";
import { canSection, canThread, canWorkspace, reviewDecision, type Actor, type SectionFacts } from "../policy";
import { listWorkspacesFor, type WorkspaceSummary } from "../views/workspaces";
import { excerpt, threadFacts } from "./comments";
import { reviewStateUnchecked } from "./reviews";

const EDITING_ROLES = new Set(["owner", "editor"]);

/** What waits for `actor`, most urgent first (by due date, then by kind). */
export async function waitingFor(database: Database, actor: Actor, today = todayInNetherlands()): Promise<Waiting> {
  const workspaces = await listWorkspacesFor(database, actor);
  const byWorkspace = new Map(workspaces.map((w) => [w.id, w]));
  const sectionIndex = new Map(workspaces.flatMap((w) => w.sections.map((s) => [s.id, { workspace: w, section: s }] as const)));
  const [reviews, threads, mentions, invitations] = await Promise.all([
    reviewItems(database, actor, workspaces, today),
    assignedThreads(database, actor, sectionIndex, today),
    unansweredMentions(database, actor, sectionIndex),
    openInvitations(database, actor, byWorkspace),
  ]);
  const items = [...reviews, ...threads, ...mentions, ...invitations];
  const order = (k: WaitingKind) => WAITING_KINDS.indexOf(k);
  const due = (i: WaitingItem) => ("dueDate" in i && i.dueDate ? i.dueDate : "9999-12-31");
  items.sort((a, b) => due(a).localeCompare(due(b)) || order(a.kind) - order(b.kind));
  return { items, workspaceIds: workspaces.map((w) => w.id) };
}

function facts(w: WorkspaceSummary, status: SectionFacts["status"]): SectionFacts {
  return { role: w.role, approverOrganisation: w.approverOrganisation, agendaOwner: w.agendaOwner, archived: w.archivedAt !== null, status };
}

function place(w: WorkspaceSummary, s: { id: string; title: string }, href: string) {
  return { workspaceId: w.id, workspaceTitle: w.title, sectionId: s.id, sectionTitle: s.title, href };
}

/** Reviews to decide, approvals gone stale, sections ready for sign-off, changes requested. */
async function reviewItems(database: Database, actor: Actor, workspaces: WorkspaceSummary[], today: string): Promise<WaitingItem[]> {
  const items: WaitingItem[] = [];
  for (const w of workspaces) {
    for (const s of w.sections) {
      if (!isUnderReview(s.status)) continue;
      const f = facts(w, s.status);
      const mayDecide = canSection(actor, "section.decideReview", f);
      const maySign = canSection(actor, "section.signOff", f);
      const writes = w.role !== null && EDITING_ROLES.has(w.role);
      if (!mayDecide && !maySign && !writes) continue;
      const state = await reviewStateUnchecked(database, s.id, undefined, today);
      if (!state.round) continue;
      const href = `/s/${s.id}/review`;
      if (maySign && state.complete) items.push({ kind: "signoff.ready", ...place(w, s, href) });
      const mine = actor.organisationId ? state.organisations.find((o) => o.organisationId === actor.organisationId) : undefined;
      if (mayDecide && mine) {
        const d = mine.decision;
        const current = state.currentHash;
        if (d && isStaleApproval(d, current) && d.userId === actor.id) {
          items.push({ kind: "approval.stale", ...place(w, s, href), approvedAt: d.at.toISOString() });
        } else if (!isFreshApproval(d, current) && !(d?.decision === "request_changes" && d.contentHash === current)) {
          // No decision yet, a colleague's approval gone stale, or changes asked for and the text changed since.
          const decides = reviewDecision(actor, "approve", {
            ...f,
            requestedBy: state.round.requestedBy,
            requiredOrganisationIds: state.organisations.map((o) => o.organisationId),
          });
          if (decides.allowed) items.push({ kind: "review.decide", ...place(w, s, href), dueDate: state.round.dueDate, late: mine.late });
        }
      }
      const requests = state.organisations.filter((o) => o.decision?.decision === "request_changes");
      if (writes && requests.length) {
        items.push({
          kind: "changes.requested",
          ...place(w, s, href),
          requests: requests.map((o) => ({ organisation: o.shortCode || o.name, by: o.decision!.userName, note: o.decision!.note })),
        });
      }
    }
  }
  return items;
}

type SectionIndex = Map<string, { workspace: WorkspaceSummary; section: WorkspaceSummary["sections"][number] }>;

/** Open threads assigned to me or to my organisation that I may read. */
async function assignedThreads(database: Database, actor: Actor, index: SectionIndex, today: string): Promise<WaitingItem[]> {
  const { db, t } = database;
  const mine = actor.organisationId
    ? or(eq(t.commentThreads.assigneeUserId, actor.id), eq(t.commentThreads.assigneeOrganisationId, actor.organisationId))
    : eq(t.commentThreads.assigneeUserId, actor.id);
  const rows = await db
    .select({ th: t.commentThreads, orgName: t.organisations.name, byName: t.user.name })
    .from(t.commentThreads)
    .leftJoin(t.organisations, eq(t.organisations.id, t.commentThreads.assigneeOrganisationId))
    .leftJoin(t.user, eq(t.user.id, t.commentThreads.assignedBy))
    .where(and(mine, isNull(t.commentThreads.resolvedAt)));
  const items: WaitingItem[] = [];
  for (const { th, orgName, byName } of rows) {
    const at = index.get(th.sectionId);
    if (!at || !canThread(actor, "thread.view", threadFacts(facts(at.workspace, at.section.status), th))) continue;
    items.push({
      kind: "thread.assigned",
      ...place(at.workspace, at.section, `/s/${at.section.id}?thread=${encodeURIComponent(th.id)}`),
      threadId: th.id,
      quote: excerpt(th.quote, 80),
      dueDate: th.assignmentDueDate,
      late: th.assignmentDueDate !== null && th.assignmentDueDate < today,
      organisation: th.assigneeUserId === actor.id ? null : (orgName ?? null),
      by: byName ?? null,
    });
  }
  return items;
}

/** Open threads where someone mentioned me after my last comment in them (from my mention notifications). */
async function unansweredMentions(database: Database, actor: Actor, index: SectionIndex): Promise<WaitingItem[]> {
  const { db, t } = database;
  const rows = await db
    .select({ n: t.notifications, th: t.commentThreads, byName: t.user.name })
    .from(t.notifications)
    .innerJoin(t.commentThreads, eq(t.commentThreads.id, t.notifications.threadId))
    .leftJoin(t.user, eq(t.user.id, t.notifications.actorId))
    .where(and(eq(t.notifications.userId, actor.id), eq(t.notifications.kind, "mention"), isNull(t.commentThreads.resolvedAt)))
    .orderBy(desc(t.notifications.createdAt))
    .limit(200);
  if (!rows.length) return [];
  const threadIds = [...new Set(rows.map((r) => r.th.id))];
  const mine = await db
    .select({ threadId: t.comments.threadId, createdAt: t.comments.createdAt })
    .from(t.comments)
    .where(and(inArray(t.comments.threadId, threadIds), eq(t.comments.authorId, actor.id)));
  const lastAnswer = new Map<string, number>();
  for (const c of mine) lastAnswer.set(c.threadId, Math.max(lastAnswer.get(c.threadId) ?? 0, new Date(c.createdAt).getTime()));
  const items: WaitingItem[] = [];
  const seen = new Set<string>();
  for (const { n, th, byName } of rows) {
    if (seen.has(th.id)) continue; // the latest mention per thread
    seen.add(th.id);
    if ((lastAnswer.get(th.id) ?? 0) >= new Date(n.createdAt).getTime()) continue;
    const at = index.get(th.sectionId);
    if (!at || !canThread(actor, "thread.view", threadFacts(facts(at.workspace, at.section.status), th))) continue;
    const data = (typeof n.data === "string" ? JSON.parse(n.data) : n.data) as Record<string, unknown>;
    items.push({
      kind: "mention",
      ...place(at.workspace, at.section, `/s/${at.section.id}?thread=${encodeURIComponent(th.id)}`),
      threadId: th.id,
      quote: excerpt(th.quote, 80),
      by: byName ?? null,
      excerpt: typeof data.excerpt === "string" ? data.excerpt : "",
      at: new Date(n.createdAt).toISOString(),
    });
  }
  return items;
}

/** Invitations I sent that nobody accepted or revoked, in workspaces whose members I still manage. */
async function openInvitations(database: Database, actor: Actor, byWorkspace: Map<string, WorkspaceSummary>): Promise<WaitingItem[]> {
  const { db, t } = database;
  const rows = await db
    .select({ id: t.invitations.id, workspaceId: t.invitations.workspaceId, email: t.invitations.email, createdAt: t.invitations.createdAt, expiresAt: t.invitations.expiresAt })
    .from(t.invitations)
    .where(and(eq(t.invitations.invitedBy, actor.id), isNull(t.invitations.acceptedAt), isNull(t.invitations.revokedAt)))
    .orderBy(desc(t.invitations.createdAt))
    .limit(100);
  const now = Date.now();
  return rows.flatMap((r): WaitingItem[] => {
    const w = byWorkspace.get(r.workspaceId);
    if (!w || !canWorkspace(actor, "workspace.members", { role: w.role, approverOrganisation: w.approverOrganisation, agendaOwner: w.agendaOwner, archived: w.archivedAt !== null })) return [];
    return [
      {
        kind: "invitation.open",
        workspaceId: w.id,
        workspaceTitle: w.title,
        href: `/w/${w.id}/members`,
        invitationId: r.id,
        email: r.email,
        expired: new Date(r.expiresAt).getTime() <= now,
        sentAt: new Date(r.createdAt).toISOString(),
      },
    ];
  });
}
