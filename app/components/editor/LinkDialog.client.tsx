/**
 * A small modal dialog to add, change or remove a link: a web or e-mail address (http, https and
 * mailto only), or another section of the agenda picked from a list (stored as `/s/<id>`, ADR 031).
 * Native <dialog>: focus moves into it, Escape closes it, focus returns to the editor.
 */
import type { Editor } from "@tiptap/core";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { sectionHref, sectionIdOfHref, type SectionLinkTarget } from "../../shared/section-links";
import { normaliseLink } from "./links";

export function LinkDialog({ editor, onClose, sections = [] }: { editor: Editor; onClose(): void; sections?: readonly SectionLinkTarget[] }) {
  const { t } = useTranslation("editor");
  const dialogRef = useRef<HTMLDialogElement>(null);
  const current = (editor.getAttributes("link").href as string | undefined) ?? "";
  const currentSection = sectionIdOfHref(current);
  const [value, setValue] = useState(currentSection ? "" : current);
  const [sectionId, setSectionId] = useState(currentSection ?? "");
  const [error, setError] = useState(false);
  const id = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const target = sections.find((s) => s.id === sectionId);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // A section chosen from the list wins over an address typed.
    const href = target ? sectionHref(target.id) : normaliseLink(value);
    if (!href) {
      setError(true);
      return;
    }
    const { empty } = editor.state.selection;
    if (empty && !editor.isActive("link")) {
      // Insert the address (or the section's title) as linked text; what is typed next is not part of the link.
      editor
        .chain()
        .focus()
        .insertContent({ type: "text", text: target ? target.title : value.trim(), marks: [{ type: "link", attrs: { href } }] })
        .unsetMark("link")
        .run();
    } else {
      editor.chain().focus().extendMarkRange("link").setLink({ href }).run();
    }
    onClose();
  };

  const remove = () => {
    editor.chain().focus().extendMarkRange("link").unsetLink().run();
    onClose();
  };

  return (
    <dialog
      ref={dialogRef}
      className="ov-link-dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <form method="dialog" onSubmit={submit}>
        <h2 id={`${id}-title`} className="ov-link-dialog__title">
          {current ? t("link.editTitle") : t("link.addTitle")}
        </h2>
        <label htmlFor={`${id}-url`}>{t("link.url")}</label>
        <input
          id={`${id}-url`}
          type="text"
          inputMode="url"
          autoComplete="url"
          autoFocus={!currentSection}
          value={value}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-hint`}
          onChange={(event) => {
            setValue(event.target.value);
            setError(false);
          }}
        />
        <p id={`${id}-hint`} className={error ? "ov-link-dialog__error" : "ov-link-dialog__hint"} role={error ? "alert" : undefined}>
          {error ? t(sections.length ? "link.invalidEither" : "link.invalid") : t("link.hint")}
        </p>
        {sections.length ? (
          <>
            <label htmlFor={`${id}-section`}>{t("link.section")}</label>
            <select
              id={`${id}-section`}
              value={sectionId}
              aria-describedby={`${id}-section-hint`}
              onChange={(event) => {
                setSectionId(event.target.value);
                setError(false);
              }}
            >
              <option value="">{t("link.sectionNone")}</option>
              {[...new Set(sections.map((s) => s.workspaceTitle))].map((workspace) => (
                <optgroup key={workspace} label={workspace}>
                  {sections
                    .filter((s) => s.workspaceTitle === workspace)
                    .map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.title}
                      </option>
                    ))}
                </optgroup>
              ))}
            </select>
            <p id={`${id}-section-hint`} className="ov-link-dialog__hint">
              {t("link.sectionHint")}
            </p>
          </>
        ) : null}
        <div className="ov-link-dialog__actions">
          {current ? (
            <button type="button" onClick={remove}>
              {t("link.remove")}
            </button>
          ) : null}
          <button type="button" onClick={onClose}>
            {t("link.cancel")}
          </button>
          <button type="submit" className="ov-link-dialog__primary">
            {t("link.save")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
