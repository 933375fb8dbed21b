/**
 * The consultation record's vocabulary, both sides (issue #16, ADR 028): what an input from outside a
 * workspace's lead organisation is (a comment thread, or a suggestion, kept in the suggestion log,
 * ADR 033), and the dispositions its owners give it.
 */
export const DISPOSITIONS = ["adopted", "partly_adopted", "not_adopted"] as const;
export type DispositionValue = (typeof DISPOSITIONS)[number];

export const INPUT_KINDS = ["thread", "suggestion"] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

/** How a suggestion left the text (ADR 033). */
export type SuggestionOutcome = "accepted" | "rejected";

/** The disposition an outcome suggests to the owners: accepted → adopted, rejected → not adopted. */
export const dispositionForOutcome = (outcome: SuggestionOutcome | null): DispositionValue | null =>
  outcome === "accepted" ? "adopted" : outcome === "rejected" ? "not_adopted" : null;

/** The stateless message an editor sends with an accept or reject (server/services/suggestion-log.ts). */
export const SUGGESTION_DECIDE = "suggestion.decide";

export interface SuggestionDecision {
  ids: string[];
  outcome: SuggestionOutcome;
  /** Why (optional, at most 1000 characters). */
  reason?: string;
}
