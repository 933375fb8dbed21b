/**
 * A confirmation before an irreversible form submit (sign off and lock, publish, reopen, withdraw an
 * invitation, remove a member). Progressive enhancement: the form stays an ordinary form; with
 * JavaScript its submit first opens a native modal <dialog> that says what will happen. Focus moves
 * into the dialog (onto "Cancel", the safe choice), Escape or Cancel closes it and returns focus to the
 * button that opened it; "Confirm" submits the form as it was going to be submitted. Without
 * JavaScript the form submits directly, as before.
 *
 *   const confirm = useConfirmDialog({ id: "signoff", title, body, confirmLabel });
 *   <Form method="post" onSubmit={confirm.onSubmit}>…</Form>
 *   {confirm.dialog}
 *
 * An action that is no form submit (a button that calls the server itself) asks the same way:
 *
 *   <button onClick={() => confirm.ask(() => remove(id))}>…</button>
 */
import { useCallback, useEffect, useRef, type FormEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

export interface ConfirmOptions {
  /** A unique id on the page, for the dialog's title and description. */
  id: string;
  title: string;
  /** What will happen: what is locked, who is told. */
  body: ReactNode;
  confirmLabel: string;
}

export function useConfirmDialog({ id, title, body, confirmLabel }: ConfirmOptions) {
  const { t } = useTranslation();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const pending = useRef<{ form: HTMLFormElement; submitter: HTMLElement | null } | { action: () => void; opener: HTMLElement | null } | null>(null);
  const confirmed = useRef(false);

  /** The form's onSubmit; `then` is the form's own handler (validation, a fetcher's submit), run once confirmed. */
  const onSubmit = useCallback((event: FormEvent<HTMLFormElement>, then?: (event: FormEvent<HTMLFormElement>) => void) => {
    const dialog = dialogRef.current;
    if (confirmed.current || !dialog || typeof dialog.showModal !== "function") {
      confirmed.current = false;
      then?.(event);
      return;
    }
    event.preventDefault();
    const native = event.nativeEvent as SubmitEvent;
    pending.current = { form: event.currentTarget, submitter: (native.submitter as HTMLElement | null) ?? null };
    dialog.showModal();
    dialog.querySelector<HTMLButtonElement>("[data-confirm-cancel]")?.focus();
  }, []);

  /** Asks before `action` (run only when confirmed); the focus goes back to what had it (the button that asked). */
  const ask = useCallback((action: () => void) => {
    const dialog = dialogRef.current;
    if (!dialog || typeof dialog.showModal !== "function") {
      // A browser without modal dialogs acts at once, as a form submits without JavaScript.
      action();
      return;
    }
    pending.current = { action, opener: document.activeElement instanceof HTMLElement ? document.activeElement : null };
    dialog.showModal();
    dialog.querySelector<HTMLButtonElement>("[data-confirm-cancel]")?.focus();
  }, []);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    // Escape, Cancel or Confirm: the focus goes back to the button that asked.
    const onClose = () => {
      const target = pending.current;
      const back = !target ? null : "action" in target ? target.opener : (target.submitter ?? target.form.querySelector<HTMLElement>("[type=submit]"));
      if (back && back.isConnected) back.focus();
    };
    dialog.addEventListener("close", onClose);
    return () => dialog.removeEventListener("close", onClose);
  }, []);

  const cancel = () => dialogRef.current?.close();
  const confirm = () => {
    const target = pending.current;
    dialogRef.current?.close();
    if (target && "action" in target) {
      target.action();
      return;
    }
    if (!target || !target.form.isConnected) return;
    confirmed.current = true;
    const submitter = target.submitter instanceof HTMLButtonElement || target.submitter instanceof HTMLInputElement ? target.submitter : undefined;
    target.form.requestSubmit(submitter);
  };

  const dialog = (
    <dialog ref={dialogRef} className="confirm-dialog" aria-labelledby={`${id}-confirm-title`} aria-describedby={`${id}-confirm-body`} data-confirm-dialog={id}>
      <h2 id={`${id}-confirm-title`}>{title}</h2>
      <div id={`${id}-confirm-body`} className="confirm-dialog__body">
        {body}
      </div>
      <div className="confirm-dialog__actions">
        <button type="button" className="button" onClick={cancel} data-confirm-cancel>
          {t("confirm.cancel")}
        </button>
        <button type="button" className="button button--primary" onClick={confirm} data-confirm-ok>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
  return { onSubmit, ask, dialog };
}
