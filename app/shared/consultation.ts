/**
 * The consultation record's vocabulary, both sides (issue #16, ADR 028): what an input from outside a
 * workspace's lead organisation is (a comment thread, or a suggestion once suggestion mode stores
 * them), and the dispositions its owners give it.
 */
export const DISPOSITIONS = ["adopted", "partly_adopted", "not_adopted"] as const;
export type DispositionValue = (typeof DISPOSITIONS)[number];

export const INPUT_KINDS = ["thread", "suggestion"] as const;
export type InputKind = (typeof INPUT_KINDS)[number];
