/**
 * The browser-only part of the section editor: one Y.Doc per mounted section, kept on this device
 * (y-indexeddb) and synced with the collab server (the stock y-websocket provider), edited with
 * tiptap. Everything is created when the component mounts and destroyed when it unmounts.
 *
 * The server decides identity and rights: it overwrites the awareness `user` others see, and refuses
 * changes from people who may not edit. This component only mirrors those decisions in the UI.
 */
import { Editor, Extension, type AnyExtension } from "@tiptap/core";
import Collaboration, { isChangeOrigin } from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { Plugin, PluginKey, TextSelection } from "@tiptap/pm/state";
import type { EditorView } from "@tiptap/pm/view";
import { EditorContent } from "@tiptap/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { IndexeddbPersistence } from "y-indexeddb";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import * as authProtocol from "y-protocols/auth";
import type * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import {
  CloseCode,
  COLLAB_PATH,
  DeniedReason,
  MessageStateless,
  MessageType,
  organisationColour,
} from "../../shared/collab";
import {
  SUGGESTION_DECIDE,
  type SuggestionDecision,
} from "../../shared/consultation";
import { FRAGMENT, documentExtensions } from "../../shared/editor-extensions";
import {
  blocksEditing,
  stateAfterClose,
  stopReasonForClose,
  stopReasonForProbe,
  type Connection,
  type StopReason,
} from "./connection";
import { LinkDialog } from "./LinkDialog.client";
import { presenceFrom, type PersonInSection } from "./section-presence";
import { SectionPresence } from "./SectionPresence";
import type { SectionEditorProps } from "./SectionEditor";
import { Toolbar } from "./Toolbar.client";
import { SuggestionCards } from "./SuggestionCards.client";
import { SuggestMode, type EditMode } from "./suggest-mode";

/** What the editor tells its shell to show in the status line. */
export interface LiveStatus {
  connection: Connection;
  /** Given when trying again may help. */
  retry?: () => void;
  /** Set when the server refused a change of this page (read-only now, or locked). */
  denied: DeniedReason | null;
  /** Set when the server refused a change of this page as not valid: the editor started again from the saved text. */
  invalidChange?: boolean;
}

export interface LiveEditorProps extends SectionEditorProps {
  onStatus(status: LiveStatus): void;
}

interface Session {
  doc: Y.Doc;
  provider: WebsocketProvider;
  editor: Editor;
}

/** The shared schema, without StarterKit's trailing paragraph: in a shared document every client
 *  would append its own, so the text grows empty paragraphs (the schema is unchanged). */
function baseExtensions(): AnyExtension[] {
  return documentExtensions().map((extension) =>
    extension.name === "starterKit"
      ? extension.configure({ trailingNode: false })
      : extension
  );
}

/** Refuses local changes to the text while the editor is read-only (remote changes still apply). */
const ReadOnlyGuard = Extension.create({
  name: "overlegReadOnlyGuard",
  addProseMirrorPlugins() {
    const editor = this.editor;
    return [
      new Plugin({
        key: new PluginKey("overlegReadOnlyGuard"),
        filterTransaction: (tr) => editor.isEditable || !tr.docChanged || isChangeOrigin(tr),
        props: {
          // Read-only text still takes the keyboard: it is in the Tab order (tabindex in proseAttributes),
          // the arrows move a selection point and Shift with them selects, so a reader can quote or comment.
          handleDOMEvents: {
            focus: (view) => {
              if (!view.editable) placeSelectionInside(view.dom);
              return false;
            },
            keydown: (view, event) => (view.editable ? false : readOnlySelectionKey(view, event)),
          },
        },
      }),
    ];
  },
});

/** A collapsed selection at the start of `root`'s text, unless the browser's selection is already in it. */
function placeSelectionInside(root: HTMLElement): void {
  const selection = window.getSelection();
  if (!selection) return;
  if (selection.rangeCount && root.contains(selection.getRangeAt(0).startContainer)) return;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const first = walker.nextNode();
  selection.collapse(first ?? root, 0);
}

const SELECTION_KEYS: Record<string, [direction: "backward" | "forward", granularity: "character" | "word" | "line" | "lineboundary" | "documentboundary"]> = {
  ArrowLeft: ["backward", "character"],
  ArrowRight: ["forward", "character"],
  ArrowUp: ["backward", "line"],
  ArrowDown: ["forward", "line"],
  Home: ["backward", "lineboundary"],
  End: ["forward", "lineboundary"],
};

