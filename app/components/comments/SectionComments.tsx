/**
 * The comments column of a section page: the threads I may see, live (socket.io "comments.thread"),
 * drawn in the editor as decorations and listed beside the text, each card aligned with its text
 * where there is room. Start a thread on a selection (the button, or Ctrl/⌘+Alt+M in the text).
 *
 *   const bridge = useCommentsBridge();
 *   <SectionEditor … loadExtensions={bridge.loadExtensions} onEditor={bridge.onEditor} />
 *   <SectionComments sectionId={…} bridge={bridge} />
 */
import type { AnyExtension, Editor } from "@tiptap/core";
import { useSearchParams } from "@remix-run/react";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type * as Y from "yjs";
import { useRealtime } from "../realtime/RealtimeProvider";
import { useDateLocale } from "../root-data";
import { CommentRequestError, loadComments, sendIntent, type Intent } from "./api";
import { Composer } from "./Composer";
import { ThreadCard } from "./ThreadCard";
import type { Anchor } from "./anchors";
import type { SectionComments as Data, ThreadView } from "../../shared/comments";
import "./comments.css";

type CommentsModule = typeof import("./CommentsExtension");

export interface CommentsBridge {
  /** The comments' editor extension, loaded with the editor (tiptap stays out of the page's first load). */
  loadExtensions(): Promise<AnyExtension[]>;
  onEditor(live: { editor: Editor; doc: Y.Doc } | null): void;
  /** The live editor and the comments' editor functions, once both are loaded. */
  live: { editor: Editor; doc: Y.Doc; comments: CommentsModule } | null;
  handlers: React.MutableRefObject<{ onActivate(id: string): void; onStart(): void }>;
}

/** Connects the editor (created later, in the browser) and the comments column of one page. */
export function useCommentsBridge(): CommentsBridge {
  const handlers = useRef({ onActivate: (_id: string) => {}, onStart: () => {} });
  const module = useRef<CommentsModule | null>(null);
  const loadExtensions = useCallback(async () => {
    const comments = await import("./CommentsExtension");
    module.current = comments;
    return [comments.CommentsExtension.configure({ onActivate: (id: string) => handlers.current.onActivate(id), onStart: () => handlers.current.onStart() })];
  }, []);
  const [live, setLive] = useState<CommentsBridge["live"]>(null);
  const onEditor = useCallback((next: { editor: Editor; doc: Y.Doc } | null) => {
    setLive(next && module.current ? { ...next, comments: module.current } : null);
  }, []);
  return { loadExtensions, onEditor, live, handlers };
}

type Filter = "open" | "resolved" | "mine" | "mentions";
const FILTERS: Filter[] = ["open", "resolved", "mine", "mentions"];
const GAP = 8;
/** Measures before paint in the browser; nothing to measure on the server. */
const useMeasureEffect = typeof window === "undefined" ? useEffect : useLayoutEffect;

