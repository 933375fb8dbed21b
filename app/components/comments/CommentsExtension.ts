/**
 * Comment threads in the editor: their anchored ranges drawn as decorations (never marks: commenting
 * does not change the document), the active thread emphasised, a click on a range choosing its
 * thread, and Mod-Alt-m to start a thread on the selection.
 *
 *   const extension = CommentsExtension.configure({ onActivate, onStart });
 *   setThreads(editor, [{ id, anchor, resolved }], activeId);   // whenever the list changes
 *   threadRanges(editor.state, threads)                          // where each thread is now
 */
import { Extension, type Editor } from "@tiptap/core";
import { Plugin, PluginKey, type EditorState } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import { ySyncPluginKey } from "@tiptap/y-tiptap";
import type * as Y from "yjs";
import { anchorFromRange, resolveAnchor, type Anchor, type Mapping } from "./anchors";

export interface AnchoredThread {
  id: string;
  anchor: Anchor | null;
  resolved: boolean;
}

interface PluginState {
  threads: AnchoredThread[];
  active: string | null;
}

export const commentsKey = new PluginKey<PluginState>("overlegComments");

export const START_SHORTCUT = "Mod-Alt-m";

/** START_SHORTCUT as a key event (by key position: Alt changes the character on some keyboards). */
export function isStartShortcut(event: KeyboardEvent): boolean {
  const mod = /Mac|iPhone|iPad/.test(typeof navigator === "undefined" ? "" : navigator.platform) ? event.metaKey : event.ctrlKey;
  return mod && event.altKey && !event.shiftKey && (event.code === "KeyM" || event.key.toLowerCase() === "m");
}

function binding(state: EditorState): { doc: Y.Doc; type: Y.XmlFragment; mapping: Mapping } | null {
  const sync = ySyncPluginKey.getState(state) as { doc?: Y.Doc; type?: Y.XmlFragment; binding?: { mapping: Mapping } } | undefined;
  if (!sync?.doc || !sync.type || !sync.binding) return null;
  return { doc: sync.doc, type: sync.type, mapping: sync.binding.mapping };
}

/** Where each thread's anchor is now in this editor's text (null: its text was removed). */
export function threadRanges(state: EditorState, threads: AnchoredThread[]): Map<string, { from: number; to: number } | null> {
  const b = binding(state);
  const out = new Map<string, { from: number; to: number } | null>();
  for (const thread of threads) {
    const range = b && thread.anchor ? resolveAnchor(b.doc, b.type, b.mapping, thread.anchor) : null;
    out.set(thread.id, range && range.to <= state.doc.content.size ? range : null);
  }
  return out;
}

/** The anchor and quoted text of the editor's selection, or null when nothing is selected. */
export function anchorOfSelection(editor: Editor): { anchor: Anchor; quote: string } | null {
  let { from, to } = editor.state.selection;
  const view = editor.view;
  // While the text has the focus, what the person sees selected is the browser's selection: an editable
  // view takes it over only at the browser's next selectionchange, which comes after a shortcut pressed
  // right after Shift+arrow. A view without the focus, or a read-only one, may not mirror it in its
  // state at all (then the state's selection is empty). Otherwise (a suggestion card's Reply, say)
  // the editor's own selection is the one meant.
  const fromPage = view.hasFocus() || from === to;
  if (fromPage && typeof window !== "undefined") {
    const selection = window.getSelection();
    if (selection && selection.rangeCount) {
      const range = selection.getRangeAt(0);
      if (view.dom.contains(range.startContainer) && view.dom.contains(range.endContainer)) {
        try {
          from = view.posAtDOM(range.startContainer, range.startOffset);
          to = view.posAtDOM(range.endContainer, range.endOffset);
        } catch {
          return null;
        }
      }
    }
  }
  if (from >= to) return null;
  const b = binding(editor.state);
  if (!b) return null;
  const quote = editor.state.doc.textBetween(from, to, " ").trim();
  if (!quote) return null;
  return { anchor: anchorFromRange(b.doc, b.type, b.mapping, from, to), quote: quote.slice(0, 1000) };
}

export function setThreads(editor: Editor, threads: AnchoredThread[], active: string | null): void {
  if (editor.isDestroyed) return;
  editor.view.dispatch(editor.state.tr.setMeta(commentsKey, { threads, active } satisfies PluginState).setMeta("addToHistory", false));
}

export const CommentsExtension = Extension.create<{ onActivate: (id: string) => void; onStart: () => void }>({
  name: "overlegComments",
  addOptions() {
    return { onActivate: () => {}, onStart: () => {} };
  },
  addKeyboardShortcuts() {
    return {
      [START_SHORTCUT]: () => {
        this.options.onStart();
        return true;
      },
    };
  },
  addProseMirrorPlugins() {
    const options = this.options;
    return [
      new Plugin<PluginState>({
        key: commentsKey,
        state: {
          init: () => ({ threads: [], active: null }),
          apply: (tr, value) => (tr.getMeta(commentsKey) as PluginState | undefined) ?? value,
        },
        props: {
          // A read-only view runs no keymaps (ProseMirror leaves keydown to editable views): whoever may
          // comment on read-only text starts a thread from the keyboard all the same.
          handleDOMEvents: {
            keydown(view, event) {
              if (view.editable || !isStartShortcut(event)) return false;
              event.preventDefault();
              options.onStart();
              return true;
            },
          },
          decorations(state) {
            const { threads, active } = commentsKey.getState(state) ?? { threads: [], active: null };
            const open = threads.filter((t) => !t.resolved || t.id === active);
            if (!open.length) return DecorationSet.empty;
            const ranges = threadRanges(state, open);
            const decorations: Decoration[] = [];
            for (const thread of open) {
              const range = ranges.get(thread.id);
              if (!range) continue;
              decorations.push(
                Decoration.inline(range.from, range.to, {
                  class: thread.id === active ? "ov-comment-range ov-comment-range--active" : "ov-comment-range",
                  "data-thread-id": thread.id,
                }),
              );
            }
            return DecorationSet.create(state.doc, decorations);
          },
          handleClick(_view, _pos, event) {
            const target = event.target instanceof Element ? event.target.closest("[data-thread-id]") : null;
            const id = target?.getAttribute("data-thread-id");
            if (id) options.onActivate(id);
            return false;
          },
        },
      }),
    ];
  },
});
