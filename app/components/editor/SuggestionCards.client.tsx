/**
 * The open suggestions of a section as cards in the margin (ADR 027): who, their organisation (in its
 * colour), when, and the change. Editors and owners accept or reject one, all of one person, all of one
 * organisation, or all. Accepting an insertion keeps its text, accepting a deletion removes it;
 * rejecting does the opposite (app/shared/suggestions.ts). The collab server refuses an accept or
 * reject from anyone who may only suggest.
 */
import type { Editor } from "@tiptap/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { organisationColour } from "../../shared/collab";
import { listSuggestions, resolveSuggestions, type Suggestion, type SuggestionFilter } from "../../shared/suggestions";
import { formatMoment } from "../format";
import { useDateLocale } from "../root-data";
import { SUGGESTION_META } from "./suggest-mode";

export function SuggestionCards({ editor, canResolve }: { editor: Editor; canResolve: boolean }) {
  const { t } = useTranslation("editor");
  const dateLocale = useDateLocale();
  const [open, setOpen] = useState<Suggestion[]>(() => listSuggestions(editor.state.doc));

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

  const resolve = (accept: boolean, filter: SuggestionFilter) => {
    const tr = editor.state.tr;
    if (resolveSuggestions(tr, accept, filter) === 0) return;
    editor.view.dispatch(tr.setMeta(SUGGESTION_META, true));
  };

  if (open.length === 0) {
    return (
      <aside className="ov-suggestions" aria-label={t("suggest.cards")} data-suggestions="0">
        <p className="muted">{t("suggest.none")}</p>
      </aside>
    );
  }
  return (
    <aside className="ov-suggestions" aria-label={t("suggest.cards")} data-suggestions={open.length}>
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
            style={{ borderInlineStartColor: organisationColour(s.organisation ?? s.organisationId) }}
            aria-label={t("suggest.card", { name: s.name })}
          >
            <p className="ov-suggestion-card__who">
              <strong>{s.name}</strong>
              {s.organisation ? (
                <span className="ov-suggestion-card__org" style={{ backgroundColor: organisationColour(s.organisation ?? s.organisationId) }}>
                  {s.organisation}
                </span>
              ) : null}
              {s.time ? <time dateTime={s.time}> {formatMoment(s.time, dateLocale)}</time> : null}
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
            {canResolve ? (
              <div className="ov-suggestion-card__actions">
                <button type="button" onClick={() => resolve(true, { id: s.id })}>
                  {t("suggest.accept")}
                </button>
                <button type="button" onClick={() => resolve(false, { id: s.id })}>
                  {t("suggest.reject")}
                </button>
                <details>
                  <summary>…</summary>
                  <button type="button" onClick={() => resolve(true, { userId: s.userId })}>
                    {t("suggest.acceptPerson", { name: s.name })}
                  </button>
                  <button type="button" onClick={() => resolve(false, { userId: s.userId })}>
                    {t("suggest.rejectPerson", { name: s.name })}
                  </button>
                  {s.organisation ? (
                    <>
                      <button type="button" onClick={() => resolve(true, { organisationId: s.organisationId })}>
                        {t("suggest.acceptOrganisation", { organisation: s.organisation })}
                      </button>
                      <button type="button" onClick={() => resolve(false, { organisationId: s.organisationId })}>
                        {t("suggest.rejectOrganisation", { organisation: s.organisation })}
                      </button>
                    </>
                  ) : null}
                </details>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </aside>
  );
}
