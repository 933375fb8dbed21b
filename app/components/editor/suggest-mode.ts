/**
 * Suggesting in the editor (ADR 027). In suggesting mode, typing, deleting and pasting text are made
 * into suggestions with the transforms of app/shared/suggestions.ts (the person's own suggested
 * insertions are changed directly; other text is marked, not removed); so is turning bold or italic on
 * or off, from the toolbar or a shortcut (ADR 043: the formatting is made, with a formatChange mark
 * saying what changed); every other change to the text (a new paragraph, a link, a dropped image) is
 * not made, and `onRefused` says so. In editing
 * mode, text typed inside someone's suggestion is written plain (it would otherwise take their mark).
 * Changes from other people (y-tiptap) and accepting or rejecting (meta SUGGESTION_META) pass as they
 * are. The collab server checks all of it again.
 */
import { Extension } from "@tiptap/core";
import { isChangeOrigin } from "@tiptap/extension-collaboration";
import { Plugin, PluginKey, TextSelection, type EditorState, type Transaction } from "@tiptap/pm/state";
import { AddMarkStep, RemoveMarkStep } from "@tiptap/pm/transform";
import type { EditorView } from "@tiptap/pm/view";
import { SUGGESTIBLE_FORMATS, stripSuggestions, suggestFormat, suggestReplace, type SuggestibleFormat, type SuggestionAuthor } from "../../shared/suggestions";

export type EditMode = "editing" | "suggesting";

/** Set on a transaction that makes or resolves suggestions itself (it passes unchanged). */
export const SUGGESTION_META = "overlegSuggestion";

export interface SuggestModeOptions {
  author: SuggestionAuthor | null;
  /** The mode now (read on every keystroke). */
  mode: () => EditMode;
  /** A change that cannot be suggested was not made. */
  onRefused: () => void;
  /** Mod-Alt-s: the person asks to switch modes. */
  onToggle: () => void;
}

const key = new PluginKey("overlegSuggestMode");

interface FormatStep {
  from: number;
  to: number;
  format: SuggestibleFormat;
  on: boolean;
}

/**
 * The formatting `tr` makes, when all it does is turn bold or italic on or off (what toggleBold and
 * toggleItalic dispatch, from the toolbar or a shortcut), else null. Mark steps move no positions, so
 * each range is one of the document before `tr`.
 */
function formatSteps(tr: Transaction): FormatStep[] | null {
  const out: FormatStep[] = [];
  for (const step of tr.steps) {
    if (!(step instanceof AddMarkStep || step instanceof RemoveMarkStep)) return null;
    const name = step.mark.type.name;
    if (!(SUGGESTIBLE_FORMATS as readonly string[]).includes(name)) return null;
    out.push({ from: step.from, to: step.to, format: name as SuggestibleFormat, on: step instanceof AddMarkStep });
  }
  return out.length ? out : null;
}

