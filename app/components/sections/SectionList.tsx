/**
 * The workspace's sections in order. Its owners reorder them by dragging (the handle) or with the up
 * and down buttons (the new position is announced), and rename, move or archive each one. A reorder
 * sends the whole new order with the order it started from, so a change by someone else meanwhile is
 * refused rather than mixed in (the list then shows the order as it is).
 */
import { Form, Link, useFetcher, useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { ActionResult } from "~/utils/action-result";
import { quietly } from "../realtime/useLiveRevalidate";
import { SectionMessage } from "./SectionMessage";

export interface ListedSection {
  id: string;
  title: string;
}

export interface SectionListProps<S extends ListedSection> {
  sections: S[];
  /** The policy's answers: whether this person shapes the sections (owners). */
  mayShape: boolean;
  /** Workspaces of the same agenda this person also owns. */
  moveTargets: { id: string; title: string }[];
  /** The last form answer on the page (rename, move, archive). */
  result: ActionResult | undefined;
  /** What the row shows besides the title (status, review summary). */
  extra(section: S): ReactNode;
}

export function SectionList<S extends ListedSection>({ sections, mayShape, moveTargets, result, extra }: SectionListProps<S>) {
  const { t } = useTranslation("sections");
  const fetcher = useFetcher<ActionResult>();
  const served = sections.map((s) => s.id).join(",");
  const [order, setOrder] = useState<string[]>(() => sections.map((s) => s.id));
  const [announcement, setAnnouncement] = useState("");
  const dragged = useRef<string | null>(null);
  const refocus = useRef<{ id: string; dir: "up" | "down" } | null>(null);
  const byId = new Map(sections.map((s) => [s.id, s]));
  const revalidator = useRevalidator();
  const refused = fetcher.state === "idle" && fetcher.data && !fetcher.data.ok ? fetcher.data : undefined;

  // The server's order wins whenever it arrives (a revalidation, someone else's change, a refusal).
  useEffect(() => {
    setOrder(served ? served.split(",") : []);
  }, [served]);

  // Refused (someone else reordered first): back to the server's order, and fetch it anew.
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  useEffect(() => {
    if (!refused) return;
    setOrder(served ? served.split(",") : []);
    void quietly(() => revalidate.current());
    // Only when a new refusal arrives.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [refused]);

  useEffect(() => {
    const want = refocus.current;
    if (!want) return;
    refocus.current = null;
    document.querySelector<HTMLButtonElement>(`[data-section-id="${want.id}"] [data-move="${want.dir}"]`)?.focus();
  });

  const shown = order.filter((id) => byId.has(id));

  function submit(next: string[], moved: string) {
    const expected = shown;
    setOrder(next);
    const position = next.indexOf(moved) + 1;
    setAnnouncement(t("list.moved", { title: byId.get(moved)?.title ?? "", position, total: next.length }));
    const form = new FormData();
    form.set("intent", "section.reorder");
    for (const id of next) form.append("order", id);
    for (const id of expected) form.append("expected", id);
    fetcher.submit(form, { method: "post" });
  }

  function step(id: string, dir: "up" | "down") {
    const from = shown.indexOf(id);
    const to = dir === "up" ? from - 1 : from + 1;
    if (from < 0 || to < 0 || to >= shown.length) return;
    const next = [...shown];
    next.splice(from, 1);
    next.splice(to, 0, id);
    refocus.current = { id, dir };
    submit(next, id);
  }

  function drop(onto: string, after: boolean) {
    const id = dragged.current;
    dragged.current = null;
    if (!id || id === onto) return;
    const next = shown.filter((x) => x !== id);
    const at = next.indexOf(onto);
    if (at < 0) return;
    next.splice(after ? at + 1 : at, 0, id);
    if (next.join(",") === shown.join(",")) return;
    submit(next, id);
  }

  return (
    <>
      {mayShape && shown.length > 1 ? <p className="muted section-list__help">{t("list.reorderHelp")}</p> : null}
      <ol className="section-list">
        {shown.map((id, index) => {
          const s = byId.get(id)!;
          return (
            <li
              key={s.id}
              className="section-list__item"
              data-section-id={s.id}
              draggable={mayShape}
              onDragStart={
                mayShape
                  ? (e) => {
                      dragged.current = s.id;
                      e.dataTransfer.effectAllowed = "move";
                      e.dataTransfer.setData("text/plain", s.id);
                    }
                  : undefined
              }
              onDragOver={
                mayShape
                  ? (e) => {
                      if (!dragged.current) return;
                      e.preventDefault();
                      e.dataTransfer.dropEffect = "move";
                    }
                  : undefined
              }
              onDrop={
                mayShape
                  ? (e) => {
                      e.preventDefault();
                      const box = e.currentTarget.getBoundingClientRect();
                      drop(s.id, e.clientY > box.top + box.height / 2);
                    }
                  : undefined
              }
              onDragEnd={() => {
                dragged.current = null;
              }}
            >
              {mayShape ? (
                <span className="section-list__handle" aria-hidden="true" title={t("list.dragHandle", { title: s.title })} data-drag-handle>
                  ⠿
                </span>
              ) : null}
              <div className="section-list__main">
                <Link to={`/s/${s.id}`} className="section-list__title" draggable={false}>
                  {s.title}
                </Link>
                {extra(s)}
                {mayShape ? (
                  <details className="section-list__shape">
                    <summary aria-label={t("list.actions", { title: s.title })}>{t("list.more")}</summary>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="section.rename" />
                      <input type="hidden" name="sectionId" value={s.id} />
                      <label>
                        {t("rename.label")} <input name="title" defaultValue={s.title} maxLength={200} required />
                      </label>
                      <button type="submit" className="button">
                        {t("rename.submit")}
                      </button>
                    </Form>
                    {moveTargets.length ? (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="section.move" />
                        <input type="hidden" name="sectionId" value={s.id} />
                        <label>
                          {t("move.label")}{" "}
                          <select name="toWorkspaceId" defaultValue={moveTargets[0].id}>
                            {moveTargets.map((w) => (
                              <option key={w.id} value={w.id}>
                                {w.title}
                              </option>
                            ))}
                          </select>
                        </label>
                        <button type="submit" className="button">
                          {t("move.submit")}
                        </button>
                      </Form>
                    ) : null}
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="section.archive" />
                      <input type="hidden" name="sectionId" value={s.id} />
                      <button type="submit" className="button button--danger">
                        {t("archive.submit")}
                      </button>
                      <span className="muted"> {t("archive.explain")}</span>
                    </Form>
                  </details>
                ) : null}
                {["section.rename", "section.move", "section.archive"].map((intent) => (
                  <SectionMessage key={intent} result={result} intent={intent} target={s.id} />
                ))}
              </div>
              {mayShape ? (
                <span className="section-list__order">
                  <button
                    type="button"
                    className="button button--quiet"
                    data-move="up"
                    aria-label={t("list.moveUp", { title: s.title })}
                    aria-disabled={index === 0}
                    onClick={() => step(s.id, "up")}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="button button--quiet"
                    data-move="down"
                    aria-label={t("list.moveDown", { title: s.title })}
                    aria-disabled={index === shown.length - 1}
                    onClick={() => step(s.id, "down")}
                  >
                    ↓
                  </button>
                </span>
              ) : null}
            </li>
          );
        })}
      </ol>
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="order-announcement">
        {announcement}
      </p>
      <SectionMessage result={refused ?? result} intent="section.reorder" />
      {/* A refusal about a section no longer in the list (archived, moved meanwhile). */}
      {result && !result.ok && result.target && !byId.has(result.target)
        ? ["section.rename", "section.move", "section.archive"].map((intent) => <SectionMessage key={intent} result={result} intent={intent} />)
        : null}
    </>
  );
}
