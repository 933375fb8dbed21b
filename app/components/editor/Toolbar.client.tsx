/**
 * The editor's formatting toolbar (WAI-ARIA toolbar: one tab stop, arrow keys move between buttons,
 * toggles report aria-pressed, every button has a label and its keyboard shortcut). In suggesting
 * mode it holds bold and italic alone: the formatting that can be suggested (ADR 043).
 */
import type { Editor } from "@tiptap/core";
import { useEditorState } from "@tiptap/react";
import { forwardRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

interface ToolbarProps {
  editor: Editor;
  onLink(): void;
  /** Suggesting mode: only the formatting that can be suggested. */
  suggesting?: boolean;
}

interface Item {
  key: string;
  label: string;
  icon: ReactNode;
  /** The letters the icon shows (H2, B), which the button's name then includes (WCAG 2.5.3, label in name). */
  text?: string;
  shortcut?: string;
  pressed?: boolean;
  disabled?: boolean;
  run(): void;
}

const isMac = () => typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** "Mod-Shift-z" → { aria: "Control+Shift+Z", text: "Ctrl+Shift+Z" } for this platform. */
function shortcut(spec: string): { aria: string; text: string } {
  const mac = isMac();
  const parts = spec.split("-").map((p) => {
    if (p === "Mod") return mac ? ["Meta", "⌘"] : ["Control", "Ctrl"];
    if (p === "Shift") return ["Shift", mac ? "⇧" : "Shift"];
    if (p === "Alt") return ["Alt", mac ? "⌥" : "Alt"];
    return [p.toUpperCase(), p.toUpperCase()];
  });
  return { aria: parts.map((p) => p[0]).join("+"), text: parts.map((p) => p[1]).join(mac ? "" : "+") };
}

export const Toolbar = forwardRef<HTMLDivElement, ToolbarProps>(function Toolbar({ editor, onLink, suggesting = false }, ref) {
  const { t } = useTranslation("editor");
  const [focusIndex, setFocusIndex] = useState(0);
  const s = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      h2: e.isActive("heading", { level: 2 }),
      h3: e.isActive("heading", { level: 3 }),
      bold: e.isActive("bold"),
      italic: e.isActive("italic"),
      bullet: e.isActive("bulletList"),
      ordered: e.isActive("orderedList"),
      link: e.isActive("link"),
      table: e.isActive("table"),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  });

  const chain = () => editor.chain().focus();
  const formatting: Item[] = [
    { key: "bold", text: "B", label: t("toolbar.bold"), icon: <b>B</b>, shortcut: "Mod-b", pressed: s.bold, run: () => chain().toggleBold().run() },
    { key: "italic", text: "I", label: t("toolbar.italic"), icon: <i>I</i>, shortcut: "Mod-i", pressed: s.italic, run: () => chain().toggleItalic().run() },
  ];
  const groups: Item[][] = suggesting ? [formatting] : [
    [
      { key: "h2", text: "H2", label: t("toolbar.heading2"), icon: "H2", shortcut: "Mod-Alt-2", pressed: s.h2, run: () => chain().toggleHeading({ level: 2 }).run() },
      { key: "h3", text: "H3", label: t("toolbar.heading3"), icon: "H3", shortcut: "Mod-Alt-3", pressed: s.h3, run: () => chain().toggleHeading({ level: 3 }).run() },
    ],
    [
      ...formatting,
      { key: "link", label: t("toolbar.link"), icon: <LinkIcon />, shortcut: "Mod-k", pressed: s.link, run: onLink },
    ],
    [
      { key: "bullet", label: t("toolbar.bulletList"), icon: <BulletIcon />, shortcut: "Mod-Shift-8", pressed: s.bullet, run: () => chain().toggleBulletList().run() },
      { key: "ordered", label: t("toolbar.orderedList"), icon: <OrderedIcon />, shortcut: "Mod-Shift-7", pressed: s.ordered, run: () => chain().toggleOrderedList().run() },
    ],
    s.table
      ? [
          { key: "rowAfter", label: t("toolbar.addRow"), icon: <TableOpIcon axis="row" op="add" />, run: () => chain().addRowAfter().run() },
          { key: "colAfter", label: t("toolbar.addColumn"), icon: <TableOpIcon axis="col" op="add" />, run: () => chain().addColumnAfter().run() },
          { key: "rowDelete", label: t("toolbar.deleteRow"), icon: <TableOpIcon axis="row" op="remove" />, run: () => chain().deleteRow().run() },
          { key: "colDelete", label: t("toolbar.deleteColumn"), icon: <TableOpIcon axis="col" op="remove" />, run: () => chain().deleteColumn().run() },
          { key: "tableDelete", label: t("toolbar.deleteTable"), icon: <TableIcon crossed />, run: () => chain().deleteTable().run() },
        ]
      : [{ key: "table", label: t("toolbar.insertTable"), icon: <TableIcon />, run: () => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run() }],
    [
      { key: "undo", label: t("toolbar.undo"), icon: "↶", shortcut: "Mod-z", disabled: !s.canUndo, run: () => chain().undo().run() },
      { key: "redo", label: t("toolbar.redo"), icon: "↷", shortcut: "Mod-Shift-z", disabled: !s.canRedo, run: () => chain().redo().run() },
    ],
  ];
  const flat = groups.flat();
  const current = Math.min(focusIndex, flat.length - 1);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const buttons = Array.from(event.currentTarget.querySelectorAll<HTMLButtonElement>("button[data-toolbar-item]"));
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    let next = at;
    if (event.key === "ArrowRight") next = (at + 1) % buttons.length;
    else if (event.key === "ArrowLeft") next = (at - 1 + buttons.length) % buttons.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = buttons.length - 1;
    else if (event.key === "Escape") {
      event.preventDefault();
      editor.commands.focus();
      return;
    } else return;
    event.preventDefault();
    setFocusIndex(next);
    buttons[next]?.focus();
  };

  let index = -1;
  return (
    <div ref={ref} className="ov-toolbar" role="toolbar" aria-label={t("toolbar.label")} onKeyDown={onKeyDown}>
      {groups.map((group, g) => (
        <div key={g} className="ov-toolbar__group" role="group">
          {group.map((item) => {
            index += 1;
            const i = index;
            const keys = item.shortcut ? shortcut(item.shortcut) : null;
            return (
              <button
                key={item.key}
                type="button"
                data-toolbar-item={item.key}
                className="ov-toolbar__button"
                tabIndex={i === current ? 0 : -1}
                // The name: the letters the button shows (H2, B) and then what it does; an icon is hidden and named in words.
                aria-label={item.text ? undefined : item.label}
                aria-pressed={item.pressed === undefined ? undefined : item.pressed}
                aria-keyshortcuts={keys?.aria}
                aria-disabled={item.disabled ? true : undefined}
                title={keys ? `${item.label} (${keys.text})` : item.label}
                onFocus={() => setFocusIndex(i)}
                // Keep the text selection: do not move focus out of the editor on mouse down.
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => {
                  if (!item.disabled) item.run();
                }}
              >
                {item.text ? (
                  <>
                    <span className="ov-toolbar__icon">{item.icon}</span>
                    <span className="visually-hidden"> {item.label}</span>
                  </>
                ) : (
                  <span aria-hidden="true" className="ov-toolbar__icon">
                    {item.icon}
                  </span>
                )}
              </button>
            );
          })}
        </div>
      ))}
    </div>
  );
});