export const SuggestMode = Extension.create<SuggestModeOptions>({
  name: "overlegSuggestMode",
  addOptions() {
    return { author: null, mode: () => "editing", onRefused: () => {}, onToggle: () => {} };
  },
  addKeyboardShortcuts() {
    return {
      "Mod-Alt-s": () => {
        this.options.onToggle();
        return true;
      },
    };
  },
  addProseMirrorPlugins() {
    const options = this.options;
    const suggesting = () => options.mode() === "suggesting" && options.author !== null;
    const replace = (view: EditorView, from: number, to: number, text: string, cursor: "start" | "end") => {
      const tr = view.state.tr;
      const end = suggestReplace(tr, from, to, text, options.author!);
      const at = text ? end : cursor === "start" ? tr.mapping.map(from, -1) : tr.mapping.map(to, 1);
      tr.setSelection(TextSelection.create(tr.doc, Math.min(at, tr.doc.content.size)));
      tr.setMeta(SUGGESTION_META, true);
      view.dispatch(tr.scrollIntoView());
      return true;
    };
    let current: EditorView | null = null;
    // Bold or italic, asked for in suggesting mode: made as a suggestion instead (right after the
    // refused transaction, on the state as it is then).
    const suggestFormats = (steps: FormatStep[]) => {
      const view = current;
      if (!view || !suggesting()) return;
      const tr = view.state.tr;
      let changed = false;
      for (const s of steps) changed = suggestFormat(tr, Math.min(s.from, tr.doc.content.size), Math.min(s.to, tr.doc.content.size), s.format, s.on, options.author!) || changed;
      if (!changed) return;
      tr.setMeta(SUGGESTION_META, true);
      view.dispatch(tr);
    };
    return [
      new Plugin({
        key,
        view(view) {
          current = view;
          return {
            destroy() {
              current = null;
            },
          };
        },
        props: {
          handleTextInput(view, from, to, text) {
            if (!suggesting()) return false;
            return replace(view, from, to, text, "end");
          },
          handleKeyDown(view, event) {
            if (!suggesting() || (event.key !== "Backspace" && event.key !== "Delete")) return false;
            const { $from, $to, empty } = view.state.selection;
            if (!$from.parent.isTextblock || $from.parent !== $to.parent) {
              options.onRefused();
              return true;
            }
            if (!empty) return replace(view, $from.pos, $to.pos, "", "start");
            if (event.key === "Backspace") {
              // At the start of a block: joining blocks is not a suggestion.
              if ($from.parentOffset === 0) return true;
              return replace(view, $from.pos - 1, $from.pos, "", "start");
            }
            if ($from.parentOffset === $from.parent.content.size) return true;
            return replace(view, $from.pos, $from.pos + 1, "", "end");
          },
          handlePaste(view, event) {
            if (!suggesting()) return false;
            const text = event.clipboardData?.getData("text/plain") ?? "";
            const { $from, $to } = view.state.selection;
            if (!text || text.includes("\n") || $from.parent !== $to.parent || !$from.parent.isTextblock) {
              options.onRefused();
              return true;
            }
            return replace(view, $from.pos, $to.pos, text, "end");
          },
          handleDrop() {
            if (!suggesting()) return false;
            options.onRefused();
            return true;
          },
        },
        // In suggesting mode nothing else changes the text from this page (bold and italic become
        // suggestions).
        filterTransaction(tr: Transaction) {
          if (!tr.docChanged || !suggesting() || tr.getMeta(SUGGESTION_META) || isChangeOrigin(tr)) return true;
          const format = formatSteps(tr);
          if (format) {
            queueMicrotask(() => suggestFormats(format));
            return false;
          }
          queueMicrotask(options.onRefused);
          return false;
        },
        // In editing mode, text typed or pasted carries no one's suggestion mark.
        appendTransaction(trs: readonly Transaction[], _old: EditorState, state: EditorState) {
          if (options.mode() === "suggesting") return null;
          const ranges: [number, number][] = [];
          trs.forEach((tr, j) => {
            if (!tr.docChanged || tr.getMeta(SUGGESTION_META) || isChangeOrigin(tr)) return;
            tr.mapping.maps.forEach((map, i) => {
              map.forEach((_oldStart, _oldEnd, newStart, newEnd) => {
                if (newEnd <= newStart) return;
                // Into the final document: through the rest of this transaction, then the ones after it.
                let from = tr.mapping.slice(i + 1).map(newStart, -1);
                let to = tr.mapping.slice(i + 1).map(newEnd, 1);
                for (const later of trs.slice(j + 1)) {
                  from = later.mapping.map(from, -1);
                  to = later.mapping.map(to, 1);
                }
                ranges.push([from, to]);
              });
            });
          });
          if (ranges.length === 0) return null;
          const fix = state.tr;
          for (const [from, to] of ranges) {
            let marked = false;
            state.doc.nodesBetween(Math.max(0, from), Math.min(to, state.doc.content.size), (node) => {
              if (node.isText && node.marks.some((m) => m.type.name === "insertion" || m.type.name === "deletion" || m.type.name === "formatChange")) marked = true;
              return !marked;
            });
            if (marked) stripSuggestions(fix, from, to);
          }
          return fix.docChanged ? fix.setMeta(SUGGESTION_META, true) : null;
        },
      }),
    ];
  },
});
