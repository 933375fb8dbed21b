/**
 * The outline of a section beside its editor: the headings of the live document (as everyone edits
 * it), each a button that moves the cursor to its heading and scrolls it into view (click or Enter).
 */
import type { Editor } from "@tiptap/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

export interface OutlineHeading {
  level: number;
  text: string;
  /** Where the heading starts in the document. */
  pos: number;
}

/** The headings of a document, in order. */
export function headingsOf(editor: Editor): OutlineHeading[] {
  const found: OutlineHeading[] = [];
  editor.state.doc.descendants((node, pos) => {
    if (node.type.name === "heading") {
      found.push({ level: Number(node.attrs.level) || 1, text: node.textContent, pos });
      return false;
    }
    return true;
  });
  return found;
}

export function SectionOutline({ editor }: { editor: Editor | null }) {
  const { t } = useTranslation("sections");
  const [headings, setHeadings] = useState<OutlineHeading[]>([]);

  useEffect(() => {
    if (!editor || editor.isDestroyed) {
      setHeadings([]);
      return;
    }
    const read = () => {
      if (!editor.isDestroyed) setHeadings(headingsOf(editor));
    };
    read();
    editor.on("update", read);
    editor.on("create", read);
    return () => {
      editor.off("update", read);
      editor.off("create", read);
    };
  }, [editor]);

  if (!editor) return null;

  function jump(h: OutlineHeading) {
    if (!editor || editor.isDestroyed) return;
    editor.chain().focus().setTextSelection(h.pos + 1).scrollIntoView().run();
    const dom = editor.view.nodeDOM(h.pos);
    if (dom instanceof HTMLElement) dom.scrollIntoView({ block: "start" });
  }

  return (
    <nav className="panel section-outline" aria-labelledby="outline-title" data-outline>
      <h2 id="outline-title">{t("outline.title")}</h2>
      {headings.length === 0 ? (
        <p className="muted">{t("outline.empty")}</p>
      ) : (
        <ol className="section-outline__list">
          {headings.map((h, i) => (
            <li key={`${h.pos}-${i}`} className={`section-outline__item section-outline__item--h${h.level}`}>
              <button type="button" className="link-button" onClick={() => jump(h)}>
                {h.text || "—"}
              </button>
            </li>
          ))}
        </ol>
      )}
    </nav>
  );
}
