/**
 * A small modal dialog to add, change or remove a link (http, https and mailto only).
 * Native <dialog>: focus moves into it, Escape closes it, focus returns to the editor.
 */
import type { Editor } from "@tiptap/core";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { normaliseLink } from "./links";

export function LinkDialog({ editor, onClose }: { editor: Editor; onClose(): void }) {
  const { t } = useTranslation("editor");
  const dialogRef = useRef<HTMLDialogElement>(null);
  const current = (editor.getAttributes("link").href as string | undefined) ?? "";
  const [value, setValue] = useState(current);
  const [error, setError] = useState(false);
  const id = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const href = normaliseLink(value);
    if (!href) {
      setError(true);
      return;
    }
    const { empty } = editor.state.selection;
    if (empty && !editor.isActive("link")) {
      // Insert the address as linked text; what is typed next is not part of the link.
      editor
        .chain()
        .focus()
        .insertContent({ type: "text", text: value.trim(), marks: [{ type: "link", attrs: { href } }] })
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
          autoFocus
          value={value}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-hint`}
          onChange={(event) => {
            setValue(event.target.value);
            setError(false);
          }}
        />
        <p id={`${id}-hint`} className={error ? "ov-link-dialog__error" : "ov-link-dialog__hint"} role={error ? "alert" : undefined}>
          {error ? t("link.invalid") : t("link.hint")}
        </p>
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
