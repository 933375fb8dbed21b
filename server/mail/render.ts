/**
 * Turns an outbox row into the mail a person reads, when it is sent: in the recipient's stored
 * language, as plain text and HTML, with an unsubscribe link. The policy is asked for the recipient
 * now: a mail about a section, thread or workspace they may no longer see is not sent (null), and a
 * comment's words are only quoted to someone who may read the thread (so an organisation-only
 * thread never reaches another organisation, even when a person changed organisation after the
 * mail was queued).
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../../db/index";
import { DEFAULT_LOCALE, intlLocale, isLocale, type Locale } from "../../app/shared/locales";
import { isMailKind, type MailKind } from "../../app/shared/mail";
import type { Env } from "../env";
import { canSection, canThread, canWorkspace, type Actor } from "../policy";
import { loadActor, loadSectionFacts, loadWorkspaceFacts, NotFound } from "../services/access";
import { unsubscribeUrl } from "./links";
import { WORDS, type Facts, type Words } from "./messages";

export type OutboxRow = typeof import("../../db/schema.sqlite").mailOutbox.$inferSelect;

export interface RenderedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The unsubscribe link of this mail, when it has one (also the List-Unsubscribe header). */
  unsubscribe: string | null;
}

type Recipient = NonNullable<Awaited<ReturnType<typeof loadActor>>> & { locale: Locale };