/** Arrows (by word with Ctrl/Alt; Home/End to the line's ends) move or, with Shift, extend the selection in read-only text. */
function readOnlySelectionKey(view: EditorView, event: KeyboardEvent): boolean {
  const root = view.dom;
  const step = SELECTION_KEYS[event.key];
  const selection = window.getSelection();
  if (!step || !selection || event.metaKey) return false;
  placeSelectionInside(root);
  const [direction, unit] = step;
  const granularity = (event.ctrlKey || event.altKey) && unit === "character" ? "word" : (event.ctrlKey && (event.key === "Home" || event.key === "End") ? "documentboundary" : unit);
  selection.modify(event.shiftKey ? "extend" : "move", direction, granularity);
  event.preventDefault();
  // The editor's own selection follows at once (the browser's selectionchange comes later), so a
  // command right after, such as starting a comment, takes exactly what is selected.
  const { anchorNode, anchorOffset, focusNode, focusOffset } = selection;
  if (anchorNode && focusNode && root.contains(anchorNode) && root.contains(focusNode)) {
    try {
      const anchor = view.posAtDOM(anchorNode, anchorOffset);
      const head = view.posAtDOM(focusNode, focusOffset);
      view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, anchor, head)));
    } catch {
      // A position the editor cannot map (a widget): its selectionchange handling takes over.
    }
  }
  return true;
}

/** Mod-k opens the link dialog; Alt-F10 moves focus to the toolbar. */
const EditorShortcuts = Extension.create<{
  openLink: () => void;
  focusToolbar: () => void;
}>({
  name: "overlegEditorShortcuts",
  addOptions() {
    return { openLink: () => {}, focusToolbar: () => {} };
  },
  addKeyboardShortcuts() {
    return {
      "Mod-k": () => {
        if (!this.editor.isEditable) return false;
        this.options.openLink();
        return true;
      },
      "Alt-F10": () => {
        this.options.focusToolbar();
        return true;
      },
    };
  },
});

function renderCaret(user: Record<string, unknown>): HTMLElement {
  const color = typeof user.color === "string" ? user.color : "#57606a";
  const caret = document.createElement("span");
  caret.className = "collaboration-carets__caret";
  caret.style.borderColor = color;
  caret.setAttribute("aria-hidden", "true");
  const label = document.createElement("span");
  label.className = "collaboration-carets__label";
  label.style.backgroundColor = color;
  label.textContent = typeof user.name === "string" ? user.name : "";
  if (typeof user.organisation === "string" && user.organisation) {
    const org = document.createElement("span");
    org.className = "collaboration-carets__org";
    org.textContent = user.organisation;
    label.append(" ", org);
  }
  caret.append(label);
  return caret;
}