export function SectionComments({ sectionId, bridge }: { sectionId: string; bridge: CommentsBridge }) {
  const { t } = useTranslation("comments");
  const dateLocale = useDateLocale();
  const client = useRealtime()?.client;
  const editor = bridge.live?.editor ?? null;
  const fns = bridge.live?.comments ?? null;
  const [params] = useSearchParams();
  const [data, setData] = useState<Data | null>(null);
  const [loadError, setLoadError] = useState(false);
  const [threads, setThreadList] = useState<ThreadView[]>([]);
  const [filter, setFilter] = useState<Filter>("open");
  const [active, setActive] = useState<string | null>(params.get("thread"));
  const [draft, setDraft] = useState<{ anchor: Anchor; quote: string } | null>(null);
  const [visibility, setVisibility] = useState<"all" | "organisation">("all");
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [hint, setHint] = useState(false);

  const upsert = useCallback((thread: ThreadView) => {
    setThreadList((list) => {
      const at = list.findIndex((x) => x.id === thread.id);
      if (at < 0) return [...list, thread];
      const next = [...list];
      next[at] = thread;
      return next;
    });
  }, []);

  const load = useCallback(() => {
    setLoadError(false);
    loadComments(sectionId).then(
      (result) => {
        setData(result);
        setThreadList(result.threads);
      },
      () => setLoadError(true),
    );
  }, [sectionId]);

  useEffect(() => {
    setData(null);
    setThreadList([]);
    load();
  }, [load]);

  // Live: join the section's room; threads arrive as I may see them. Reload after a lost connection.
  useEffect(() => {
    if (!client) return;
    const release = client.watchSection(sectionId);
    const off = client.on("comments.thread", (payload) => {
      if (payload.sectionId === sectionId) upsert(payload.thread);
    });
    const offStatus = client.onStatus((status, resumed) => {
      if (status === "connected" && resumed) load();
    });
    return () => {
      release();
      off();
      offStatus();
    };
  }, [client, sectionId, upsert, load]);

  const errorText = useCallback(
    (e: unknown) => {
      if (!(e instanceof CommentRequestError)) return t("errors.network");
      if (e.code === "network") return t("errors.network");
      if (e.status === 401) return t("errors.unauthorized");
      if (e.status === 404) return t("errors.not_found");
      if (e.status === 403) return t("errors.forbidden", { message: e.message });
      if (e.status === 400) return t("errors.bad_request", { message: e.message });
      return t("errors.conflict", { message: e.message });
    },
    [t],
  );

  const send = useCallback(
    async (intent: Intent): Promise<boolean> => {
      setError(null);
      try {
        const thread = await sendIntent(sectionId, intent);
        if (thread) {
          upsert(thread);
          setActive(thread.id);
        }
        return true;
      } catch (e) {
        setError(errorText(e));
        return false;
      }
    },
    [sectionId, upsert, errorText],
  );

  const start = useCallback(() => {
    if (!editor || !data?.can.comment) return;
    const selected = fns?.anchorOfSelection(editor) ?? null;
    if (!selected) {
      setHint(true);
      return;
    }
    setHint(false);
    setDraft(selected);
  }, [editor, fns, data]);

  // Sent or cancelled, the new comment's box goes, and the focus goes back to the text, to the selection
  // the comment was started on (not lost to the page, where a keyboard would start again at its top).
  const closeDraft = useCallback(() => {
    setDraft(null);
    if (editor && !editor.isDestroyed) editor.commands.focus();
  }, [editor]);

  // The editor's clicks and shortcut reach this column.
  useEffect(() => {
    bridge.handlers.current = { onActivate: setActive, onStart: start };
  }, [bridge.handlers, start]);

  // Decorations follow the list; positions follow every change of the text.
  const anchored = useMemo(() => threads.map((x) => ({ id: x.id, anchor: x.anchor, resolved: x.resolved !== null })), [threads]);
  useEffect(() => {
    if (editor && fns) fns.setThreads(editor, anchored, active);
  }, [editor, fns, anchored, active]);
  useEffect(() => {
    if (!editor) return;
    const bump = () => setVersion((v) => v + 1);
    editor.on("update", bump);
    editor.on("transaction", bump);
    window.addEventListener("resize", bump);
    return () => {
      editor.off("update", bump);
      editor.off("transaction", bump);
      window.removeEventListener("resize", bump);
    };
  }, [editor]);

  const me = data?.me.id;
  const shown = threads.filter((x) =>
    // A resolution waiting for my confirmation still needs me: it stays among the open ones.
    filter === "open" ? !x.resolved || x.asksMeToConfirm : filter === "resolved" ? x.resolved !== null : filter === "mine" ? x.author?.id === me : x.mentionsMe,
  );
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `version` stands for the editor's text and layout
  const ranges = useMemo(() => (editor && fns && !editor.isDestroyed ? fns.threadRanges(editor.state, anchored) : new Map()), [editor, fns, anchored, version]);
  const isAnchored = (id: string) => (editor ? ranges.get(id) != null : true);

  // Aligned layout: each card at its text's height, pushed down below the card above it.
  const column = useRef<HTMLDivElement>(null);
  const cards = useRef(new Map<string, HTMLElement>());
  const [tops, setTops] = useState<Record<string, number>>({});
  const [height, setHeight] = useState<number | undefined>(undefined);
  // After every render (cards change height as they are written in), guarded against loops by `same`.
  useMeasureEffect(() => {
    const box = column.current;
    const wide = typeof window !== "undefined" && window.matchMedia("(min-width: 52.01rem)").matches;
    if (!box || !editor || editor.isDestroyed || !wide) {
      if (Object.keys(tops).length) setTops({});
      setHeight(undefined);
      return;
    }
    const origin = box.getBoundingClientRect().top;
    const wanted = shown
      .map((x) => {
        const range = ranges.get(x.id);
        let top = Number.POSITIVE_INFINITY;
        if (range) {
          try {
            top = editor.view.coordsAtPos(range.from).top - origin;
          } catch {
            top = Number.POSITIVE_INFINITY;
          }
        }
        return { id: x.id, top };
      })
      .sort((a, b) => a.top - b.top);
    const next: Record<string, number> = {};
    let bottom = 0;
    for (const { id, top } of wanted) {
      const at = Math.max(Number.isFinite(top) ? top : bottom, bottom);
      next[id] = Math.round(at);
      bottom = at + (cards.current.get(id)?.offsetHeight ?? 120) + GAP;
    }
    const same = Object.keys(next).length === Object.keys(tops).length && Object.entries(next).every(([k, v]) => tops[k] === v);
    if (!same) setTops(next);
    setHeight(Math.round(bottom));
  });

  const showInText = (id: string) => {
    const range = ranges.get(id);
    if (!editor || !range) return;
    editor.chain().setTextSelection(range).scrollIntoView().run();
    setActive(id);
  };

  const aligned = Object.keys(tops).length > 0;
  return (
    <section className="ov-comments" aria-labelledby="comments-title" data-comments={data ? "ready" : loadError ? "error" : "loading"}>
      <div className="ov-comments__head">
        <h2 id="comments-title">
          {t("heading")}
          {threads.length ? <span className="ov-count">{threads.filter((x) => !x.resolved).length}</span> : null}
        </h2>
        {data?.can.comment ? (
          <button
            type="button"
            className="button button--small"
            onMouseDown={(event) => event.preventDefault()}
            onClick={start}
            disabled={!editor}
            title={t("newTitle", { shortcut: shortcutLabel() })}
            aria-keyshortcuts="Control+Alt+M Meta+Alt+M"
            data-action="new-thread"
          >
            {t("new")}
          </button>
        ) : null}
      </div>
      {hint ? (
        <p className="ov-comments__hint" role="status">
          {t("startHint", { shortcut: shortcutLabel() })}
        </p>
      ) : null}
      {error ? (
        <p className="alert alert--error ov-comments__error" role="alert">
          {error}
        </p>
      ) : null}

      {draft && data ? (
        <div className="ov-thread ov-thread--draft" data-draft>
          <p className="ov-thread__quote">“{draft.quote.length > 80 ? `${draft.quote.slice(0, 79)}…` : draft.quote}”</p>
          <Composer
            label={t("composer.label")}
            placeholder={t("composer.placeholder")}
            submitLabel={t("composer.submit")}
            members={visibility === "organisation" ? data.members.filter((m) => m.organisationId === data.me.organisationId) : data.members}
            autoFocus
            onCancel={closeDraft}
            onSubmit={async (body, mentions) => {
              const ok = await send({ intent: "create", anchor: draft.anchor, quote: draft.quote, visibility, body, mentions });
              if (ok) closeDraft();
              return ok;
            }}
          >
            {data.can.organisationOnly ? (
              <label className="ov-composer__visibility">
                <span>{t("composer.visibility")}</span>
                <select value={visibility} onChange={(event) => setVisibility(event.target.value === "organisation" ? "organisation" : "all")}>
                  <option value="all">{t("composer.visibilityAll")}</option>
                  <option value="organisation">{t("composer.visibilityOrganisation", { organisation: data.me.organisationShortCode ?? "" })}</option>
                </select>
              </label>
            ) : null}
          </Composer>
        </div>
      ) : null}

      {!data && !loadError ? (
        <p className="muted" role="status">
          {t("loading")}
        </p>
      ) : null}
      {loadError ? (
        <div className="alert alert--error" role="alert">
          <p>{t("loadFailed")}</p>
          <button type="button" className="button button--small" onClick={load}>
            {t("retry")}
          </button>
        </div>
      ) : null}

      {data ? (
        <>
          {threads.length ? (
            <div className="ov-segmented" role="group" aria-label={t("filter.label")}>
              {FILTERS.map((f) => (
                <button key={f} type="button" aria-pressed={filter === f} onClick={() => setFilter(f)} data-filter={f}>
                  {t(`filter.${f}`)}
                </button>
              ))}
            </div>
          ) : null}
          {threads.length === 0 ? (
            <p className="empty-state">{data.can.comment ? t("empty") : t("emptyReadOnly")}</p>
          ) : shown.length === 0 ? (
            <p className="empty-state">{t("emptyFilter")}</p>
          ) : null}
          <div ref={column} className={aligned ? "ov-comments__list ov-comments__list--aligned" : "ov-comments__list"} style={aligned ? { height } : undefined}>
            {shown.map((thread) => (
              <ThreadCard
                key={thread.id}
                ref={(el) => {
                  if (el) cards.current.set(thread.id, el);
                  else cards.current.delete(thread.id);
                }}
                thread={thread}
                anchored={isAnchored(thread.id)}
                active={active === thread.id}
                members={data.members}
                organisations={data.organisations}
                dateLocale={dateLocale}
                style={aligned && tops[thread.id] !== undefined ? { top: tops[thread.id] } : undefined}
                onActivate={() => setActive(thread.id)}
                onShow={() => showInText(thread.id)}
                send={send}
              />
            ))}
          </div>
        </>
      ) : null}
    </section>
  );
}

function shortcutLabel(): string {
  const mac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
  return mac ? "⌘⌥M" : "Ctrl+Alt+M";
}