function BulletIcon() {
  return (
    <svg viewBox="0 0 20 20" width="18" height="18" fill="currentColor">
      <circle cx="4" cy="5" r="1.6" />
      <circle cx="4" cy="10" r="1.6" />
      <circle cx="4" cy="15" r="1.6" />
      <rect x="8" y="4" width="10" height="2" rx="1" />
      <rect x="8" y="9" width="10" height="2" rx="1" />
      <rect x="8" y="14" width="10" height="2" rx="1" />
    </svg>
  );
}

function OrderedIcon() {
  return (
    <svg viewBox="0 0 20 20" width="18" height="18" fill="currentColor">
      {/* The numerals drawn, not text: visible text would have to be in the button's name. */}
      <path d="M1.8 2.8 L3.2 2 V7 M1.8 7 H4.4 M1.2 8.6 Q2.6 7.4 3.8 8.4 Q4.2 9.6 1.2 12.4 H4.4 M1.2 13.8 H4 L2.5 15.3 Q4.4 15.5 3.9 17.2 Q2.8 18.6 1.2 17.6" fill="none" stroke="currentColor" strokeWidth="0.9" strokeLinecap="round" strokeLinejoin="round" />
      <rect x="8" y="4" width="10" height="2" rx="1" />
      <rect x="8" y="9" width="10" height="2" rx="1" />
      <rect x="8" y="14" width="10" height="2" rx="1" />
    </svg>
  );
}

function LinkIcon() {
  return (
    <svg viewBox="0 0 20 20" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
      <path d="M8.5 11.5a3.5 3.5 0 0 0 5 0l3-3a3.5 3.5 0 0 0-5-5l-1 1" />
      <path d="M11.5 8.5a3.5 3.5 0 0 0-5 0l-3 3a3.5 3.5 0 0 0 5 5l1-1" />
    </svg>
  );
}

function TableIcon({ crossed = false }: { crossed?: boolean }) {
  return (
    <svg viewBox="0 0 20 20" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="1.6">
      <rect x="2.5" y="3.5" width="15" height="13" rx="1" />
      <path d="M2.5 8h15M2.5 12.5h15M7.5 3.5v13M12.5 3.5v13" />
      {crossed ? <path d="M3 17L17 3" strokeWidth="2" /> : null}
    </svg>
  );
}

/** A row or column (the filled band) being added (+) or removed (−). */
function TableOpIcon({ axis, op }: { axis: "row" | "col"; op: "add" | "remove" }) {
  return (
    <svg viewBox="0 0 20 20" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="1.5">
      <rect x="1.5" y="1.5" width="12" height="12" rx="1" />
      {axis === "row" ? <rect x="1.5" y="9.5" width="12" height="4" fill="currentColor" /> : <rect x="9.5" y="1.5" width="4" height="12" fill="currentColor" />}
      <path d={op === "add" ? "M13 16.5h6M16 13.5v6" : "M13 16.5h6"} strokeWidth="2" />
    </svg>
  );
}
