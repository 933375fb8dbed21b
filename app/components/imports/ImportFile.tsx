/**
 * Importing a file (Word, ODT, Markdown; ADR 030): into this section (its text is replaced, the
 * current text kept as a version first) or as a new section of a workspace. The file is sent with
 * its upload progress shown; the server's refusal is said in the reader's language by its code.
 */
import { useNavigate, useRevalidator } from "@remix-run/react";
import { useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { IMPORT_ACCEPT, IMPORT_ERROR_CODES, ImportLimits } from "~/shared/imports";

type Target = { kind: "section"; sectionId: string } | { kind: "workspace"; workspaceId: string };

type State =
  | { phase: "idle" }
  | { phase: "sending"; percent: number | null }
  | { phase: "reading" }
  | { phase: "done"; name: string }
  | { phase: "preview"; sections: { title: string }[] }
  | { phase: "failed"; code: string; message: string };

/** Sends the form with XMLHttpRequest, which reports upload progress (fetch does not). */
function send(url: string, body: FormData, onProgress: (percent: number | null) => void, onSent: () => void): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.responseType = "json";
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (e) => onProgress(e.lengthComputable ? Math.round((e.loaded / e.total) * 100) : null);
    xhr.upload.onload = onSent;
    xhr.onload = () => resolve({ status: xhr.status, json: xhr.response });
    xhr.onerror = () => reject(new Error("network"));
    xhr.send(body);
  });
}

export function ImportFile({ target }: { target: Target }) {
  const { t } = useTranslation("sections");
  const id = useId();
  const navigate = useNavigate();
  const revalidator = useRevalidator();
  const form = useRef<HTMLFormElement>(null);
  const [state, setState] = useState<State>({ phase: "idle" });
  const busy = state.phase === "sending" || state.phase === "reading";
  const section = target.kind === "section";

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // The button pressed (preview or import) is part of the form's data.
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const data = new FormData(event.currentTarget, submitter);
    const preview = data.get("preview") === "1";
    const file = data.get("file");
    if (!(file instanceof File) || !file.name) return;
    if (file.size > ImportLimits.maxFileBytes) {
      setState({ phase: "failed", code: "import_too_large", message: "" });
      return;
    }
    setState({ phase: "sending", percent: 0 });
    const url = section ? `/s/${target.sectionId}/import` : `/w/${target.workspaceId}/import`;
    try {
      const { status, json } = await send(
        url,
        data,
        (percent) => setState({ phase: "sending", percent }),
        () => setState({ phase: "reading" }),
      );
      const answer = (json ?? {}) as { sectionId?: string; sectionIds?: string[]; sections?: { title: string }[]; error?: { code?: string; message?: string } };
      if (status >= 200 && status < 300 && preview && answer.sections) {
        setState({ phase: "preview", sections: answer.sections });
        return;
      }
      if (status >= 200 && status < 300 && answer.sectionId) {
        form.current?.reset();
        if (section) {
          setState({ phase: "done", name: file.name });
          revalidator.revalidate();
        } else if ((answer.sectionIds?.length ?? 1) > 1) {
          // Several sections: the workspace's list shows them.
          setState({ phase: "done", name: file.name });
          revalidator.revalidate();
        } else navigate(`/s/${answer.sectionId}`);
        return;
      }
      setState({ phase: "failed", code: answer.error?.code ?? `http_${status}`, message: answer.error?.message ?? "" });
    } catch {
      setState({ phase: "failed", code: "network", message: "" });
    }
  }

  const errorText = (code: string, message: string) => {
    if ((IMPORT_ERROR_CODES as readonly string[]).includes(code)) return t(`import.errors.${code}`, { mb: Math.round(ImportLimits.maxFileBytes / 1024 / 1024) });
    if (code === "locked" || code === "forbidden" || code === "network" || code === "not_found") return t(`import.errors.${code}`);
    return message || t("import.errors.other");
  };

  return (
    <form ref={form} className="stack-form" data-form={section ? "import-section" : "import-new"} onSubmit={submit} encType="multipart/form-data" aria-busy={busy}>
      <p className="muted">{section ? t("import.explainSection") : t("import.explainNew")}</p>
      <label htmlFor={`${id}-file`}>{t("import.fileLabel", { mb: Math.round(ImportLimits.maxFileBytes / 1024 / 1024) })}</label>
      <input id={`${id}-file`} type="file" name="file" accept={IMPORT_ACCEPT} required disabled={busy} />
      {section ? null : (
        <>
          <label>
            {t("import.titleLabel")}
            <input name="title" maxLength={200} disabled={busy} />
          </label>
          <label className="checkbox">
            <input type="checkbox" name="split" value="1" disabled={busy} onChange={() => setState({ phase: "idle" })} /> {t("import.split")}
          </label>
        </>
      )}
      <p className="button-row">
        <button type="submit" className="button" disabled={busy}>
          {section ? t("import.submitSection") : t("import.submitNew")}
        </button>
        {section ? null : (
          <button type="submit" name="preview" value="1" className="button button--quiet" disabled={busy}>
            {t("import.preview")}
          </button>
        )}
      </p>
      <div aria-live="polite" data-import-state={state.phase}>
        {state.phase === "sending" ? (
          <p>
            <progress max={100} value={state.percent ?? undefined} /> {state.percent === null ? t("import.sending") : t("import.sendingPercent", { percent: state.percent })}
          </p>
        ) : null}
        {state.phase === "reading" ? <p>{t("import.reading")}</p> : null}
        {state.phase === "done" ? (
          <p className="alert alert--success" role="status">
            {section ? t("import.done", { name: state.name }) : t("import.doneNew", { name: state.name })}
          </p>
        ) : null}
        {state.phase === "preview" ? (
          <div data-import-preview>
            <p>{t("import.previewIntro", { count: state.sections.length })}</p>
            <ol>
              {state.sections.map((s, i) => (
                <li key={i}>{s.title}</li>
              ))}
            </ol>
          </div>
        ) : null}
      </div>
      {state.phase === "failed" ? (
        <p className="alert alert--error" role="alert" data-error-code={state.code}>
          {errorText(state.code, state.message)}
        </p>
      ) : null}
    </form>
  );
}