/** What one item says, before the frame (greeting, footer) is put around it. */
interface Piece {
  subject: string;
  body: string;
  action: string;
  link: string;
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

export function formatDay(day: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(intlLocale(locale), { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(date);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function paragraphs(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p style="margin:0 0 16px">${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

async function recipientOf(database: Database, userId: string): Promise<Recipient | null> {
  const actor = await loadActor(database, userId);
  if (!actor) return null;
  const [row] = await database.db.select({ locale: database.t.user.locale }).from(database.t.user).where(eq(database.t.user.id, userId)).limit(1);
  return { ...actor, locale: isLocale(row?.locale) ? row.locale : DEFAULT_LOCALE };
}

async function names(database: Database, data: Record<string, unknown>): Promise<{ workspace: string; section: string; actor: string }> {
  const { db, t } = database;
  const [ws] = str(data.workspaceId) ? await db.select({ title: t.workspaces.title }).from(t.workspaces).where(eq(t.workspaces.id, str(data.workspaceId))).limit(1) : [];
  const [section] = str(data.sectionId) ? await db.select({ title: t.sections.title }).from(t.sections).where(eq(t.sections.id, str(data.sectionId))).limit(1) : [];
  const actor = str(data.actorId) ? await loadActorName(database, str(data.actorId)) : "";
  return { workspace: ws?.title ?? "", section: section?.title ?? "", actor };
}

async function loadActorName(database: Database, userId: string): Promise<string> {
  const { db, t } = database;
  const [row] = await db
    .select({ name: t.user.name, org: t.organisations.shortCode })
    .from(t.user)
    .leftJoin(t.organisations, eq(t.organisations.id, t.user.organisationId))
    .where(eq(t.user.id, userId))
    .limit(1);
  return row ? (row.org ? `${row.name} (${row.org})` : row.name) : "";
}

/** May the recipient see the section (and the thread) this mail is about, now? Returns what they may read. */
async function mayRead(database: Database, who: Actor, data: Record<string, unknown>): Promise<{ section: boolean; thread: boolean }> {
  const sectionId = str(data.sectionId);
  const workspaceId = str(data.workspaceId);
  try {
    if (sectionId) {
      const { facts } = await loadSectionFacts(database, who, sectionId);
      if (!canSection(who, "section.view", facts)) return { section: false, thread: false };
      const threadId = str(data.threadId);
      if (!threadId) return { section: true, thread: false };
      const { db, t } = database;
      const [thread] = await db
        .select({ visibility: t.commentThreads.visibility, organisationId: t.commentThreads.organisationId, authorId: t.commentThreads.authorId, sectionId: t.commentThreads.sectionId })
        .from(t.commentThreads)
        .where(eq(t.commentThreads.id, threadId))
        .limit(1);
      if (!thread || thread.sectionId !== sectionId) return { section: true, thread: false };
      const thread_ = canThread(who, "thread.view", { ...facts, visibility: thread.visibility, threadOrganisationId: thread.organisationId, threadAuthorId: thread.authorId });
      return { section: true, thread: thread_ };
    }
    if (workspaceId) {
      const facts = await loadWorkspaceFacts(database, who, workspaceId);
      return { section: canWorkspace(who, "workspace.view", facts), thread: false };
    }
  } catch (error) {
    if (error instanceof NotFound) return { section: false, thread: false };
    throw error;
  }
  return { section: false, thread: false };
}

/** One notification-like row as a piece of a mail, or null when the recipient may not read it now. */
async function pieceFor(database: Database, env: Env, row: OutboxRow, who: Recipient, w: Words): Promise<Piece | null> {
  const data = (typeof row.data === "string" ? JSON.parse(row.data) : row.data) as Record<string, unknown>;
  const base = env.PUBLIC_URL;
  const read = await mayRead(database, who, data);
  if (!read.section) return null;
  const n = await names(database, data);
  const facts: Facts = {
    actor: n.actor,
    section: n.section,
    workspace: n.workspace,
    dueDate: str(data.dueDate) ? formatDay(str(data.dueDate), who.locale) : "",
    note: str(data.note),
    excerpt: "",
    role: "",
    expires: "",
    organisation: str(data.organisationName),
  };
  const sectionLink = `${base}/s/${str(data.sectionId)}`;
  const kind = row.kind;
  if (kind === "mention" || kind === "assignment") {
    // The thread's words only to whom the policy lets read the thread; no thread, no mail.
    if (!read.thread) return null;
    facts.excerpt = str(data.excerpt);
    const words = w.kinds[kind];
    return { subject: words.subject(facts), body: words.body(facts), action: words.action, link: `${sectionLink}?thread=${encodeURIComponent(str(data.threadId))}` };
  }
  if (kind === "review_request" || kind === "changes_requested" || kind === "approval" || kind === "ready_for_signoff") {
    if (kind === "ready_for_signoff") {
      const [section] = await database.db.select({ status: database.t.sections.status }).from(database.t.sections).where(eq(database.t.sections.id, str(data.sectionId))).limit(1);
      if (section?.status !== "approved") return null;
    }
    const words = w.kinds[kind];
    const link = kind === "review_request" || kind === "ready_for_signoff" ? `${sectionLink}/review` : sectionLink;
    return { subject: words.subject(facts), body: words.body(facts), action: words.action, link };
  }
  if (kind === "reminder") {
    const stage = str(data.stage) as "soon" | "today" | "overdue";
    const subject = str(data.subject) === "review" ? "review" : "workspace";
    const words = w.reminder[stage]?.[subject];
    if (!words) return null;
    const link = subject === "review" ? `${sectionLink}/review` : `${base}/w/${str(data.workspaceId)}`;
    return { subject: words.subject(facts), body: words.body(facts), action: words.action, link };
  }
  return null;
}

function frame(env: Env, who: { name: string | null; locale: Locale }, w: Words, subject: string, bodyText: string, bodyHtml: string, unsubscribe: string | null, kindName: string | null): Omit<RenderedMail, "to" | "unsubscribe"> {
  const settings = `${env.PUBLIC_URL}/settings/mail`;
  const footerText = [w.footer.why, `${w.footer.settings}: ${settings}`, unsubscribe ? `${kindName ? w.footer.unsubscribe(kindName) : w.footer.unsubscribeAll}: ${unsubscribe}` : ""].filter(Boolean).join("\n");
  const text = `${w.greeting(who.name)}\n\n${bodyText}\n\n-- \n${footerText}\n`;
  const footerHtml = `<p style="margin:24px 0 0;color:#555;font-size:13px">${escapeHtml(w.footer.why)}<br><a href="${escapeHtml(settings)}">${escapeHtml(w.footer.settings)}</a>${
    unsubscribe ? ` · <a href="${escapeHtml(unsubscribe)}">${escapeHtml(kindName ? w.footer.unsubscribe(kindName) : w.footer.unsubscribeAll)}</a>` : ""
  }</p>`;
  const html = `<!doctype html><html lang="${who.locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a;max-width:640px;margin:0 auto;padding:24px">${paragraphs(w.greeting(who.name))}${bodyHtml}${footerHtml}</body></html>`;
  return { subject, text, html };
}

function pieceText(p: Piece): string {
  return `${p.body}\n\n${p.action}: ${p.link}`;
}

function pieceHtml(p: Piece): string {
  return `${paragraphs(p.body)}<p style="margin:0 0 16px"><a href="${escapeHtml(p.link)}" style="display:inline-block;padding:8px 16px;background:#154273;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(p.action)}</a></p>`;
}

/**
 * The mail for an outbox row, or null when it should not go out any more (the recipient was disabled,
 * may no longer see what it is about, the invitation was used or revoked, the section is no longer
 * ready). Digest items are read from the database by the ids in the digest's data.
 */
export async function renderMail(database: Database, env: Env, row: OutboxRow, now: Date): Promise<RenderedMail | null> {
  const data = (typeof row.data === "string" ? JSON.parse(row.data) : row.data) as Record<string, unknown>;
  if (row.kind === "invitation") return renderInvitation(database, env, row, data, now);
  if (!row.userId) return null;
  const who = await recipientOf(database, row.userId);
  if (!who) return null;
  const w = WORDS[who.locale];
  if (row.kind === "password_reset") {
    const url = str(data.url);
    if (!url) return null;
    const words = w.kinds.password_reset;
    const p: Piece = { subject: words.subject({} as Facts), body: words.body({} as Facts), action: words.action, link: url };
    return { to: row.toAddress, unsubscribe: null, ...frame(env, who, w, p.subject, pieceText(p), pieceHtml(p), null, null) };
  }
  if (row.kind === "second_factor_reset") {
    const n = await names(database, { actorId: str(data.actorId) || null });
    const words = w.kinds.second_factor_reset;
    const facts = { actor: n.actor } as Facts;
    const p: Piece = { subject: words.subject(facts), body: words.body(facts), action: words.action, link: `${env.PUBLIC_URL}/sign-in` };
    return { to: row.toAddress, unsubscribe: null, ...frame(env, who, w, p.subject, pieceText(p), pieceHtml(p), null, null) };
  }
  if (row.kind === "digest") {
    const ids = Array.isArray(data.itemIds) ? data.itemIds.filter((x): x is string => typeof x === "string") : [];
    const { db, t } = database;
    const items = ids.length ? await db.select().from(t.mailOutbox).where(and(inArray(t.mailOutbox.id, ids), eq(t.mailOutbox.userId, row.userId))) : [];
    items.sort((a, b) => new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime());
    const pieces: Piece[] = [];
    for (const item of items) {
      const p = await pieceFor(database, env, item, who, w);
      if (p) pieces.push(p);
    }
    if (!pieces.length) return null;
    const unsubscribe = unsubscribeUrl(env, who.id, "all");
    const subject = w.digest.subject(pieces.length);
    const text = `${w.digest.intro}\n\n${pieces.map((p) => `- ${p.subject}\n  ${p.link}`).join("\n\n")}`;
    const html = `${paragraphs(w.digest.intro)}<ul style="padding-left:20px">${pieces
      .map((p) => `<li style="margin-bottom:12px"><a href="${escapeHtml(p.link)}">${escapeHtml(p.subject)}</a></li>`)
      .join("")}</ul>`;
    return { to: row.toAddress, unsubscribe, ...frame(env, who, w, subject, text, html, unsubscribe, null) };
  }
  if (!isMailKind(row.kind)) return null;
  const p = await pieceFor(database, env, row, who, w);
  if (!p) return null;
  const unsubscribe = unsubscribeUrl(env, who.id, row.kind as MailKind);
  return { to: row.toAddress, unsubscribe, ...frame(env, who, w, p.subject, pieceText(p), pieceHtml(p), unsubscribe, w.kindNames[row.kind as MailKind]) };
}

async function renderInvitation(database: Database, env: Env, row: OutboxRow, data: Record<string, unknown>, now: Date): Promise<RenderedMail | null> {
  const { db, t } = database;
  const [inv] = await db.select().from(t.invitations).where(eq(t.invitations.id, str(data.invitationId))).limit(1);
  if (!inv || inv.acceptedAt || inv.revokedAt || new Date(inv.expiresAt).getTime() <= now.getTime()) return null;
  const url = str(data.url);
  if (!url) return null;
  const locale: Locale = isLocale(data.locale) ? data.locale : DEFAULT_LOCALE;
  const w = WORDS[locale];
  const n = await names(database, { workspaceId: inv.workspaceId, actorId: inv.invitedBy });
  const expires = new Intl.DateTimeFormat(intlLocale(locale), { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/Amsterdam" }).format(new Date(inv.expiresAt));
  const facts: Facts = { actor: n.actor, section: "", workspace: n.workspace, dueDate: "", note: "", excerpt: "", role: w.roles[inv.role] ?? inv.role, expires, organisation: "" };
  const words = w.kinds.invitation;
  const p: Piece = { subject: words.subject(facts), body: words.body(facts), action: words.action, link: url };
  // The invitee has no account yet, so no name: the greeting addresses them without one.
  const who = { name: null, locale };
  return { to: row.toAddress, unsubscribe: null, ...frame(env, who, w, p.subject, pieceText(p), pieceHtml(p), null, null) };
}
