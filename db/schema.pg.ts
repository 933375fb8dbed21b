/**
 * Overleg's tables for PostgreSQL: the same tables and columns as `schema.sqlite.ts` (a test holds the
 * two together). Edit both files together, then `npm run db:generate`.
 */
import { bigint, bigserial, boolean, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { CommentKind } from "../app/shared/comments";
import type { DocumentLanguage, OrganisationKind, Role, SectionStatus, Visibility } from "../app/shared/domain";

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });
const id = () => text("id").primaryKey();
const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const bool = (name: string) => boolean(name);
const bytes = (name: string) => bytea(name);
const json = <T>(name: string) => jsonb(name).$type<T>();

// ── better-auth ──────────────────────────────────────────────────────────────────────────────────
export const user = pgTable("user", {
  id: id(),
  name: text("name").notNull(),
  email: text("email").notNull().unique(),
  emailVerified: bool("email_verified").notNull().default(false),
  image: text("image"),
  createdAt: createdAt(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
  organisationId: text("organisation_id").references(() => organisations.id, { onDelete: "set null" }),
  isAdmin: bool("is_admin").notNull().default(false),
  locale: text("locale"),
  disabledAt: ts("disabled_at"),
  /** better-auth's two-factor plugin: TOTP set up and verified. */
  twoFactorEnabled: bool("two_factor_enabled").notNull().default(false),
  /** An admin reset the second factor (a lost authenticator): it must be set up again; cleared when it is. */
  twoFactorResetAt: ts("two_factor_reset_at"),
});

export const session = pgTable(
  "session",
  {
    id: id(),
    expiresAt: ts("expires_at").notNull(),
    token: text("token").notNull().unique(),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    /** When this session last gave a second factor (sign-in or step-up); null: never. */
    secondFactorAt: ts("second_factor_at"),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
  },
  (t) => [index("session_user_idx").on(t.userId)],
);

export const account = pgTable(
  "account",
  {
    id: id(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: ts("access_token_expires_at"),
    refreshTokenExpiresAt: ts("refresh_token_expires_at"),
    scope: text("scope"),
    password: text("password"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("account_user_idx").on(t.userId)],
);

export const verification = pgTable("verification", {
  id: id(),
  identifier: text("identifier").notNull(),
  value: text("value").notNull(),
  expiresAt: ts("expires_at").notNull(),
  createdAt: createdAt(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/** better-auth's two-factor plugin: one TOTP secret and the recovery codes per person (both encrypted). */
export const twoFactor = pgTable(
  "two_factor",
  {
    id: id(),
    secret: text("secret").notNull(),
    backupCodes: text("backup_codes").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    verified: bool("verified").default(true),
    failedVerificationCount: integer("failed_verification_count").default(0),
    lockedUntil: ts("locked_until"),
  },
  (t) => [uniqueIndex("two_factor_user_idx").on(t.userId)],
);

/** Whether a second factor is required of people with a role ("admin" or a workspace role); no row: the default. */
export const twoFactorRoles = pgTable("two_factor_roles", {
  role: text("role").primaryKey(),
  required: bool("required").notNull(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

// ── organisations, workspaces, people ───────────────────────────────────────────────────────────
export const organisations = pgTable("organisations", {
  id: id(),
  kind: text("kind").notNull().$type<OrganisationKind>(),
  name: text("name").notNull(),
  shortCode: text("short_code").notNull().unique(),
  /** Whether its people must use a second factor: true, false, or null for the default (docs/decisions/022). */
  requireTwoFactor: bool("require_two_factor"),
  /** Its people sign in only through one of its single sign-on providers, never with a password (docs/decisions/029). */
  requireSso: bool("require_sso").notNull().default(false),
  createdAt: createdAt(),
});

/**
 * An OpenID Connect provider an admin configured for an organisation (docs/decisions/029): its people
 * sign in through it. `domains` are the email domains it may speak for (lower case, at least one; a
 * domain belongs to one organisation). The client secret is stored encrypted with BETTER_AUTH_SECRET.
 */
export const ssoProviders = pgTable(
  "sso_providers",
  {
    id: id(),
    organisationId: text("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    issuer: text("issuer").notNull(),
    clientId: text("client_id").notNull(),
    clientSecret: text("client_secret").notNull(),
    domains: json<string[]>("domains").notNull(),
    /** People of its domains without an account are created on first sign-in (else they need an invitation). */
    createPeople: bool("create_people").notNull().default(true),
    enabled: bool("enabled").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("sso_providers_organisation_idx").on(t.organisationId)],
);

/**
 * An agenda: the document being written (the action agenda on critical raw materials is one). Its
 * workspaces are written in `language`, whatever each reader's interface language is.
 */
export const agendas = pgTable("agendas", {
  id: id(),
  title: text("title").notNull(),
  description: text("description").notNull().default(""),
  publicationDate: text("publication_date"), // ISO date (yyyy-mm-dd)
  language: text("language").notNull().default("nl").$type<DocumentLanguage>(),
  ownerOrganisationId: text("owner_organisation_id").references(() => organisations.id, { onDelete: "set null" }),
  /** The agenda is under consultation: input from organisations outside a workspace's lead gets a disposition. */
  consultation: bool("consultation").notNull().default(false),
  /** Under consultation, the office may publish only when every external input has a disposition. */
  requireDispositions: bool("require_dispositions").notNull().default(false),
  position: integer("position").notNull().default(0),
  archivedAt: ts("archived_at"),
  createdAt: createdAt(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/** The people who own an agenda: they edit its settings and create, order and archive its workspaces. */
export const agendaOwners = pgTable(
  "agenda_owners",
  {
    agendaId: text("agenda_id")
      .notNull()
      .references(() => agendas.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.agendaId, t.userId] }), index("agenda_owners_user_idx").on(t.userId)],
);

export const workspaces = pgTable("workspaces", {
  id: id(),
  agendaId: text("agenda_id").references(() => agendas.id, { onDelete: "restrict" }),
  title: text("title").notNull(),
  description: text("description").notNull().default(""),
  deadline: text("deadline"), // ISO date (yyyy-mm-dd)
  leadOrganisationId: text("lead_organisation_id").references(() => organisations.id, { onDelete: "set null" }),
  position: integer("position").notNull().default(0),
  archivedAt: ts("archived_at"),
  createdAt: createdAt(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

export const memberships = pgTable(
  "memberships",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    role: text("role").notNull().$type<Role>(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index("memberships_user_idx").on(t.userId)],
);

/** Organisations whose approval a workspace's sections need. */
export const workspaceApprovers = pgTable(
  "workspace_approvers",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    organisationId: text("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.organisationId] })],
);

export const invitations = pgTable(
  "invitations",
  {
    id: id(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role").notNull().$type<Role>(),
    organisationId: text("organisation_id").references(() => organisations.id, { onDelete: "set null" }),
    tokenHash: text("token_hash").notNull().unique(),
    invitedBy: text("invited_by").references(() => user.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    expiresAt: ts("expires_at").notNull(),
    acceptedAt: ts("accepted_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("invitations_workspace_idx").on(t.workspaceId)],
);

// ── sections and their Yjs state ────────────────────────────────────────────────────────────────
export const sections = pgTable(
  "sections",
  {
    id: id(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    position: integer("position").notNull().default(0),
    status: text("status").notNull().default("draft").$type<SectionStatus>(),
    lockedBy: text("locked_by").references(() => user.id, { onDelete: "set null" }),
    lockedAt: ts("locked_at"),
    archivedAt: ts("archived_at"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("sections_workspace_idx").on(t.workspaceId, t.position)],
);

/** A named list of sections with starter text, per agenda ("Aanleiding / Aanbeveling / Acties en planning"). */
export const sectionTemplates = pgTable(
  "section_templates",
  {
    id: id(),
    agendaId: text("agenda_id")
      .notNull()
      .references(() => agendas.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdBy: text("created_by").references(() => user.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("section_templates_agenda_idx").on(t.agendaId)],
);

/** One section of a template: its title and starter text (a ProseMirror document as JSON). */
export const sectionTemplateItems = pgTable(
  "section_template_items",
  {
    templateId: text("template_id")
      .notNull()
      .references(() => sectionTemplates.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    title: text("title").notNull(),
    content: json<unknown>("content"),
  },
  (t) => [primaryKey({ columns: [t.templateId, t.position] })],
);

/** Append-only log of accepted Yjs updates; folded into `yjsSnapshots` by compaction. */
export const yjsUpdates = pgTable(
  "yjs_updates",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    sectionId: text("section_id")
      .notNull()
      .references(() => sections.id, { onDelete: "cascade" }),
    data: bytes("data").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("yjs_updates_section_idx").on(t.sectionId, t.seq)],
);

/** The folded state of a section: every update with seq <= `upToSeq` is contained in `data`. */
export const yjsSnapshots = pgTable("yjs_snapshots", {
  sectionId: text("section_id")
    .primaryKey()
    .references(() => sections.id, { onDelete: "cascade" }),
  data: bytes("data").notNull(),
  upToSeq: bigint("up_to_seq", { mode: "number" }).notNull(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/**
 * Who owns each Yjs client id used in a section's text (ADR 028): recorded from the connection's
 * session in the same transaction as the first stored update that used it. The text's items carry
 * their client id, so the current text can be attributed after the log is folded into a snapshot.
 */
export const sectionClients = pgTable(
  "section_clients",
  {
    sectionId: text("section_id")
      .notNull()
      .references(() => sections.id, { onDelete: "cascade" }),
    clientId: bigint("client_id", { mode: "number" }).notNull(),
    userId: text("user_id").references(() => user.id, { onDelete: "set null" }),
    organisationId: text("organisation_id").references(() => organisations.id, { onDelete: "set null" }),
    firstSeen: timestamp("first_seen", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sectionId, t.clientId] })],
);

/**
 * Every suggestion made in a section's text (ADR 027, 033), recorded by the collab server when a stored
 * change adds it, with its outcome once it left the text (accepted or rejected, by whom, why): the
 * consultation record lists those from outside the lead organisation after the marks are gone.
 * Person and organisation are the mark's, which the server checked against the writer's session.
 */
export const suggestionLog = pgTable(
  "suggestion_log",
  {
    sectionId: text("section_id")
      .notNull()
      .references(() => sections.id, { onDelete: "cascade" }),
    suggestionId: text("suggestion_id").notNull(),
    userId: text("user_id").references(() => user.id, { onDelete: "set null" }),
    organisationId: text("organisation_id").references(() => organisations.id, { onDelete: "set null" }),
    authorName: text("author_name").notNull().default(""),
    kind: text("kind").notNull().$type<"insertion" | "deletion" | "replacement" | "format">(),
    inserted: text("inserted").notNull().default(""),
    deleted: text("deleted").notNull().default(""),
    /** A formatting suggestion (kind "format", ADR 043): the formatting added and removed, e.g. "+bold -italic"; its text is in `inserted`. */
    formatting: text("formatting").notNull().default(""),
    createdAt: ts("created_at").notNull().defaultNow(),
    outcome: text("outcome").$type<"accepted" | "rejected">(),
    decidedBy: text("decided_by").references(() => user.id, { onDelete: "set null" }),
    decidedAt: ts("decided_at"),
    reason: text("reason").notNull().default(""),
  },
  (t) => [primaryKey({ columns: [t.sectionId, t.suggestionId] }), index("suggestion_log_organisation_idx").on(t.organisationId)],
);

export const versions = pgTable(
  "versions",
  {
    id: id(),
    sectionId: text("section_id")
      .notNull()
      .references(() => sections.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    kind: text("kind").notNull().$type<"manual" | "review" | "decision" | "signoff" | "restore">(),
    state: bytes("state").notNull(),
    contentHash: text("content_hash").notNull(),
    createdBy: text("created_by").references(() => user.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("versions_section_idx").on(t.sectionId, t.createdAt)],
);

// ── comments and notifications ──────────────────────────────────────────────────────────────────
export const commentThreads = pgTable(
  "comment_threads",
  {
    id: id(),
    sectionId: text("section_id")
      .notNull()
      .references(() => sections.id, { onDelete: "cascade" }),
    anchorStart: bytes("anchor_start"),
    anchorEnd: bytes("anchor_end"),
    quote: text("quote").notNull().default(""),
    visibility: text("visibility").notNull().default("all").$type<Visibility>(),
    organisationId: text("organisation_id").references(() => organisations.id, { onDelete: "set null" }),
    authorId: text("author_id").references(() => user.id, { onDelete: "set null" }),
    resolvedAt: ts("resolved_at"),
    resolvedBy: text("resolved_by").references(() => user.id, { onDelete: "set null" }),
    /** When the thread's author confirmed a resolution made by someone else. */
    resolutionConfirmedAt: ts("resolution_confirmed_at"),
    /** Who is asked to act on the thread: one person, or one organisation (never both); null when nobody is. */
    assigneeUserId: text("assignee_user_id").references(() => user.id, { onDelete: "set null" }),
    assigneeOrganisationId: text("assignee_organisation_id").references(() => organisations.id, { onDelete: "set null" }),
    /** The day the assignee is asked to act by (yyyy-mm-dd), optional. */
    assignmentDueDate: text("assignment_due_date"),
    assignedBy: text("assigned_by").references(() => user.id, { onDelete: "set null" }),
    assignedAt: ts("assigned_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("comment_threads_section_idx").on(t.sectionId),
    index("comment_threads_assignee_user_idx").on(t.assigneeUserId),
    index("comment_threads_assignee_organisation_idx").on(t.assigneeOrganisationId),
  ],
);

/**
 * The owners' disposition of an input from outside a workspace's lead organisation during a
 * consultation (reactienota): a comment thread now, a suggestion (a mark id in the text) later.
 */
export const dispositions = pgTable(
  "dispositions",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    targetKind: text("target_kind").notNull().$type<"thread" | "suggestion">(),
    targetId: text("target_id").notNull(),
    disposition: text("disposition").notNull().$type<"adopted" | "partly_adopted" | "not_adopted">(),
    reason: text("reason").notNull().default(""),
    decidedBy: text("decided_by").references(() => user.id, { onDelete: "set null" }),
    decidedAt: ts("decided_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.targetKind, t.targetId] })],
);

export const comments = pgTable(
  "comments",
  {
    id: id(),
    threadId: text("thread_id")
      .notNull()
      .references(() => commentThreads.id, { onDelete: "cascade" }),
    authorId: text("author_id").references(() => user.id, { onDelete: "set null" }),
    /** "comment" (a reply), or an entry the thread shows: "resolved", "reopened", "confirmed". */
    kind: text("kind").notNull().default("comment").$type<CommentKind>(),
    body: text("body").notNull(),
    /** The people this comment mentions (user ids), checked on the server. */
    mentions: json<string[]>("mentions").notNull().default([]),
    createdAt: createdAt(),
    editedAt: ts("edited_at"),
    deletedAt: ts("deleted_at"),
  },
  (t) => [index("comments_thread_idx").on(t.threadId, t.createdAt)],
);

export const notifications = pgTable(
  "notifications",
  {
    id: id(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    workspaceId: text("workspace_id").references(() => workspaces.id, { onDelete: "cascade" }),
    sectionId: text("section_id").references(() => sections.id, { onDelete: "cascade" }),
    threadId: text("thread_id").references(() => commentThreads.id, { onDelete: "cascade" }),
    actorId: text("actor_id").references(() => user.id, { onDelete: "set null" }),
    data: json<Record<string, unknown>>("data").notNull().default({}),
    readAt: ts("read_at"),
    createdAt: createdAt(),
  },
  (t) => [index("notifications_user_idx").on(t.userId, t.createdAt)],
);

// ── review, sign-off, audit ─────────────────────────────────────────────────────────────────────
export const reviewRounds = pgTable(
  "review_rounds",
  {
    id: id(),
    sectionId: text("section_id")
      .notNull()
      .references(() => sections.id, { onDelete: "cascade" }),
    versionId: text("version_id")
      .notNull()
      .references(() => versions.id, { onDelete: "cascade" }),
    contentHash: text("content_hash").notNull(),
    requiredOrganisationIds: json<string[]>("required_organisation_ids").notNull(),
    requestedBy: text("requested_by").references(() => user.id, { onDelete: "set null" }),
    dueDate: text("due_date"),
    closedAt: ts("closed_at"),
    createdAt: createdAt(),
  },
  (t) => [index("review_rounds_section_idx").on(t.sectionId)],
);

export const reviewDecisions = pgTable(
  "review_decisions",
  {
    id: id(),
    roundId: text("round_id")
      .notNull()
      .references(() => reviewRounds.id, { onDelete: "cascade" }),
    organisationId: text("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    userId: text("user_id").references(() => user.id, { onDelete: "set null" }),
    decision: text("decision").notNull().$type<"approve" | "request_changes">(),
    note: text("note").notNull().default(""),
    contentHash: text("content_hash").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("review_decisions_round_idx").on(t.roundId)],
);

export const signoffs = pgTable(
  "signoffs",
  {
    id: id(),
    sectionId: text("section_id")
      .notNull()
      .references(() => sections.id, { onDelete: "cascade" }),
    versionId: text("version_id").references(() => versions.id, { onDelete: "set null" }),
    contentHash: text("content_hash").notNull(),
    userId: text("user_id").references(() => user.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    reopenedAt: ts("reopened_at"),
    reopenedBy: text("reopened_by").references(() => user.id, { onDelete: "set null" }),
    reopenReason: text("reopen_reason"),
  },
  (t) => [index("signoffs_section_idx").on(t.sectionId)],
);

/** Append-only, hash-chained: `hash` = SHA-256 over the previous event's hash and this event's fields. */
export const auditEvents = pgTable(
  "audit_events",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    id: text("id").notNull(),
    at: ts("at").notNull(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id").notNull(),
    workspaceId: text("workspace_id"),
    data: json<Record<string, unknown>>("data").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [uniqueIndex("audit_events_id_idx").on(t.id), index("audit_events_workspace_idx").on(t.workspaceId)],
);

/**
 * Signed checkpoints of the audit chain: the head (`eventSeq`, `eventHash`) at a moment, signed with
 * the audit key (Ed25519), which the database does not hold. See server/services/audit-anchor.ts.
 */
export const auditCheckpoints = pgTable(
  "audit_checkpoints",
  {
    id: id(),
    at: ts("at").notNull(),
    reason: text("reason").notNull(),
    eventSeq: bigint("event_seq", { mode: "number" }).notNull(),
    eventHash: text("event_hash").notNull(),
    keyId: text("key_id").notNull(),
    signature: text("signature").notNull(),
  },
  (t) => [index("audit_checkpoints_event_seq_idx").on(t.eventSeq)],
);

/** better-auth's rate-limit counters (sign-in attempts) when no Redis is configured. */
export const rateLimit = pgTable("rate_limit", {
  id: id(),
  key: text("key").notNull().unique(),
  count: integer("count").notNull(),
  lastRequest: bigint("last_request", { mode: "number" }).notNull(),
});

/** Bearer tokens for integrations (/api/v1): a person's rights, never more; only the hash is kept. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: id(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: createdAt(),
    expiresAt: ts("expires_at"),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);
// ── mail (server/mail) ──────────────────────────────────────────────────────────────────────────
/**
 * The durable outbox: one row per mail, written in the transaction of the change it tells about, and
 * sent by whichever node claims it (lease). `data` is what the mail says, rendered when it is sent.
 */
export const mailOutbox = pgTable(
  "mail_outbox",
  {
    id: id(),
    kind: text("kind").notNull(),
    userId: text("user_id").references(() => user.id, { onDelete: "cascade" }),
    toAddress: text("to_address").notNull(),
    data: json<Record<string, unknown>>("data").notNull().default({}),
    /** queued, sending, sent, failed, digest (waits for the daily digest), digested, dropped */
    status: text("status").notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at"),
    leaseOwner: text("lease_owner"),
    leaseUntil: ts("lease_until"),
    lastError: text("last_error"),
    /** Set for mails that must exist once (a reminder for one person, day and stage). */
    dedupeKey: text("dedupe_key").unique(),
    /** The digest mail this item went out in. */
    digestId: text("digest_id"),
    createdAt: createdAt(),
    sentAt: ts("sent_at"),
  },
  (t) => [index("mail_outbox_status_idx").on(t.status, t.nextAttemptAt), index("mail_outbox_user_idx").on(t.userId, t.status)],
);

/** Per person and kind of mail: immediately, daily (digest) or never. No row: the kind's default. */
export const mailPreferences = pgTable(
  "mail_preferences",
  {
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    mode: text("mode").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

/** Jobs that one node at a time runs (reminders, digests): who holds the lease, until when. */
export const jobLeases = pgTable("job_leases", {
  name: text("name").primaryKey(),
  owner: text("owner").notNull(),
  until: ts("until").notNull(),
});
