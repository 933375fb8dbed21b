/**
 * The suggestion log (ADR 033): every suggestion made in a section's text, kept after its marks leave
 * the text, with its outcome. Two ways in, both on the collab server:
 *
 * - after changes to a section were stored (its afterStore hook, debounced per section), the stored
 *   text is read: suggestions not yet logged are added (person and organisation from the mark, which
 *   the server checked against the writer's session, ADR 027), open ones get their current text, and
 *   open ones whose marks are gone get an outcome read from the text (an insertion whose text is still
 *   there was accepted, a deletion whose text is still there was rejected) unless one was given;
 * - the editor sends `suggestion.decide` over the stateless channel with the accept or reject it just
 *   made (the ids, the outcome, an optional reason). The channel asks `section.edit`, so only those
 *   who may accept say why; the person deciding comes from the session.
 */
import { and, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/index";
import { SUGGESTION_MARKS, formattingOf, listSuggestions, parseFormatting, type Suggestion } from "../../app/shared/suggestions";
import {
  SUGGESTION_DECIDE,
  type SuggestionDecision,
} from "../../app/shared/consultation";
import { StatelessRefused, type StatelessHook } from "../collab/hooks";
import { toProseMirror } from "../document";
import type { Logger } from "../log";
import { readSectionDoc, type LoadedReader } from "./section-text";

const decisionSchema = z.object({
  type: z.literal(SUGGESTION_DECIDE),
  ids: z.array(z.string().min(1).max(100)).min(1).max(500),
  outcome: z.enum(["accepted", "rejected"]),
  reason: z.string().trim().max(1000).default(""),
});

/** The plain text of a doc's blocks, each block on its own line (what an outcome is read from). */
function plainText(doc: ReturnType<typeof toProseMirror>): string {
  const lines: string[] = [];
  doc.descendants((node) => {
    if (node.isTextblock) {
      let line = "";
      node.forEach((child) => {
        if (
          child.isText &&
          !child.marks.some(
            (m) => m.type.name === "insertion" || m.type.name === "deletion"
          )
        )
          line += child.text ?? "";
      });
      lines.push(line);
      return false;
    }
    return true;
  });
  return lines.join("\n");
}

/**
 * The text of a doc's blocks that carries all the formatting `add` names and none `remove` names, runs
 * joined per block (what a formatting suggestion's outcome is read from: its text formatted so was
 * accepted).
 */
function formattedText(doc: ReturnType<typeof toProseMirror>, formatting: string): string {
  const { add, remove } = parseFormatting(formatting);
  const lines: string[] = [];
  doc.descendants((node) => {
    if (!node.isTextblock) return true;
    let line = "";
    node.forEach((child) => {
      const names = child.marks.map((m) => m.type.name);
      line += child.isText && add.every((n) => names.includes(n)) && !remove.some((n) => names.includes(n)) ? (child.text ?? "") : "\n";
    });
    lines.push(line);
    return false;
  });
  return lines.join("\n");
}

/** A suggestion as the log keeps it (a formatting suggestion's text in `inserted`). */
const logEntry = (s: Suggestion) => ({ kind: s.kind, inserted: s.kind === "format" ? s.formatted : s.inserted, deleted: s.deleted, formatting: formattingOf(s) });

/** Brings the log of `sectionId` up to date with its stored text. */
export async function recordSuggestionsUnchecked(
  database: Database,
  sectionId: string,
  loaded?: LoadedReader
): Promise<void> {
  const { db, t } = database;
  const { open, plain, formatted } = await readSectionDoc(
    database,
    sectionId,
    (doc) => {
      const pm = toProseMirror(doc);
      return { open: listSuggestions(pm), plain: plainText(pm), formatted: (formatting: string) => formattedText(pm, formatting) };
    },
    loaded
  );
  const [section] = await db
    .select({ id: t.sections.id })
    .from(t.sections)
    .where(eq(t.sections.id, sectionId))
    .limit(1);
  if (!section) return;
  const logged = await db
    .select({
      id: t.suggestionLog.suggestionId,
      kind: t.suggestionLog.kind,
      inserted: t.suggestionLog.inserted,
      deleted: t.suggestionLog.deleted,
      formatting: t.suggestionLog.formatting,
      outcome: t.suggestionLog.outcome,
    })
    .from(t.suggestionLog)
    .where(eq(t.suggestionLog.sectionId, sectionId));
  const byId = new Map(logged.map((r) => [r.id, r]));
  const present = new Set<string>();
  await database.transaction(async (tx) => {
    for (const s of open) {
      present.add(s.id);
      const row = byId.get(s.id);
      if (!row) {
        const time = s.time ? new Date(s.time) : new Date();
        // A forged organisation or person cannot reach here (ADR 027); an unknown one (deleted since) is left out.
        const [org] = s.organisationId
          ? await tx
              .select({ id: t.organisations.id })
              .from(t.organisations)
              .where(eq(t.organisations.id, s.organisationId))
              .limit(1)
          : [];
        const [usr] = s.userId
          ? await tx
              .select({ id: t.user.id })
              .from(t.user)
              .where(eq(t.user.id, s.userId))
              .limit(1)
          : [];
        await tx
          .insert(t.suggestionLog)
          .values({
            sectionId,
            suggestionId: s.id,
            userId: usr?.id ?? null,
            organisationId: org?.id ?? null,
            authorName: s.name ?? "",
            ...logEntry(s),
            createdAt: Number.isNaN(time.getTime()) ? new Date() : time,
          })
          .onConflictDoNothing();
      } else if (
        row.outcome === null &&
        (row.kind !== s.kind ||
          row.inserted !== logEntry(s).inserted ||
          row.deleted !== s.deleted ||
          row.formatting !== logEntry(s).formatting)
      ) {
        await tx
          .update(t.suggestionLog)
          .set(logEntry(s))
          .where(
            and(
              eq(t.suggestionLog.sectionId, sectionId),
              eq(t.suggestionLog.suggestionId, s.id)
            )
          );
      }
    }
    for (const row of logged) {
      if (row.outcome !== null || present.has(row.id)) continue;
      // Gone from the text without a decision sent with it: read the outcome from the text.
      const accepted = row.kind === "format"
        ? formatted(row.formatting).includes(row.inserted)
        : row.inserted
        ? plain.includes(row.inserted)
        : !plain.includes(row.deleted);
      await tx
        .update(t.suggestionLog)
        .set({
          outcome: accepted ? "accepted" : "rejected",
          decidedAt: new Date(),
        })
        .where(
          and(
            eq(t.suggestionLog.sectionId, sectionId),
            eq(t.suggestionLog.suggestionId, row.id),
            isNull(t.suggestionLog.outcome)
          )
        );
    }
  });
}

/**
 * Whether a stored update may add, change or end a suggestion: it names one of the suggestion marks
 * (adding, accepting or rejecting one, or typing inside one), or it deletes something (text that may
 * hold one). Text typed outside suggestions does neither. The delete set is the end of an update: an
 * empty one is a single 0 byte, while a non-empty one ends with a length, whose last byte is never 0
 * (the collab server decoded every stored update, so it is well formed).
 */
export function mayChangeSuggestions(update: Uint8Array): boolean {
  if (update.byteLength === 0 || update[update.byteLength - 1] !== 0) return true;
  const bytes = Buffer.from(update.buffer, update.byteOffset, update.byteLength);
  return SUGGESTION_MARKS.some((name) => bytes.includes(name));
}

/**
 * Records who accepted or rejected the suggestions `decision.ids` of `sectionId`, and why. Overrides an
 * outcome read from the text (no decider) but not one given by a person. Returns how many rows changed.
 */
export async function decideSuggestionsUnchecked(
  database: Database,
  deciderId: string,
  sectionId: string,
  decision: SuggestionDecision
): Promise<number> {
  const { t } = database;
  return database.transaction(async (tx) => {
    const rows = await tx
      .select({ id: t.suggestionLog.suggestionId })
      .from(t.suggestionLog)
      .where(
        and(
          eq(t.suggestionLog.sectionId, sectionId),
          inArray(t.suggestionLog.suggestionId, decision.ids),
          isNull(t.suggestionLog.decidedBy)
        )
      );
    if (!rows.length) return 0;
    await tx
      .update(t.suggestionLog)
      .set({
        outcome: decision.outcome,
        reason: decision.reason ?? "",
        decidedBy: deciderId,
        decidedAt: new Date(),
      })
      .where(
        and(
          eq(t.suggestionLog.sectionId, sectionId),
          inArray(
            t.suggestionLog.suggestionId,
            rows.map((r) => r.id)
          ),
          isNull(t.suggestionLog.decidedBy)
        )
      );
    return rows.length;
  });
}

export interface SuggestionLogger {
  /** The stateless hook for `suggestion.decide` (verb section.edit). */
  hook: StatelessHook;
  /**
   * What the afterStore hook calls: brings the section's log up to date soon; with the `updates`
   * stored, only when one of them may change a suggestion (mayChangeSuggestions): plain typing does not.
   */
  schedule(sectionId: string, updates?: readonly Uint8Array[]): void;
  /** Resolves once every pending and running update of the log has finished. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The suggestion log of one server: `schedule` after stored changes (debounced per section, one run at
 * a time per section), `hook` for decisions sent by editors.
 */
export function createSuggestionLogger(
  services: { database: Database; log: Logger },
  delayMs = 200,
  loaded?: LoadedReader
): SuggestionLogger {
  const { database, log } = services;
  const record = (sectionId: string) => recordSuggestionsUnchecked(database, sectionId, loaded);
  const timers = new Map<string, NodeJS.Timeout>();
  const chains = new Map<string, Promise<void>>();
  const waiting = new Set<() => void>();
  let stopped = false;

  const idle = () => timers.size === 0 && chains.size === 0;
  const wake = () => {
    if (!idle()) return;
    for (const w of [...waiting]) w();
    waiting.clear();
  };
  const enqueue = (sectionId: string, work: () => Promise<unknown>) => {
    const previous = chains.get(sectionId) ?? Promise.resolve();
    const next = previous
      .then(work)
      .then(() => undefined)
      .catch((error: unknown) =>
        log.error("recording suggestions failed", {
          sectionId,
          error: String(error),
        })
      );
    chains.set(sectionId, next);
    void next.finally(() => {
      if (chains.get(sectionId) === next) chains.delete(sectionId);
      wake();
    });
    return next;
  };

  return {
    hook: {
      name: "suggestion log",
      verb: "section.edit",
      async handle(message) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(message.payload);
        } catch {
          return; // not for this hook
        }
        if (
          !parsed ||
          typeof parsed !== "object" ||
          (parsed as { type?: unknown }).type !== SUGGESTION_DECIDE
        )
          return;
        const decision = decisionSchema.safeParse(parsed);
        if (!decision.success) throw new StatelessRefused();
        // After the log caught up with the change the decision came with (it may still be stored).
        await enqueue(message.sectionId, async () => {
          await record(message.sectionId).catch(() => undefined);
          await decideSuggestionsUnchecked(
            database,
            message.actor.id,
            message.sectionId,
            decision.data
          );
        });
      },
    },
    schedule(sectionId, updates) {
      if (stopped || timers.has(sectionId)) return;
      if (updates && !updates.some(mayChangeSuggestions)) return;
      const timer = setTimeout(() => {
        timers.delete(sectionId);
        void enqueue(sectionId, () => record(sectionId));
      }, delayMs);
      timer.unref();
      timers.set(sectionId, timer);
    },
    settled() {
      if (idle()) return Promise.resolve();
      return new Promise<void>((resolve) => waiting.add(resolve));
    },
    async close() {
      stopped = true;
      for (const [sectionId, timer] of timers) {
        clearTimeout(timer);
        timers.delete(sectionId);
        void enqueue(sectionId, () => record(sectionId));
      }
      await Promise.allSettled([...chains.values()]);
    },
  };
}
