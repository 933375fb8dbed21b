/**
 * The open suggestions of a section as cards in the margin (ADR 027): who, their organisation (in its
 * colour), when, and the change. Editors and owners accept or reject one, all of one person, all of one
 * organisation, or all. Accepting an insertion keeps its text, accepting a deletion removes it;
 * rejecting does the opposite (app/shared/suggestions.ts). A formatting suggestion (ADR 043) reads
 * "Bold: …"; accepting keeps the formatting, rejecting takes it back. The collab server refuses an accept or
 * reject from anyone who may only suggest. Accepting or rejecting one asks for an optional reason
 * (Enter confirms, Escape cancels), sent with the decision for the consultation record (ADR 033); the
 * card says which approvals accepting makes stale. "Reply" starts a comment thread on the suggested text.
 */
import type { Editor } from "@tiptap/core";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { organisationColour } from "../../shared/collab";
import type { SuggestionDecision } from "../../shared/consultation";
import {
  listSuggestions,
  resolveSuggestions,
  type Suggestion,
  type SuggestionFilter,
} from "../../shared/suggestions";
import { formatMoment } from "../format";
import { useDateLocale } from "../root-data";
import { SUGGESTION_META } from "./suggest-mode";

const matchesFilter = (s: Suggestion, filter: SuggestionFilter) =>
  filter === "all" ||
  ("id" in filter && s.id === filter.id) ||
  ("userId" in filter && s.userId === filter.userId) ||
  ("organisationId" in filter &&
    (s.organisationId ?? null) === filter.organisationId);

export interface SuggestionCardsProps {
  editor: Editor;
  canResolve: boolean;
  /** Called with each accept or reject made here (the ids it applied to, the outcome, the reason). */
  onDecide?: (decision: SuggestionDecision) => void;
  /** The organisations whose approval of the current text accepting a suggestion makes stale. */
  freshApprovals?: readonly string[];
}