export function LiveEditor(props: LiveEditorProps) {
  const { sectionId } = props;
  const { t } = useTranslation("editor");
  const [session, setSession] = useState<Session | null>(null);
  const [ready, setReady] = useState(false);
  const [presence, setPresence] = useState<PersonInSection[]>([]);
  const [blocked, setBlocked] = useState<StopReason | null>(null);
  const [denied, setDenied] = useState<DeniedReason | null>(null);
  const [connection, setConnection] = useState<
    Pick<LiveStatus, "connection" | "retry">
  >({ connection: { kind: "connecting" } });
  const [linkOpen, setLinkOpen] = useState(false);
  // The server refused a change as not valid (Malformed): the session starts again from the saved
  // text, like after a rights drop (ADR 008), and the person is told their last change was not saved.
  const [restarts, setRestarts] = useState(0);
  const [invalidChange, setInvalidChange] = useState(false);
  /** Whether the current session was started by such a restart and has not synced yet. */
  const restartedUnsynced = useRef(false);
  const toolbarRef = useRef<HTMLDivElement>(null);
  const toggleModeRef = useRef<() => void>(() => {});

  // An accept or reject made on a card, with its reason, for the consultation record (ADR 033): a
  // stateless message after the change itself, on the same socket. Offline it is lost and the server
  // reads the outcome from the text.
  const sendDecision = useCallback(
    (decision: SuggestionDecision) => {
      const ws = session?.provider.ws;
      if (!ws || ws.readyState !== WebSocket.OPEN) return;
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MessageStateless);
      encoding.writeVarString(
        e,
        JSON.stringify({ type: SUGGESTION_DECIDE, ...decision })
      );
      ws.send(encoding.toUint8Array(e));
    },
    [session]
  );

  // Latest props for callbacks created once per session.
  const latest = useRef(props);
  latest.current = props;
  const tRef = useRef(t);
  tRef.current = t;

  // Suggesting (ADR 027): editors choose; whoever may only suggest always suggests.
  const mayWrite = props.editable || Boolean(props.suggestable);
  const [chosenMode, setChosenMode] = useState<EditMode>("editing");
  const mode: EditMode = props.editable ? chosenMode : "suggesting";
  const modeRef = useRef(mode);
  modeRef.current = mode;
  const [announcement, setAnnouncement] = useState("");
  const toggleMode = useCallback(() => {
    if (!latest.current.editable) return;
    setChosenMode((m) => {
      const next = m === "editing" ? "suggesting" : "editing";
      setAnnouncement(
        tRef.current(
          next === "suggesting"
            ? "suggest.announceSuggesting"
            : "suggest.announceEditing"
        )
      );
      return next;
    });
  }, []);
  const canEdit =
    mayWrite && !props.locked && blocked === null && denied === null;
  // A session is writable or read-only for its whole life. When the rights drop (the page learns it,
  // or the server refuses a change) it starts again, read-only, from the saved text, and what this
  // device kept is dropped: a change that can no longer be saved is neither shown as if it were, nor
  // offered to the server when the rights come back.
  const writable = mayWrite && !props.locked && denied === null;
  const writableRef = useRef(writable);
  writableRef.current = writable;
  // Rights given back (the section reopened, the person an editor again) end a refusal: the page writes again.
  const pageWritable = mayWrite && !props.locked;
  const pageWritableBefore = useRef(pageWritable);
  useEffect(() => {
    if (pageWritable && !pageWritableBefore.current) setDenied(null);
    pageWritableBefore.current = pageWritable;
  }, [pageWritable]);
  /** The state vector of the writable session that ended because the rights dropped (see the sync handler). */
  const endedWritable = useRef<Uint8Array | null>(null);

  useEffect(() => {
    const initial = latest.current;
    const initialEditable = writable;
    const doc = new Y.Doc();
    // Keep a copy on this device only for people who may write: a read-only copy has nothing to keep,
    // and stale local changes from an earlier role must not be offered to the server.
    const persistence = initialEditable
      ? new IndexeddbPersistence(`overleg-section-${sectionId}`, doc)
      : null;
    const wsOrigin = window.location.origin.replace(/^http/, "ws");
    const provider = new WebsocketProvider(
      wsOrigin + COLLAB_PATH,
      sectionId,
      doc,
      {
        connect: false,
        // Tabs talk through the server only: it checks every change and sets every identity.
        disableBc: true,
        maxBackoffTime: 5000,
        shouldReconnect: (event) => stopReasonForClose(event.code) === null,
      }
    );

    let disposed = false;
    let stopped = false;
    let failures = 0;
    let isReady = false;
    let current: Connection = { kind: "connecting" };

    const retry = () => {
      if (disposed) return;
      stopped = false;
      failures = 0;
      publish({ kind: "connecting" });
      provider.connect();
    };
    const publish = (next: Connection) => {
      current = next;
      if (disposed) return;
      const mayRetry = next.kind === "stopped" && !blocksEditing(next.reason);
      setConnection({ connection: next, retry: mayRetry ? retry : undefined });
    };
    const stop = (reason: StopReason) => {
      stopped = true;
      provider.disconnect();
      publish({ kind: "stopped", reason });
      if (blocksEditing(reason)) setBlocked(reason);
    };
    const markReady = () => {
      if (isReady || disposed) return;
      isReady = true;
      setReady(true);
      latest.current.onReady?.();
    };

    // A refused upgrade reaches the browser as a bare 1006; ask the API what is wrong, now and then.
    const probe = async () => {
      try {
        const res = await fetch(
          `/api/v1/sections/${encodeURIComponent(sectionId)}`,
          {
            credentials: "same-origin",
            headers: { accept: "application/json" },
          }
        );
        const body: unknown = (res.headers.get("content-type") ?? "").includes(
          "json"
        )
          ? await res.json()
          : null;
        const reason = stopReasonForProbe(res.status, body);
        if (
          reason &&
          !disposed &&
          !stopped &&
          current.kind !== "connected" &&
          current.kind !== "syncing"
        )
          stop(reason);
      } catch {
        // Network trouble: keep trying.
      }
    };

    // The server refused a change or says the rights dropped (this person may only read now, or the
    // section was locked): the session starts again read-only (see `writable`).
    provider.messageHandlers[MessageType.Auth] = (
      _encoder,
      decoder: decoding.Decoder
    ) => {
      authProtocol.readAuthMessage(decoder, doc, (_doc, reason) => {
        if (!disposed)
          setDenied(
            reason === DeniedReason.Locked
              ? DeniedReason.Locked
              : DeniedReason.ReadOnly
          );
      });
    };

    provider.on("status", ({ status }) => {
      if (stopped) return;
      if (status === "connected") publish({ kind: "syncing" });
      // Keep "offline"/"reconnecting" while retrying, so the status does not flicker.
      else if (status === "connecting" && current.kind === "connecting")
        publish(current);
    });
    provider.on("sync", (synced) => {
      if (!synced || stopped) return;
      // The rights dropped while this page held changes the server never took (written offline, say):
      // they were dropped with the session, and the person is told so.
      const before = endedWritable.current;
      endedWritable.current = null;
      if (before && holdsMore(before, Y.encodeStateVector(doc)) && !disposed) {
        setDenied(
          latest.current.locked ? DeniedReason.Locked : DeniedReason.ReadOnly
        );
      }
      failures = 0;
      restartedUnsynced.current = false;
      publish({ kind: "connected" });
      markReady();
    });
    provider.on("connection-close", (event) => {
      if (stopped || disposed) return;
      // The server refused a change of this page as not valid: it is dropped (from the page and this
      // device) and the session starts again from the saved text. Once only: refused again before
      // the new session synced, the editor stops and says so.
      // So too a change the server did not take as a suggestion (ADR 027): made at the same moment as
      // someone else's change to the same words, it can look like a change to their suggestion.
      if (
        (event?.code === CloseCode.Malformed ||
          event?.code === CloseCode.NotASuggestion) &&
        !restartedUnsynced.current
      ) {
        stopped = true;
        provider.disconnect();
        publish({ kind: "connecting" });
        const cleared = persistence
          ? persistence.clearData()
          : Promise.resolve();
        void cleared
          .catch(() => {})
          .then(() => {
            if (disposed) return;
            restartedUnsynced.current = true;
            setInvalidChange(true);
            setRestarts((n) => n + 1);
          });
        return;
      }
      const next = stateAfterClose(event ? event.code : null);
      if (next.kind === "stopped") {
        stop(next.reason);
        return;
      }
      failures += 1;
      publish(next);
      if (failures === 3 || failures % 10 === 0) void probe();
    });

    const onOffline = () => {
      if (stopped) return;
      provider.disconnect();
      publish({ kind: "offline" });
    };
    const onOnline = () => {
      if (!stopped) provider.connect();
    };
    window.addEventListener("offline", onOffline);
    window.addEventListener("online", onOnline);

    persistence?.on("synced", () => {
      // Offline with a copy on this device: show it (it merges with the server's when back).
      if (doc.getXmlFragment(FRAGMENT).length > 0) markReady();
    });

    const me = initial.user;
    const editor = new Editor({
      element: document.createElement("div"),
      editable: initialEditable,
      extensions: [
        ...baseExtensions(),
        Collaboration.configure({ document: doc, field: FRAGMENT }),
        CollaborationCaret.configure({
          provider,
          user: {
            id: me.id,
            name: me.name,
            organisation: me.organisationShortCode,
            color: organisationColour(me.organisationShortCode),
          },
          render: renderCaret,
        }),
        ReadOnlyGuard,
        SuggestMode.configure({
          author: {
            userId: me.id,
            organisationId: me.organisationId,
            name: me.name,
            organisation: me.organisationShortCode,
          },
          mode: () => modeRef.current,
          onRefused: () => setAnnouncement(tRef.current("suggest.refused")),
          onToggle: () => toggleModeRef.current(),
        }),
        EditorShortcuts.configure({
          openLink: () => setLinkOpen(true),
          focusToolbar: () =>
            toolbarRef.current
              ?.querySelector<HTMLButtonElement>('button[tabindex="0"]')
              ?.focus(),
        }),
        ...(initial.extensions ?? []),
      ],
      editorProps: {
        attributes: proseAttributes(tRef.current("textbox"), initialEditable),
      },
    });

    const onAwareness = () => {
      if (!disposed)
        setPresence(
          presenceFrom(
            provider.awareness.getStates() as Map<
              number,
              Record<string, unknown>
            >,
            doc.clientID,
            me.id
          )
        );
    };
    provider.awareness.on("change", onAwareness);
    onAwareness();

    publish({ kind: "connecting" });
    if (navigator.onLine === false) publish({ kind: "offline" });
    else provider.connect();
    setSession({ doc, provider, editor });
    initial.onEditor?.({ editor, doc });

    return () => {
      disposed = true;
      latest.current.onEditor?.(null);
      window.removeEventListener("offline", onOffline);
      window.removeEventListener("online", onOnline);
      provider.awareness.off("change", onAwareness);
      editor.destroy();
      provider.destroy();
      // Rights dropped (the page stays): this device's copy holds nothing that may still be saved.
      if (persistence && !writableRef.current) {
        endedWritable.current = Y.encodeStateVector(doc);
        void persistence.clearData();
      } else void persistence?.destroy();
      doc.destroy();
      setSession(null);
      setReady(false);
      setPresence([]);
    };
  }, [sectionId, writable, restarts]);

  const editor = session?.editor ?? null;
  toggleModeRef.current = toggleMode;

  useEffect(() => {
    latest.current.onStatus({ ...connection, denied, invalidChange });
  }, [connection, denied, invalidChange]);

  // Mirror the rights (props from the page, or a refusal from the server) in the editor.
  useEffect(() => {
    if (!editor || editor.isDestroyed) return;
    if (editor.isEditable !== canEdit) editor.setEditable(canEdit);
    editor.setOptions({
      editorProps: { attributes: proseAttributes(t("textbox"), canEdit) },
    });
  }, [editor, canEdit, t]);

  const closeLink = useCallback(() => {
    setLinkOpen(false);
    editor?.commands.focus();
  }, [editor]);

  return (
    <>
      <div
        className={
          editor && canEdit
            ? "ov-editor__bar"
            : "ov-editor__bar ov-editor__bar--reading"
        }
      >
        {editor && canEdit ? (
          <Toolbar
            ref={toolbarRef}
            editor={editor}
            onLink={() => setLinkOpen(true)}
            suggesting={mode === "suggesting"}
          />
        ) : null}
        {editor && canEdit && props.editable ? (
          <button
            type="button"
            className="ov-editor__mode"
            aria-pressed={mode === "suggesting"}
            title={t("suggest.toggleHint")}
            onClick={toggleMode}
            data-mode={mode}
          >
            {t("suggest.toggle")}
          </button>
        ) : null}
        {editor && canEdit && !props.editable ? (
          <p className="ov-editor__mode-note">{t("suggest.onlySuggest")}</p>
        ) : null}
        <SectionPresence people={presence} />
      </div>
      <p className="visually-hidden" aria-live="polite" data-mode-announcement>
        {announcement}
      </p>
      <div
        className="ov-editor__with-margin"
        data-mode={canEdit ? mode : "reading"}
      >
        <div
          className="ov-editor__surface"
          hidden={!ready}
          data-ready={ready ? "true" : "false"}
        >
          <EditorContent editor={editor} />
        </div>
        {editor && ready ? (
          <SuggestionCards
            editor={editor}
            canResolve={props.editable && !props.locked && denied === null}
            onDecide={sendDecision}
            freshApprovals={props.freshApprovals}
          />
        ) : null}
      </div>
      {editor && linkOpen && canEdit && mode === "editing" ? (
        <LinkDialog
          editor={editor}
          onClose={closeLink}
          sections={props.linkTargets ?? []}
        />
      ) : null}
    </>
  );
}

/** Whether state vector `a` holds changes that `b` lacks. */
function holdsMore(a: Uint8Array, b: Uint8Array): boolean {
  const has = Y.decodeStateVector(b);
  for (const [client, clock] of Y.decodeStateVector(a))
    if ((has.get(client) ?? 0) < clock) return true;
  return false;
}

function proseAttributes(
  label: string,
  editable: boolean
): Record<string, string> {
  return {
    class: "ov-editor__prose",
    role: "textbox",
    "aria-multiline": "true",
    "aria-label": label,
    "aria-readonly": editable ? "false" : "true",
    // Read-only text is still reached with Tab, to select and comment from the keyboard.
    ...(editable ? {} : { tabindex: "0" }),
    spellcheck: "true",
    // The agenda is written in Dutch, whatever the language of the interface.
    lang: "nl",
  };
}
