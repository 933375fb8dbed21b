/**
 * The live editor of one section (tiptap 3 bound to the section's Yjs document over /collab).
 *
 * Safe to render on the server and during hydration: it renders only the connection status there,
 * and loads the browser-only editor (tiptap, y-websocket, y-indexeddb) lazily after mounting.
 * The page keeps its server-rendered text until `onReady` is called (the editor has text to show).
 */
import type { AnyExtension, Editor } from "@tiptap/core";
import { useEffect, useState, type ComponentType } from "react";
import type * as Y from "yjs";
import { useTranslation } from "react-i18next";
import type { LiveEditorProps, LiveStatus } from "./LiveEditor.client";
import { StatusLine } from "./StatusLine";
import type { SectionLinkTarget } from "../../shared/section-links";
import "./editor.css";

export interface SectionEditorProps {
  sectionId: string;
  /** The signed-in person as the server knows them (shown to others by the server, not by this prop). */
  user: { id: string; name: string; organisationId: string | null; organisationShortCode: string | null };
  /** Whether the policy module allows this person to edit this section now. */
  editable: boolean;
  /**
   * Whether the policy module allows this person to suggest changes (`section.suggest`): a person who
   * may suggest but not edit writes suggestions only (ADR 027).
   */
  suggestable?: boolean;
  /** Set when the section is final: who locked it and when. */
  locked?: { by: string | null; at: string | null } | null;
  /**
   * Called once, when the editor first has the section's text to show (synced with the server, or
   * a copy kept on this device while offline). Until then the editor's text area stays hidden, so the
   * page can keep showing its server-rendered text.
   */
  onReady?: () => void;
  /** More editor extensions, added when the editor is created. */
  extensions?: AnyExtension[];
  /**
   * More editor extensions loaded on demand together with the editor (the comments' decorations), so
   * that tiptap's code stays out of the page's first load.
   */
  loadExtensions?: () => Promise<AnyExtension[]>;
  /** Called with the live editor and its Yjs document once created, and with null when it goes away. */
  onEditor?: (live: { editor: Editor; doc: Y.Doc } | null) => void;
  /** The organisations that approved the current text: accepting a suggestion makes their approvals stale (ADR 027). */
  freshApprovals?: readonly string[];
  /** The sections a link may point to (the link dialog's list): readable ones of the same agenda. */
  linkTargets?: readonly SectionLinkTarget[];
}

export function SectionEditor(props: SectionEditorProps) {
  const { t } = useTranslation("editor");
  const [Live, setLive] = useState<{ Editor: ComponentType<LiveEditorProps>; extensions: AnyExtension[] } | null>(null);
  const [{ connection, retry, denied, invalidChange }, setStatus] = useState<LiveStatus>({ connection: { kind: "loading" }, denied: null });
  const [loadFailed, setLoadFailed] = useState(false);

  useEffect(() => {
    let alive = true;
    Promise.all([import("./LiveEditor.client"), props.loadExtensions?.() ?? []])
      .then(([module, loaded]) => {
        if (alive) setLive({ Editor: module.LiveEditor, extensions: [...(props.extensions ?? []), ...loaded] });
      })
      .catch(() => {
        if (alive) setLoadFailed(true);
      });
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- loaded once, with the first props
  }, []);

  const readOnly = !(props.editable || props.suggestable) || Boolean(props.locked) || denied !== null;
  return (
    <section className="ov-editor" aria-label={t("region")} data-connection={connection.kind}>
      {loadFailed ? (
        <p className="ov-editor__status ov-editor__status--stopped" role="alert">
          {t("status.loadFailed")}
        </p>
      ) : (
        <StatusLine connection={connection} readOnly={readOnly} locked={props.locked ?? null} denied={denied} invalidChange={invalidChange ?? false} onRetry={retry} />
      )}
      {Live ? <Live.Editor key={props.sectionId} {...props} extensions={Live.extensions} onStatus={setStatus} /> : null}
    </section>
  );
}