export function SuggestionCards({
  editor,
  canResolve,
  onDecide,
  freshApprovals = [],
}: SuggestionCardsProps) {
  const { t } = useTranslation("editor");
  // The card whose accept or reject asks for a reason now.
  const [deciding, setDeciding] = useState<{
    id: string;
    accept: boolean;
  } | null>(null);
  const dateLocale = useDateLocale();
  const [open, setOpen] = useState<Suggestion[]>(() =>
    listSuggestions(editor.state.doc)
  );

  useEffect(() => {
    const update = () => setOpen(listSuggestions(editor.state.doc));
    editor.on("update", update);
    editor.on("create", update);
    update();
    return () => {
      editor.off("update", update);
      editor.off("create", update);
    };
  }, [editor]);

  const resolve = (accept: boolean, filter: SuggestionFilter, reason = "") => {
    const ids = listSuggestions(editor.state.doc)
      .filter((s) => matchesFilter(s, filter))
      .map((s) => s.id);
    const tr = editor.state.tr;
    if (resolveSuggestions(tr, accept, filter) === 0) return;
    editor.view.dispatch(tr.setMeta(SUGGESTION_META, true));
    if (ids.length)
      onDecide?.({
        ids,
        outcome: accept ? "accepted" : "rejected",
        reason: reason.trim(),
      });
  };

  // A reply is a comment thread on the suggested text: select it and start a thread (the comments column).
  const reply = (s: Suggestion) => {
    editor.chain().setTextSelection({ from: s.from, to: s.to }).run();
    const comments = editor.extensionManager.extensions.find(
      (e) => e.name === "overlegComments"
    );
    (comments?.options as { onStart?: () => void } | undefined)?.onStart?.();
  };

  if (open.length === 0) {
    return (
      <aside
        className="ov-suggestions"
        aria-label={t("suggest.cards")}
        data-suggestions="0"
      >
        <p className="muted">{t("suggest.none")}</p>
      </aside>
    );
  }
  return (
    <aside
      className="ov-suggestions"
      aria-label={t("suggest.cards")}
      data-suggestions={open.length}
    >
      {canResolve ? (
        <div className="ov-suggestions__all">
          <button type="button" onClick={() => resolve(true, "all")}>
            {t("suggest.acceptAll")}
          </button>
          <button type="button" onClick={() => resolve(false, "all")}>
            {t("suggest.rejectAll")}
          </button>
        </div>
      ) : null}
      <ul>
        {open.map((s) => (
          <li
            key={s.id}
            className="ov-suggestion-card"
            data-suggestion-id={s.id}
            style={{
              borderInlineStartColor: organisationColour(
                s.organisation ?? s.organisationId
              ),
            }}
            aria-label={t("suggest.card", { name: s.name })}
          >
            <p className="ov-suggestion-card__who">
              <strong>{s.name}</strong>
              {s.organisation ? (
                <span
                  className="ov-suggestion-card__org"
                  style={{
                    backgroundColor: organisationColour(
                      s.organisation ?? s.organisationId
                    ),
                  }}
                >
                  {s.organisation}
                </span>
              ) : null}
              {s.time ? (
                <time dateTime={s.time}>
                  {" "}
                  {formatMoment(s.time, dateLocale)}
                </time>
              ) : null}
            </p>
            {s.deleted ? (
              <p className="ov-suggestion-card__change">
                {t("suggest.deleted")}: <del>{s.deleted}</del>
              </p>
            ) : null}
            {s.inserted ? (
              <p className="ov-suggestion-card__change">
                {t("suggest.inserted")}: <ins>{s.inserted}</ins>
              </p>
            ) : null}
            {s.kind === "format" ? (
              <p className="ov-suggestion-card__change" data-format-change>
                {[
                  ...s.add.map((name) => (name === "italic" ? t("suggest.formatOn.italic") : t("suggest.formatOn.bold"))),
                  ...s.remove.map((name) => (name === "italic" ? t("suggest.formatOff.italic") : t("suggest.formatOff.bold"))),
                ].join(", ")}
                : <Formatted text={s.formatted} add={s.add} />
              </p>
            ) : null}
            {canResolve && freshApprovals.length > 0 ? (
              <p
                className="ov-suggestion-card__stale muted"
                data-stale-approvals={freshApprovals.length}
              >
                {t("suggest.staleOnAccept", {
                  organisations: freshApprovals.join(", "),
                  count: freshApprovals.length,
                })}
              </p>
            ) : null}
            {canResolve && deciding?.id === s.id ? (
              <DecideForm
                accept={deciding.accept}
                onCancel={() => setDeciding(null)}
                onConfirm={(reason) => {
                  setDeciding(null);
                  resolve(deciding.accept, { id: s.id }, reason);
                }}
              />
            ) : null}
            <div className="ov-suggestion-card__actions">
              <button type="button" onClick={() => reply(s)}>
                {t("suggest.reply")}
              </button>
              {canResolve ? (
                <>
                  <button
                    type="button"
                    aria-expanded={deciding?.id === s.id && deciding.accept}
                    onClick={() => setDeciding({ id: s.id, accept: true })}
                  >
                    {t("suggest.accept")}
                  </button>
                  <button
                    type="button"
                    aria-expanded={deciding?.id === s.id && !deciding.accept}
                    onClick={() => setDeciding({ id: s.id, accept: false })}
                  >
                    {t("suggest.reject")}
                  </button>
                  <details>
                    <summary>…</summary>
                    <button
                      type="button"
                      onClick={() => resolve(true, { userId: s.userId })}
                    >
                      {t("suggest.acceptPerson", { name: s.name })}
                    </button>
                    <button
                      type="button"
                      onClick={() => resolve(false, { userId: s.userId })}
                    >
                      {t("suggest.rejectPerson", { name: s.name })}
                    </button>
                    {s.organisation ? (
                      <>
                        <button
                          type="button"
                          onClick={() =>
                            resolve(true, { organisationId: s.organisationId })
                          }
                        >
                          {t("suggest.acceptOrganisation", {
                            organisation: s.organisation,
                          })}
                        </button>
                        <button
                          type="button"
                          onClick={() =>
                            resolve(false, { organisationId: s.organisationId })
                          }
                        >
                          {t("suggest.rejectOrganisation", {
                            organisation: s.organisation,
                          })}
                        </button>
                      </>
                    ) : null}
                  </details>
                </>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </aside>
  );
}

/** The optional reason of one accept or reject: Enter confirms, Escape cancels. */
function DecideForm({
  accept,
  onConfirm,
  onCancel,
}: {
  accept: boolean;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation("editor");
  const [reason, setReason] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => input.current?.focus(), []);
  return (
    <form
      className="ov-suggestion-card__decide"
      data-decide={accept ? "accept" : "reject"}
      onSubmit={(e) => {
        e.preventDefault();
        onConfirm(reason);
      }}
    >
      <label>
        {accept ? t("suggest.acceptReason") : t("suggest.rejectReason")}
        <textarea
          ref={input}
          rows={2}
          maxLength={1000}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.preventDefault();
              onCancel();
            } else if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              onConfirm(reason);
            }
          }}
        />
      </label>
      <button type="submit">
        {accept ? t("suggest.confirmAccept") : t("suggest.confirmReject")}
      </button>
      <button type="button" onClick={onCancel}>
        {t("suggest.cancel")}
      </button>
    </form>
  );
}

/** The text of a formatting suggestion, formatted as suggested. */
function Formatted({ text, add }: { text: string; add: readonly string[] }) {
  let out: ReactNode = text;
  if (add.includes("italic")) out = <em>{out}</em>;
  if (add.includes("bold")) out = <strong>{out}</strong>;
  return <span className="ov-suggestion-card__formatted">{out}</span>;
}
