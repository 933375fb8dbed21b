/**
 * A comment box with @mention autocomplete from the workspace's members: type "@" and a few letters,
 * choose with the arrow keys and Enter (or a click); the chosen person's name is written as "@Name"
 * and their id sent along, so the server can check and notify them. Ctrl/⌘+Enter sends.
 */
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { MemberRef } from "../../shared/comments";

export interface ComposerProps {
  label: string;
  placeholder: string;
  submitLabel: string;
  members: MemberRef[];
  initial?: string;
  autoFocus?: boolean;
  /** Sends; resolves true when accepted (the box is cleared), false to keep the text. */
  onSubmit(body: string, mentions: string[]): Promise<boolean>;
  onCancel?: () => void;
  children?: ReactNode;
}

/** A layout effect in the browser (before the next key is handled); nothing to lay out on the server. */
const useBeforeNextKey = typeof window === "undefined" ? useEffect : useLayoutEffect;

function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([^\s@][^@\n]{0,40}|)$/u.exec(before);
  if (!match) return null;
  return { start: before.length - match[2].length - 1, query: match[2] };
}

export function Composer(props: ComposerProps) {
  const { t } = useTranslation("comments");
  const id = useId();
  const [text, setText] = useState(props.initial ?? "");
  const [picked, setPicked] = useState<MemberRef[]>([]);
  const [caret, setCaret] = useState(0);
  const [highlight, setHighlight] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const [sending, setSending] = useState(false);
  const [empty, setEmpty] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  /** Where the caret goes once a chosen name is in the box (set by choose, placed right after that render). */
  const caretAfterChoice = useRef<number | null>(null);

  const query = mentionQuery(text, caret);
  const open = query !== null && dismissed !== query.start;
  const matches = useMemo(() => {
    if (!query) return [];
    const q = query.query.toLocaleLowerCase();
    return props.members
      .filter((m) => m.name.toLocaleLowerCase().split(/\s+/).some((w) => w.startsWith(q)) || m.name.toLocaleLowerCase().startsWith(q))
      .slice(0, 8);
  }, [props.members, query]);

  const choose = (member: MemberRef) => {
    if (!query) return;
    const before = text.slice(0, query.start);
    const after = text.slice(caret);
    const insert = `@${member.name} `;
    const next = before + insert + after;
    setText(next);
    setPicked((list) => (list.some((m) => m.id === member.id) ? list : [...list, member]));
    const position = before.length + insert.length;
    setCaret(position);
    caretAfterChoice.current = position;
  };

  // Placed as soon as the chosen name is rendered, before the next key press is handled: placing it a
  // frame later moved the caret back behind letters a quick typist had typed after the name.
  useBeforeNextKey(() => {
    const position = caretAfterChoice.current;
    if (position === null || !area.current) return;
    caretAfterChoice.current = null;
    area.current.focus();
    area.current.setSelectionRange(position, position);
  }, [text]);

  const submit = async () => {
    const body = text.trim();
    if (!body) {
      setEmpty(true);
      area.current?.focus();
      return;
    }
    setSending(true);
    const mentions = picked.filter((m) => body.includes(`@${m.name}`)).map((m) => m.id);
    const ok = await props.onSubmit(body, mentions).finally(() => setSending(false));
    if (ok) {
      setText("");
      setPicked([]);
    }
  };

  const listId = `${id}-mentions`;
  const activeId = open && matches[highlight] ? `${id}-m-${matches[highlight].id}` : undefined;
  return (
    <form
      className="ov-composer"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <label htmlFor={`${id}-text`} className="visually-hidden">
        {props.label}
      </label>
      <div className="ov-composer__field">
        <textarea
          id={`${id}-text`}
          ref={area}
          value={text}
          rows={3}
          maxLength={5000}
          placeholder={props.placeholder}
          autoFocus={props.autoFocus}
          aria-describedby={`${id}-hint${empty ? ` ${id}-empty` : ""}`}
          aria-invalid={empty || undefined}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open && matches.length > 0}
          aria-controls={listId}
          aria-activedescendant={activeId}
          onChange={(event) => {
            setText(event.target.value);
            setCaret(event.target.selectionStart ?? event.target.value.length);
            setHighlight(0);
            setEmpty(false);
          }}
          onSelect={(event) => setCaret(event.currentTarget.selectionStart ?? 0)}
          onKeyDown={(event) => {
            if (open && matches.length) {
              if (event.key === "ArrowDown" || event.key === "ArrowUp") {
                event.preventDefault();
                const step = event.key === "ArrowDown" ? 1 : -1;
                setHighlight((h) => (h + step + matches.length) % matches.length);
                return;
              }
              if (event.key === "Enter" || event.key === "Tab") {
                event.preventDefault();
                choose(matches[Math.min(highlight, matches.length - 1)]);
                return;
              }
            }
            if (open && event.key === "Escape") {
              event.preventDefault();
              setDismissed(query?.start ?? null);
              return;
            }
            if (event.key === "Escape" && props.onCancel) {
              event.preventDefault();
              props.onCancel();
              return;
            }
            if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) {
              event.preventDefault();
              void submit();
            }
          }}
        />
        {open ? (
          <ul id={listId} role="listbox" className="ov-composer__mentions" aria-label={t("composer.mentionList")}>
            {matches.length === 0 ? (
              <li className="ov-composer__nomatch" role="presentation">
                {t("composer.noMatch", { query: query?.query ?? "" })}
              </li>
            ) : (
              matches.map((m, i) => (
                <li
                  key={m.id}
                  id={`${id}-m-${m.id}`}
                  role="option"
                  aria-selected={i === highlight}
                  className={i === highlight ? "ov-composer__option ov-composer__option--active" : "ov-composer__option"}
                  onMouseDown={(event) => {
                    event.preventDefault();
                    choose(m);
                  }}
                >
                  <span>{m.name}</span>
                  {m.organisationShortCode ? <span className="ov-org">{m.organisationShortCode}</span> : null}
                </li>
              ))
            )}
          </ul>
        ) : null}
      </div>
      <p id={`${id}-hint`} className="ov-composer__hint">
        {t("composer.hint")}
      </p>
      {empty ? (
        <p id={`${id}-empty`} className="ov-composer__error" role="alert">
          {t("composer.empty")}
        </p>
      ) : null}
      {props.children}
      <div className="ov-composer__actions">
        <button type="submit" className="button button--small" disabled={sending}>
          {sending ? t("composer.sending") : props.submitLabel}
        </button>
        {props.onCancel ? (
          <button type="button" className="button button--quiet button--small" onClick={props.onCancel} disabled={sending}>
            {t("composer.cancel")}
          </button>
        ) : null}
      </div>
    </form>
  );
}
